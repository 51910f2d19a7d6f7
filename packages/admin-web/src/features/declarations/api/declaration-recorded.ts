import type { QueryClient } from '@tanstack/react-query';
import { cohortKeys } from '../../cohorts/api/list-cohorts';
import { enrolmentKeys } from '../../enrolments/api/list-cohort-enrolments';
import { participantKeys } from '../../participants/api/list-participants';
import { declarationKeys } from './list-participant-declarations';

/**
 * What a new declaration (made or by review) changes on screen: the person's history, record and place
 * in lists; and, when its ineligible outcome ended places, rosters, seat counts and their enrolments.
 */
export function invalidateAfterDeclaration(
  queryClient: QueryClient,
  declaration: { participantId: string; releasedPlaces?: readonly unknown[] },
): void {
  void queryClient.invalidateQueries({ queryKey: declarationKeys.history(declaration.participantId) });
  void queryClient.invalidateQueries({ queryKey: participantKeys.detail(declaration.participantId) });
  void queryClient.invalidateQueries({ queryKey: participantKeys.lists() });
  if (!declaration.releasedPlaces?.length) return;
  void queryClient.invalidateQueries({ queryKey: enrolmentKeys.all });
  void queryClient.invalidateQueries({ queryKey: cohortKeys.all });
}
