// Publish, cancel and complete: the cohort's life as DOMAIN.md draws it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { enrolmentKeys } from '../../enrolments/api/list-cohort-enrolments';
import { etagOf } from './get-cohort';
import { cohortKeys, type Cohort } from './list-cohorts';

export type CohortCancellation = ApiResponse<'/v1/cohorts/{id}/cancel', 'post'>;

export function publishCohort(cohort: Cohort) {
  return unwrap(
    api.POST('/v1/cohorts/{id}/publish', { params: { path: { id: cohort.id }, header: { 'if-match': etagOf(cohort) } } }),
  );
}

export function cancelCohort({ cohort, reason }: { cohort: Cohort; reason: string }) {
  return unwrap(
    api.POST('/v1/cohorts/{id}/cancel', {
      params: { path: { id: cohort.id }, header: { 'if-match': etagOf(cohort) } },
      body: { reason },
    }),
  );
}

export function completeCohort(cohort: Cohort) {
  return unwrap(
    api.POST('/v1/cohorts/{id}/complete', { params: { path: { id: cohort.id }, header: { 'if-match': etagOf(cohort) } } }),
  );
}

/** A change of one cohort: the answer replaces the cached cohort; lists and its roster are read again. */
export function useCohortMutation<I, O>(name: string, fn: (input: I) => Promise<O>, cohortOf: (result: O) => Cohort) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['cohorts', name],
    mutationFn: fn,
    onSuccess: (result) => {
      const cohort = cohortOf(result);
      queryClient.setQueryData(cohortKeys.detail(cohort.id), cohort);
      void queryClient.invalidateQueries({ queryKey: enrolmentKeys.cohort(cohort.id) });
      return queryClient.invalidateQueries({ queryKey: cohortKeys.all });
    },
  });
}

export const usePublishCohort = () => useCohortMutation('publish', publishCohort, (c) => c);
export const useCancelCohort = () => useCohortMutation('cancel', cancelCohort, (r) => r.cohort);
export const useCompleteCohort = () => useCohortMutation('complete', completeCohort, (c) => c);
