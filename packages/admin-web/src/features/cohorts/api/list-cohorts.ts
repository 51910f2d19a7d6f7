import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type CohortPage = ApiResponse<'/v1/cohorts', 'get'>;
export type Cohort = CohortPage['items'][number];
export type CohortSession = Cohort['sessions'][number];

export interface CohortFilters {
  /** One status or several, comma-separated. */
  status?: string;
  courseId?: string;
  from?: string;
  to?: string;
  atRisk?: boolean;
  limit?: number;
}

export const cohortKeys = {
  all: ['cohorts'] as const,
  lists: () => [...cohortKeys.all, 'list'] as const,
  list: (filters: CohortFilters) => [...cohortKeys.lists(), filters] as const,
  details: () => [...cohortKeys.all, 'detail'] as const,
  detail: (id: string) => [...cohortKeys.details(), id] as const,
};

export function listCohortsQueryOptions(filters: CohortFilters = {}) {
  const { limit = 25, atRisk, ...rest } = filters;
  return infiniteQueryOptions({
    queryKey: cohortKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/v1/cohorts', {
          params: {
            query: {
              limit,
              ...rest,
              ...(atRisk === undefined ? {} : { atRisk: atRisk ? 'true' : 'false' }),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useCohorts(filters: CohortFilters = {}) {
  return useInfiniteQuery(listCohortsQueryOptions(filters));
}
