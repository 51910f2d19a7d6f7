import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { cohortKeys } from './list-cohorts';

export type CreateCohortInput = ApiRequestBody<'/v1/cohorts', 'post'>;

export function createCohort(body: CreateCohortInput) {
  return unwrap(api.POST('/v1/cohorts', { body }));
}

export function useCreateCohort() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['cohorts', 'create'],
    mutationFn: createCohort,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cohortKeys.lists() }),
  });
}
