// Offers across the upcoming cohorts. The API lists offers per cohort only, so the dashboard asks
// each cohort that has an offer out (the cohort's offeredCount says which).
import { useQueries } from '@tanstack/react-query';
import type { Cohort } from '../../cohorts/api/list-cohorts';
import { listCohortEnrolmentsQueryOptions, type RosterEntry } from '../../enrolments/api/list-cohort-enrolments';

export interface LiveOffer {
  cohort: Cohort;
  enrolment: RosterEntry;
}

export function useLiveOffers(cohorts: Cohort[]) {
  const withOffers = cohorts.filter((c) => c.offeredCount > 0);
  return useQueries({
    queries: withOffers.map((c) => listCohortEnrolmentsQueryOptions(c.id, 'offered')),
    combine: (results) => ({
      isPending: results.some((r) => r.isPending),
      isError: results.some((r) => r.isError),
      offers: results
        .flatMap((r, i) => (r.data ?? []).map((enrolment) => ({ cohort: withOffers[i] as Cohort, enrolment })))
        .sort((a, b) => (a.enrolment.offerExpiresAt ?? '').localeCompare(b.enrolment.offerExpiresAt ?? '')) as LiveOffer[],
    }),
  });
}
