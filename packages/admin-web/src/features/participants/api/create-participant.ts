import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody, type ApiResponse } from '../../../lib/api-client';
import { toApiError } from '../../../lib/problem';
import { DuplicateEmailError, readExistingId } from './duplicate-email';
import { participantKeys } from './list-participants';

export type CreateParticipantInput = ApiRequestBody<'/v1/participants', 'post'>;
export type CreatedParticipant = ApiResponse<'/v1/participants', 'post', 201>;

export async function createParticipant(input: CreateParticipantInput): Promise<CreatedParticipant> {
  const { data, error, response } = await api.POST('/v1/participants', { body: input });
  if (response.ok && data) return data;
  const problem = toApiError(error, response);
  if (problem.code === 'DUPLICATE_EMAIL') throw new DuplicateEmailError(problem.problem, readExistingId(error));
  throw problem;
}

export function useCreateParticipant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createParticipant,
    onSuccess: (participant) => {
      queryClient.setQueryData(participantKeys.detail(participant.id), participant);
      void queryClient.invalidateQueries({ queryKey: participantKeys.lists() });
    },
  });
}
