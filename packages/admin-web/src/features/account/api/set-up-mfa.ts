import { useMutation } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type MfaSetup = ApiResponse<'/v1/auth/mfa/setup', 'post'>;

/** A new secret for an authenticator app; two-step verification is only on once a code confirms it. */
export function setUpMfa(): Promise<MfaSetup> {
  return unwrap(api.POST('/v1/auth/mfa/setup'));
}

export function useSetUpMfa() {
  return useMutation({ mutationKey: ['account', 'mfa', 'setup'], mutationFn: setUpMfa });
}
