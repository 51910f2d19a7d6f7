import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type Me = ApiResponse<'/v1/me', 'get'>;

export const accountKeys = {
  all: ['account'] as const,
  me: () => [...accountKeys.all, 'me'] as const,
};

/** The signed-in person, with whether two-step verification is on. */
export function getMeQueryOptions() {
  return queryOptions({
    queryKey: accountKeys.me(),
    queryFn: ({ signal }) => unwrap(api.GET('/v1/me', { signal })),
  });
}

export function useMe() {
  return useQuery(getMeQueryOptions());
}
