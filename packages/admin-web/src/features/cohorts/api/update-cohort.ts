import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { etagOf } from './get-cohort';
import { cohortKeys, type Cohort } from './list-cohorts';

export type UpdateCohortInput = ApiRequestBody<'/v1/cohorts/{id}', 'patch'>;
export type ReplaceSessionsInput = ApiRequestBody<'/v1/cohorts/{id}/sessions', 'put'>;

export interface SaveCohortInput {
  cohort: Cohort;
  /** Only the fields that changed; nothing is sent when empty. */
  details: UpdateCohortInput;
  /** The new schedule, or null when it did not change. */
  sessions: ReplaceSessionsInput | null;
}

/** The details were saved but the schedule was not: `saved` is the cohort as it now is, `cause` why. */
export class PartlySavedError extends Error {
  constructor(
    readonly saved: Cohort,
    override readonly cause: unknown,
  ) {
    super('The details were saved; the schedule was not.');
    this.name = 'PartlySavedError';
  }
}

/**
 * Saves the details (PATCH, If-Match) and then the schedule (PUT, If-Match of the version the
 * first step gave back), so a change someone else made meanwhile is refused, not overwritten. When
 * the schedule is refused after the details were saved: PartlySavedError, with the saved cohort (its
 * new version is the one a retry must send).
 */
export async function saveCohort({ cohort, details, sessions }: SaveCohortInput): Promise<Cohort> {
  let current = cohort;
  if (Object.keys(details).length > 0) {
    current = await unwrap(
      api.PATCH('/v1/cohorts/{id}', {
        params: { path: { id: cohort.id }, header: { 'if-match': etagOf(current) } },
        body: details,
      }),
    );
  }
  if (sessions) {
    const detailsSaved = current !== cohort ? current : null;
    try {
      current = await unwrap(
        api.PUT('/v1/cohorts/{id}/sessions', {
          params: { path: { id: cohort.id }, header: { 'if-match': etagOf(current) } },
          body: sessions,
        }),
      );
    } catch (err) {
      throw detailsSaved ? new PartlySavedError(detailsSaved, err) : err;
    }
  }
  return current;
}

export function useSaveCohort() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['cohorts', 'save'],
    mutationFn: saveCohort,
    onSuccess: (cohort) => {
      queryClient.setQueryData(cohortKeys.detail(cohort.id), cohort);
      return queryClient.invalidateQueries({ queryKey: cohortKeys.all });
    },
  });
}
