import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { referralKeys } from './list-referrals';

export type ChangeReferralStatusInput = ApiRequestBody<'/v1/referrals/{id}/status', 'post'>;

/** The partner hears of it by signed webhook. */
export function changeReferralStatus({ id, body }: { id: string; body: ChangeReferralStatusInput }) {
  return unwrap(api.POST('/v1/referrals/{id}/status', { params: { path: { id } }, body }));
}

export function useChangeReferralStatus() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: changeReferralStatus, onSettled: () => void queryClient.invalidateQueries({ queryKey: referralKeys.all }) });
}
