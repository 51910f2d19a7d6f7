import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { declarationKeys } from './list-participant-declarations';
import { invalidateAfterDeclaration } from './declaration-recorded';

export type CreateDeclarationInput = ApiRequestBody<'/v1/participants/{id}/declarations', 'post'>;
export type Declaration = ApiResponse<'/v1/participants/{id}/declarations', 'post', 201>;

export function createDeclaration({ participantId, ...body }: CreateDeclarationInput & { participantId: string }) {
  return unwrap(api.POST('/v1/participants/{id}/declarations', { params: { path: { id: participantId } }, body }));
}

export function useCreateDeclaration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createDeclaration,
    onSuccess: (declaration) => {
      void queryClient.invalidateQueries({ queryKey: declarationKeys.queues() });
      invalidateAfterDeclaration(queryClient, declaration);
    },
  });
}
