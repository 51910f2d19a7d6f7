import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type Partner = ApiResponse<'/v1/partners', 'get'>['items'][number];

export const partnerKeys = {
  all: ['partners'] as const,
  list: () => [...partnerKeys.all, 'list'] as const,
  keys: (partnerId: string) => [...partnerKeys.all, 'api-keys', partnerId] as const,
};

export function listPartnersQueryOptions() {
  return infiniteQueryOptions({
    queryKey: partnerKeys.list(),
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET('/v1/partners', { params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } }, signal })),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function usePartners() {
  return useInfiniteQuery(listPartnersQueryOptions());
}
