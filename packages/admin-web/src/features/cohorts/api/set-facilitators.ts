// Who facilitates a cohort: the choice (active facilitators) and the change (If-Match, like every cohort change).
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { useCohortMutation } from './change-cohort-status';
import { etagOf } from './get-cohort';
import type { Cohort } from './list-cohorts';

export type FacilitatorChoice = ApiResponse<'/v1/facilitators', 'get'>['items'][number];

export const facilitatorChoicesQueryOptions = queryOptions({
  queryKey: ['facilitators'] as const,
  queryFn: ({ signal }) => unwrap(api.GET('/v1/facilitators', { signal })),
});

export function useFacilitatorChoices(enabled: boolean) {
  return useQuery({ ...facilitatorChoicesQueryOptions, enabled });
}

export function setFacilitators({ cohort, userIds }: { cohort: Cohort; userIds: string[] }) {
  return unwrap(
    api.PUT('/v1/cohorts/{id}/facilitators', {
      params: { path: { id: cohort.id }, header: { 'if-match': etagOf(cohort) } },
      body: { userIds },
    }),
  );
}

export const useSetFacilitators = () => useCohortMutation('facilitators', setFacilitators, (c) => c);
