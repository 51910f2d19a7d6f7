// Raising a concern answers a receipt only: whoever raised it cannot read it back (only safeguarding
// leads and admins read concerns).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { safeguardingKeys } from '../../admin/api/list-safeguarding-concerns';

export type RaiseConcernInput = ApiRequestBody<'/v1/safeguarding-concerns', 'post'>;

export function raiseSafeguardingConcern(body: RaiseConcernInput) {
  return unwrap(api.POST('/v1/safeguarding-concerns', { body }));
}

export function useRaiseSafeguardingConcern() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: raiseSafeguardingConcern,
    onSettled: () => void queryClient.invalidateQueries({ queryKey: safeguardingKeys.all }),
  });
}
