import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type StaffAccount = ApiResponse<'/v1/users', 'get'>['items'][number];

export const userKeys = {
  all: ['users'] as const,
  lists: () => [...userKeys.all, 'list'] as const,
  list: (q: string) => [...userKeys.lists(), { q }] as const,
};

export function listUsersQueryOptions(q: string) {
  return infiniteQueryOptions({
    queryKey: userKeys.list(q),
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET('/v1/users', { params: { query: { limit: 50, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) } }, signal })),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useUsers(q: string) {
  return useInfiniteQuery(listUsersQueryOptions(q));
}
