import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { declarationKeys } from './list-participant-declarations';

export type QueuePage = ApiResponse<'/v1/declarations', 'get'>;
export type QueueItem = QueuePage['items'][number];

/** People whose latest declaration needs a coordinator's review, oldest first. */
export function listReviewQueueQueryOptions() {
  return infiniteQueryOptions({
    queryKey: declarationKeys.queue('needs_review'),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/v1/declarations', {
          params: { query: { outcome: 'needs_review', limit: 25, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useReviewQueue() {
  return useInfiniteQuery(listReviewQueueQueryOptions());
}
