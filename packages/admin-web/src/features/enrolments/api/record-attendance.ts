import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { enrolmentKeys } from './list-cohort-enrolments';

export type AttendanceInput = ApiRequestBody<'/v1/sessions/{id}/attendance', 'put'>;

export function recordAttendance({ sessionId, entries }: { sessionId: string; entries: AttendanceInput }) {
  return unwrap(api.PUT('/v1/sessions/{id}/attendance', { params: { path: { id: sessionId } }, body: entries }));
}

export function useRecordAttendance(cohortId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['attendance', 'record'],
    mutationFn: recordAttendance,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: enrolmentKeys.cohort(cohortId) }),
  });
}
