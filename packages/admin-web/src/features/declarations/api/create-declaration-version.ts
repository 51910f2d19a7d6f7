import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { declarationKeys } from './list-participant-declarations';

export type CreateDeclarationVersionInput = ApiRequestBody<'/v1/declaration-versions', 'post'>;

/** Publishes the next version of a course's declaration wording (admin); it is current at once. */
export function usePublishDeclarationVersion() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateDeclarationVersionInput) => unwrap(api.POST('/v1/declaration-versions', { body })),
    onSuccess: (version) => queryClient.setQueryData(declarationKeys.currentVersion(version.courseId), version),
  });
}
