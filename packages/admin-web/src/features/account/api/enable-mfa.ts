import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, refreshSession, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { accountKeys } from './get-me';

export type RecoveryCodes = ApiResponse<'/v1/auth/mfa/enable', 'post'>;

/** Confirms the set-up with a first code; answers the recovery codes, shown once. */
export async function enableMfa(code: string): Promise<RecoveryCodes> {
  const result = await unwrap(api.POST('/v1/auth/mfa/enable', { body: { code } }));
  // The session was started as "set-up required"; a fresh one says it no longer is.
  await refreshSession();
  return result;
}

export function useEnableMfa() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['account', 'mfa', 'enable'],
    mutationFn: enableMfa,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: accountKeys.me() }),
  });
}
