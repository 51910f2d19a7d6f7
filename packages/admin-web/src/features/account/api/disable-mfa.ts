import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { accountKeys } from './get-me';

export function disableMfa(code: string): Promise<void> {
  return unwrap(api.POST('/v1/auth/mfa/disable', { body: { code } })).then(() => undefined);
}

export function useDisableMfa() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['account', 'mfa', 'disable'],
    mutationFn: disableMfa,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: accountKeys.me() }),
  });
}
