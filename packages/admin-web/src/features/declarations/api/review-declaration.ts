import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { declarationKeys } from './list-participant-declarations';
import { invalidateAfterDeclaration } from './declaration-recorded';

export type ReviewInput = ApiRequestBody<'/v1/declarations/{id}/review', 'post'>;

/** Resolves a needs-review declaration; the API records it as a new, staff-entered declaration. */
export function reviewDeclaration({ declarationId, ...body }: ReviewInput & { declarationId: string }) {
  return unwrap(api.POST('/v1/declarations/{id}/review', { params: { path: { id: declarationId } }, body }));
}

export function useReviewDeclaration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: reviewDeclaration,
    onSettled: (declaration) => {
      // Also on failure: a 409 means the queue is out of date.
      void queryClient.invalidateQueries({ queryKey: declarationKeys.queues() });
      if (declaration) invalidateAfterDeclaration(queryClient, declaration);
    },
  });
}
