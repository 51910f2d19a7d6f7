import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { cohortKeys } from '../../cohorts/api/list-cohorts';
import { listParticipantEnrolmentsQueryOptions } from './list-participant-enrolments';

export type Enrolment = ApiResponse<'/v1/cohorts/{id}/enrolments', 'post', 201>;

/** A confirmed seat if one is free, otherwise a waitlist place with its position. */
export function enrolParticipant({ cohortId, participantId }: { cohortId: string; participantId: string }) {
  return unwrap(api.POST('/v1/cohorts/{id}/enrolments', { params: { path: { id: cohortId } }, body: { participantId } }));
}

export function useEnrolParticipant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: enrolParticipant,
    // Seat counts and rosters changed: every cohort view asks again, and so does the person's list.
    onSuccess: (_enrolment, { participantId }) => {
      void queryClient.invalidateQueries({ queryKey: cohortKeys.all });
      void queryClient.invalidateQueries({ queryKey: listParticipantEnrolmentsQueryOptions(participantId).queryKey });
    },
  });
}
