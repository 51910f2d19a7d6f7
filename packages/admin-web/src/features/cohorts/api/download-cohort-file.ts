// The roster and the calendar file, saved through the browser (lib/save-file).
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { saveAttachment } from '../../../lib/save-file';

export type CohortFile = 'roster.csv' | 'calendar.ics';

export async function downloadCohortFile({ cohortId, file }: { cohortId: string; file: CohortFile }): Promise<string> {
  const path = file === 'roster.csv' ? '/v1/cohorts/{id}/roster.csv' : '/v1/cohorts/{id}/calendar.ics';
  return saveAttachment(await api.GET(path, { params: { path: { id: cohortId } }, parseAs: 'blob' }), file === 'roster.csv' ? 'roster.csv' : 'sessions.ics');
}

export function useDownloadCohortFile() {
  return useMutation({ mutationKey: ['cohorts', 'download'], mutationFn: downloadCohortFile });
}
