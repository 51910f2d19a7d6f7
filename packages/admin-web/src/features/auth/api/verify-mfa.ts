import { useMutation } from '@tanstack/react-query';
import { api, type ApiRequestBody, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type VerifyMfaInput = ApiRequestBody<'/v1/auth/mfa', 'post'>;
export type VerifyMfaResult = ApiResponse<'/v1/auth/mfa', 'post'>;

/** Second step of signing in: a code from the person's authenticator app, or a recovery code. */
export function verifyMfa(input: VerifyMfaInput): Promise<VerifyMfaResult> {
  return unwrap(api.POST('/v1/auth/mfa', { body: input, credentials: 'include' }));
}

export function useVerifyMfa() {
  return useMutation({ mutationKey: ['auth', 'mfa'], mutationFn: verifyMfa });
}
