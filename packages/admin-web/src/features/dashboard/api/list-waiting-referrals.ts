import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { isStaffReferral, referralKeys } from '../../referrals/api/list-referrals';

export const WAITING_REFERRALS_LIMIT = 25;

/** The first page of referrals nobody has contacted yet (newest first, as the API lists them). */
export function listWaitingReferralsQueryOptions() {
  return queryOptions({
    // Under the referrals key: a status change in the inbox refreshes this panel too.
    queryKey: [...referralKeys.all, 'waiting', 'first-page'] as const,
    queryFn: async ({ signal }) => {
      const page = await unwrap(api.GET('/v1/referrals', { params: { query: { status: 'received', limit: WAITING_REFERRALS_LIMIT } }, signal }));
      return { ...page, items: page.items.filter(isStaffReferral) };
    },
  });
}

export function useWaitingReferrals() {
  return useQuery(listWaitingReferralsQueryOptions());
}
