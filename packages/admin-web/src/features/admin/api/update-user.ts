import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { userKeys } from './list-users';

export type UpdateUserInput = ApiRequestBody<'/v1/users/{id}', 'patch'>;

/** Roles, name, or switching the account off (which ends its sessions). */
export function updateUser({ id, ...body }: UpdateUserInput & { id: string }) {
  return unwrap(api.PATCH('/v1/users/{id}', { params: { path: { id } }, body }));
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updateUser, onSuccess: () => void queryClient.invalidateQueries({ queryKey: userKeys.all }) });
}
