import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

type AnyReferral = ApiResponse<'/v1/referrals', 'get'>['items'][number];
/** Staff always get the staff view (with the person, partner and referrer). */
export type StaffReferral = Extract<AnyReferral, { partner: unknown }>;
export type ReferralStatus = StaffReferral['status'];

export const referralKeys = {
  all: ['referrals'] as const,
  list: (status: ReferralStatus | undefined) => [...referralKeys.all, 'list', { status }] as const,
};

export function isStaffReferral(referral: AnyReferral): referral is StaffReferral {
  return 'partner' in referral;
}

export function listReferralsQueryOptions(status: ReferralStatus | undefined) {
  return infiniteQueryOptions({
    queryKey: referralKeys.list(status),
    queryFn: async ({ pageParam, signal }) => {
      const page = await unwrap(
        api.GET('/v1/referrals', { params: { query: { limit: 50, ...(status ? { status } : {}), ...(pageParam ? { cursor: pageParam } : {}) } }, signal }),
      );
      return { ...page, items: page.items.filter(isStaffReferral) };
    },
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useReferrals(status: ReferralStatus | undefined) {
  return useInfiniteQuery(listReferralsQueryOptions(status));
}
