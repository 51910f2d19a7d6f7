import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type ParticipantPage = ApiResponse<'/v1/participants', 'get'>;
export type ParticipantListItem = ParticipantPage['items'][number];

const PAGE_SIZE = 25;

export const participantKeys = {
  all: ['participants'] as const,
  lists: () => [...participantKeys.all, 'list'] as const,
  list: (q: string) => [...participantKeys.lists(), { q }] as const,
  details: () => [...participantKeys.all, 'detail'] as const,
  detail: (id: string) => [...participantKeys.details(), id] as const,
};

/** Search by name or e-mail (empty: everyone, by last name). */
export function listParticipantsQueryOptions(q: string) {
  const query = q.trim();
  return infiniteQueryOptions({
    queryKey: participantKeys.list(query),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/v1/participants', {
          params: { query: { limit: PAGE_SIZE, ...(query ? { q: query } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useParticipants(q: string) {
  return useInfiniteQuery(listParticipantsQueryOptions(q));
}
