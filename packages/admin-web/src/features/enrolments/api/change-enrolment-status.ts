// Withdraw, remove, accept, decline, complete: each moves the waitlist in the same transaction on
// the server, so the whole cohort (counts, roster, offers) is read again afterwards.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { cohortKeys } from '../../cohorts/api/list-cohorts';
import { enrolmentKeys } from './list-cohort-enrolments';

export type EnrolmentAction = 'withdraw' | 'remove' | 'accept' | 'decline' | 'complete';

export interface EnrolmentActionInput {
  enrolmentId: string;
  action: EnrolmentAction;
  reason?: string;
}

export function changeEnrolmentStatus({ enrolmentId, action, reason }: EnrolmentActionInput) {
  const params = { path: { id: enrolmentId } };
  const body = reason ? { reason } : {};
  switch (action) {
    case 'withdraw':
      return unwrap(api.POST('/v1/enrolments/{id}/withdraw', { params, body }));
    case 'remove':
      return unwrap(api.POST('/v1/enrolments/{id}/remove', { params, body }));
    case 'decline':
      return unwrap(api.POST('/v1/enrolments/{id}/decline', { params, body }));
    case 'accept':
      return unwrap(api.POST('/v1/enrolments/{id}/accept', { params }));
    case 'complete':
      return unwrap(api.POST('/v1/enrolments/{id}/complete', { params }));
  }
}

export function useChangeEnrolmentStatus(cohortId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['enrolments', 'status'],
    mutationFn: changeEnrolmentStatus,
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: enrolmentKeys.cohort(cohortId) }),
        queryClient.invalidateQueries({ queryKey: cohortKeys.all }),
        queryClient.invalidateQueries({ queryKey: enrolmentKeys.all }),
      ]),
  });
}
