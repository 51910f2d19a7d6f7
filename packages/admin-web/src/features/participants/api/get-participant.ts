import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { participantKeys } from './list-participants';

export type Participant = ApiResponse<'/v1/participants/{id}', 'get'>;

/** One participant (each read is audited by the API), with their latest declaration's outcome. */
export function getParticipantQueryOptions(id: string) {
  return queryOptions({
    queryKey: participantKeys.detail(id),
    queryFn: ({ signal }) => unwrap(api.GET('/v1/participants/{id}', { params: { path: { id } }, signal })),
  });
}

export function useParticipant(id: string) {
  return useQuery(getParticipantQueryOptions(id));
}
