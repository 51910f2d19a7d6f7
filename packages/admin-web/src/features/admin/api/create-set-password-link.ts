import { useMutation } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type SetPasswordLink = ApiResponse<'/v1/users/{id}/set-password-link', 'post', 201>;

/** A new one-time link for the person to choose a password (the old ones stop working). */
export function createSetPasswordLink(id: string) {
  return unwrap(api.POST('/v1/users/{id}/set-password-link', { params: { path: { id } } }));
}

export function useCreateSetPasswordLink() {
  return useMutation({ mutationFn: createSetPasswordLink });
}
