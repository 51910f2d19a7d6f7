import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { safeguardingKeys } from './list-safeguarding-concerns';

export function resolveSafeguardingConcern({ id, resolution }: { id: string; resolution: string }) {
  return unwrap(api.POST('/v1/safeguarding-concerns/{id}/resolve', { params: { path: { id } }, body: { resolution } }));
}

export function useResolveSafeguardingConcern() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resolveSafeguardingConcern,
    onSettled: () => void queryClient.invalidateQueries({ queryKey: safeguardingKeys.all }),
  });
}
