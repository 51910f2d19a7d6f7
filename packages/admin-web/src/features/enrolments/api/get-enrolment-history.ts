import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { enrolmentKeys } from './list-cohort-enrolments';

export type EnrolmentHistory = ApiResponse<'/v1/enrolments/{id}/history', 'get'>;
export type EnrolmentEvent = EnrolmentHistory['items'][number];

export function getEnrolmentHistoryQueryOptions(enrolmentId: string) {
  return queryOptions({
    queryKey: enrolmentKeys.history(enrolmentId),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/v1/enrolments/{id}/history', { params: { path: { id: enrolmentId } }, signal })),
  });
}

export function useEnrolmentHistory(enrolmentId: string) {
  return useQuery(getEnrolmentHistoryQueryOptions(enrolmentId));
}
