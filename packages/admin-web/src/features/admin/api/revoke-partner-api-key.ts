import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { partnerKeys } from './list-partners';

/** The key stops working at once. */
export function revokePartnerApiKey({ partnerId, keyId }: { partnerId: string; keyId: string }) {
  return unwrap(api.DELETE('/v1/partners/{id}/api-keys/{keyId}', { params: { path: { id: partnerId, keyId } } }));
}

export function useRevokePartnerApiKey() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: revokePartnerApiKey, onSuccess: () => void queryClient.invalidateQueries({ queryKey: partnerKeys.all }) });
}
