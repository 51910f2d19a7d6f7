import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { partnerKeys } from './list-partners';

export type CreateApiKeyInput = ApiRequestBody<'/v1/partners/{id}/api-keys', 'post'>;

/** The answer holds the key itself: the only time it is ever shown (only a hash is stored). */
export function createPartnerApiKey({ partnerId, ...body }: CreateApiKeyInput & { partnerId: string }) {
  return unwrap(api.POST('/v1/partners/{id}/api-keys', { params: { path: { id: partnerId } }, body }));
}

export function useCreatePartnerApiKey() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createPartnerApiKey, onSuccess: () => void queryClient.invalidateQueries({ queryKey: partnerKeys.all }) });
}
