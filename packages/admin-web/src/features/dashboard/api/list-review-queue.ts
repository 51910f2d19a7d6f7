import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type ReviewQueuePage = ApiResponse<'/v1/declarations', 'get'>;
export type ReviewQueueItem = ReviewQueuePage['items'][number];

export const REVIEW_QUEUE_LIMIT = 25;

export function listReviewQueueQueryOptions() {
  return queryOptions({
    queryKey: ['declarations', 'queue', 'needs_review', 'first-page'] as const,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/v1/declarations', { params: { query: { outcome: 'needs_review', limit: REVIEW_QUEUE_LIMIT } }, signal })),
  });
}

export function useReviewQueue() {
  return useQuery(listReviewQueueQueryOptions());
}
