import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type DeclarationRecordPage = ApiResponse<'/v1/participants/{id}/declarations', 'get'>;
export type DeclarationRecord = DeclarationRecordPage['items'][number];

export const declarationKeys = {
  all: ['declarations'] as const,
  currentVersion: (courseId: string) => [...declarationKeys.all, 'current-version', courseId] as const,
  histories: () => [...declarationKeys.all, 'history'] as const,
  history: (participantId: string) => [...declarationKeys.histories(), participantId] as const,
  queues: () => [...declarationKeys.all, 'queue'] as const,
  queue: (outcome: string) => [...declarationKeys.queues(), outcome] as const,
};

/** A participant's declarations, newest first (each read is audited by the API). */
export function listParticipantDeclarationsQueryOptions(participantId: string) {
  return infiniteQueryOptions({
    queryKey: declarationKeys.history(participantId),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/v1/participants/{id}/declarations', {
          params: { path: { id: participantId }, query: { limit: 25, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useParticipantDeclarations(participantId: string) {
  return useInfiniteQuery(listParticipantDeclarationsQueryOptions(participantId));
}
