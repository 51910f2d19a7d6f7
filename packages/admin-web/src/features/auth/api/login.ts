import { useMutation } from '@tanstack/react-query';
import { api, type ApiRequestBody, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type LoginInput = ApiRequestBody<'/v1/auth/login', 'post'>;
export type LoginResult = ApiResponse<'/v1/auth/login', 'post'>;
export type MfaChallenge = Extract<LoginResult, { mfaRequired: true }>;

export function isMfaChallenge(result: LoginResult): result is MfaChallenge {
  return 'mfaRequired' in result && result.mfaRequired === true;
}

/** Signs in; the answer is either a session (and a refresh cookie) or a request for a code. */
export function login(input: LoginInput): Promise<LoginResult> {
  return unwrap(api.POST('/v1/auth/login', { body: input, credentials: 'include' }));
}

export function useLogin() {
  return useMutation({ mutationKey: ['auth', 'login'], mutationFn: login });
}
