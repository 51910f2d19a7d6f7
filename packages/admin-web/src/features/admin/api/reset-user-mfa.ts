import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { userKeys } from './list-users';

/** For someone who lost their phone and recovery codes: they set it up again at next sign-in. */
export function resetUserMfa(id: string) {
  return unwrap(api.POST('/v1/users/{id}/mfa/reset', { params: { path: { id } } }));
}

export function useResetUserMfa() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: resetUserMfa, onSuccess: () => void queryClient.invalidateQueries({ queryKey: userKeys.all }) });
}
