import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { enrolmentKeys } from '../../enrolments/api/list-cohort-enrolments';

export type ParticipantEnrolmentList = ApiResponse<'/v1/participants/{id}/enrolments', 'get'>;
export type ParticipantEnrolment = ParticipantEnrolmentList['items'][number];

// Under the enrolments key: whatever changes an enrolment (withdraw, accept, payment) refreshes it too.
export const participantEnrolmentKeys = {
  all: [...enrolmentKeys.all, 'participant'] as const,
  list: (participantId: string) => [...participantEnrolmentKeys.all, participantId] as const,
};

/** A person's enrolments, newest first (one answer, not paged: a person has a handful). Each read is audited. */
export function listParticipantEnrolmentsQueryOptions(participantId: string) {
  return queryOptions({
    queryKey: participantEnrolmentKeys.list(participantId),
    queryFn: ({ signal }) => unwrap(api.GET('/v1/participants/{id}/enrolments', { params: { path: { id: participantId } }, signal })),
    select: (answer) => answer.items,
  });
}

export function useParticipantEnrolments(participantId: string) {
  return useQuery(listParticipantEnrolmentsQueryOptions(participantId));
}
