import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type OutboxMessage = ApiResponse<'/v1/outbox', 'get'>['items'][number];
export interface OutboxFilters {
  status?: OutboxMessage['status'];
  kind?: OutboxMessage['kind'];
}

export function listOutboxQueryOptions(filters: OutboxFilters) {
  return infiniteQueryOptions({
    queryKey: ['outbox', 'list', filters] as const,
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET('/v1/outbox', { params: { query: { limit: 50, ...filters, ...(pageParam ? { cursor: pageParam } : {}) } }, signal })),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useOutbox(filters: OutboxFilters) {
  return useInfiniteQuery(listOutboxQueryOptions(filters));
}
