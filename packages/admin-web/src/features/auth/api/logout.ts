import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { beginSignOut, endSession } from '../../../lib/session';

/**
 * Revokes the refresh token on the server, then forgets everything held in memory. The local
 * part happens even when the server cannot be reached: signing out must always work here.
 */
export async function logout(): Promise<void> {
  try {
    await api.POST('/v1/auth/logout', { credentials: 'include' });
  } catch {
    // Offline or the server is down: the session still ends on this device.
  }
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['auth', 'logout'],
    // From the press on: requests still in flight cannot relabel this ending as "expired".
    onMutate: beginSignOut,
    mutationFn: logout,
    onSettled: () => {
      endSession('signed-out');
      queryClient.clear();
    },
  });
}
