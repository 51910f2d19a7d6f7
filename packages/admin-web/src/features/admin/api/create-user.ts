import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { userKeys } from './list-users';

export type CreateUserInput = ApiRequestBody<'/v1/users', 'post'>;
export type CreatedUser = ApiResponse<'/v1/users', 'post', 201>;

/** A new staff account; the answer carries the one-time set-password link (shown once). */
export function createUser(input: CreateUserInput) {
  return unwrap(api.POST('/v1/users', { body: input }));
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createUser, onSuccess: () => void queryClient.invalidateQueries({ queryKey: userKeys.all }) });
}
