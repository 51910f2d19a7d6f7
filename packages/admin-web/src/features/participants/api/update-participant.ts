import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody, type ApiResponse } from '../../../lib/api-client';
import { toApiError } from '../../../lib/problem';
import { DuplicateEmailError, readExistingId } from './duplicate-email';
import { participantKeys } from './list-participants';

export type UpdateParticipantInput = ApiRequestBody<'/v1/participants/{id}', 'patch'>;
export type UpdatedParticipant = ApiResponse<'/v1/participants/{id}', 'patch'>;

export async function updateParticipant({ id, ...body }: UpdateParticipantInput & { id: string }): Promise<UpdatedParticipant> {
  const { data, error, response } = await api.PATCH('/v1/participants/{id}', { params: { path: { id } }, body });
  if (response.ok && data) return data;
  const problem = toApiError(error, response);
  if (problem.code === 'DUPLICATE_EMAIL') throw new DuplicateEmailError(problem.problem, readExistingId(error));
  throw problem;
}

export function useUpdateParticipant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateParticipant,
    onSuccess: (participant) => {
      queryClient.setQueryData(participantKeys.detail(participant.id), participant);
      void queryClient.invalidateQueries({ queryKey: participantKeys.lists() });
    },
  });
}
