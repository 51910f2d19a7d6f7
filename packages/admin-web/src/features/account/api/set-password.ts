import { useMutation } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type SetPasswordInput = ApiRequestBody<'/v1/auth/set-password', 'post'>;

/** With the token of a one-time link (a new account, or a reset by an administrator). */
export function setPassword(input: SetPasswordInput): Promise<void> {
  return unwrap(api.POST('/v1/auth/set-password', { body: input })).then(() => undefined);
}

export function useSetPassword() {
  return useMutation({ mutationKey: ['account', 'set-password'], mutationFn: setPassword });
}
