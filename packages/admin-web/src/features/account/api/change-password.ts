import { useMutation } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { startSession } from '../../../lib/session';

export type ChangePasswordInput = ApiRequestBody<'/v1/auth/password', 'post'>;

/** Every other session ends; this one carries on with the fresh token the answer brings. */
export async function changePassword(input: ChangePasswordInput): Promise<void> {
  const session = await unwrap(api.POST('/v1/auth/password', { body: input, credentials: 'include' }));
  startSession(session);
}

export function useChangePassword() {
  return useMutation({ mutationKey: ['account', 'password'], mutationFn: changePassword });
}
