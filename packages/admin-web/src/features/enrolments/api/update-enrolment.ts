import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { enrolmentKeys } from './list-cohort-enrolments';

export type UpdateEnrolmentInput = ApiRequestBody<'/v1/enrolments/{id}', 'patch'>;

export function updateEnrolment({ enrolmentId, body }: { enrolmentId: string; body: UpdateEnrolmentInput }) {
  return unwrap(api.PATCH('/v1/enrolments/{id}', { params: { path: { id: enrolmentId } }, body }));
}

export function useUpdateEnrolment(cohortId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['enrolments', 'update'],
    mutationFn: updateEnrolment,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: enrolmentKeys.cohort(cohortId) }),
  });
}
