import type { QueryClient } from '@tanstack/react-query';
import { cohortKeys } from '../../cohorts/api/list-cohorts';
import { enrolmentKeys } from '../../enrolments/api/list-cohort-enrolments';

/** An ineligible outcome that ended places changed rosters, seat counts and the person's enrolments. */
export function invalidateReleasedPlaces(queryClient: QueryClient, declaration: { releasedPlaces?: readonly unknown[] }): void {
  if (!declaration.releasedPlaces?.length) return;
  void queryClient.invalidateQueries({ queryKey: enrolmentKeys.all });
  void queryClient.invalidateQueries({ queryKey: cohortKeys.all });
}
