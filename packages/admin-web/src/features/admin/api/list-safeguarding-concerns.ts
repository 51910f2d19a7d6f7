import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type SafeguardingConcern = ApiResponse<'/v1/safeguarding-concerns', 'get'>['items'][number];

export const safeguardingKeys = {
  all: ['safeguarding-concerns'] as const,
  list: (status: string | undefined) => [...safeguardingKeys.all, 'list', { status }] as const,
};

export function listSafeguardingConcernsQueryOptions(status: 'open' | 'resolved' | undefined) {
  return infiniteQueryOptions({
    queryKey: safeguardingKeys.list(status),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/v1/safeguarding-concerns', {
          params: { query: { limit: 50, ...(status ? { status } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useSafeguardingConcerns(status: 'open' | 'resolved' | undefined) {
  return useInfiniteQuery(listSafeguardingConcernsQueryOptions(status));
}
