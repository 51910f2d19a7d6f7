import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type RosterPage = ApiResponse<'/v1/cohorts/{id}/enrolments', 'get'>;
export type RosterEntry = RosterPage['items'][number];
export type EnrolmentStatus = RosterEntry['status'];

export const enrolmentKeys = {
  all: ['enrolments'] as const,
  cohort: (cohortId: string) => [...enrolmentKeys.all, 'cohort', cohortId] as const,
  roster: (cohortId: string, status?: EnrolmentStatus) => [...enrolmentKeys.cohort(cohortId), { status }] as const,
  history: (enrolmentId: string) => [...enrolmentKeys.all, 'history', enrolmentId] as const,
};

/** Every enrolment of a cohort (a cohort holds a few dozen at most), following the cursor. */
export function listCohortEnrolmentsQueryOptions(cohortId: string, status?: EnrolmentStatus) {
  return queryOptions({
    queryKey: enrolmentKeys.roster(cohortId, status),
    queryFn: async ({ signal }) => {
      const items: RosterEntry[] = [];
      let cursor: string | null = null;
      do {
        const page: RosterPage = await unwrap(
          api.GET('/v1/cohorts/{id}/enrolments', {
            params: { path: { id: cohortId }, query: { limit: 100, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } },
            signal,
          }),
        );
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },
  });
}

export function useCohortEnrolments(cohortId: string) {
  return useQuery(listCohortEnrolmentsQueryOptions(cohortId));
}
