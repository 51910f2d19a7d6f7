import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { isStaffReferral, referralKeys, type StaffReferral } from './list-referrals';

/** One referral, as staff see it (with the person, for filling in a new participant). */
export function getReferralQueryOptions(id: string) {
  return queryOptions({
    queryKey: [...referralKeys.all, 'detail', id] as const,
    queryFn: async ({ signal }): Promise<StaffReferral> => {
      const referral = await unwrap(api.GET('/v1/referrals/{id}', { params: { path: { id } }, signal }));
      // Staff always get the staff view; the partner view has no person to show.
      if (!isStaffReferral(referral)) throw new Error('not a staff view of the referral');
      return referral;
    },
  });
}

export function useReferral(id: string | undefined) {
  return useQuery({ ...getReferralQueryOptions(id ?? ''), enabled: Boolean(id) });
}
