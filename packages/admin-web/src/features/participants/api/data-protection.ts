// A person's rights over their data (admins): a copy of everything held (subject access), and
// erasure, which leaves a tombstone and the audit trail.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { saveAttachment } from '../../../lib/save-file';
import { participantKeys } from './list-participants';

export async function downloadParticipantExport(participantId: string): Promise<string> {
  return saveAttachment(
    await api.GET('/v1/participants/{id}/export', { params: { path: { id: participantId } }, parseAs: 'blob' }),
    `participant-${participantId}.json`,
  );
}

export function useDownloadParticipantExport() {
  return useMutation({ mutationKey: ['participants', 'export'], mutationFn: downloadParticipantExport });
}

export function eraseParticipant(participantId: string) {
  return unwrap(api.POST('/v1/participants/{id}/erase', { params: { path: { id: participantId } } }));
}

export function useEraseParticipant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: eraseParticipant,
    // Every list and record that showed them goes: the next read finds the tombstone (404).
    onSuccess: (_, participantId) => {
      queryClient.removeQueries({ queryKey: participantKeys.detail(participantId) });
      return queryClient.invalidateQueries({ queryKey: participantKeys.all });
    },
  });
}
