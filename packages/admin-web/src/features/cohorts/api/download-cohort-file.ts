// The roster and calendar files come with the bearer token (held in memory), so a plain link
// cannot fetch them: they are fetched here and handed to the browser as a blob.
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { toApiError } from '../../../lib/problem';

export type CohortFile = 'roster.csv' | 'calendar.ics';

function filenameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  return match?.[1] ?? fallback;
}

export async function downloadCohortFile({ cohortId, file }: { cohortId: string; file: CohortFile }): Promise<string> {
  const path = file === 'roster.csv' ? '/v1/cohorts/{id}/roster.csv' : '/v1/cohorts/{id}/calendar.ics';
  const { data, error, response } = await api.GET(path, { params: { path: { id: cohortId } }, parseAs: 'blob' });
  if (!response.ok || !data) throw toApiError(error, response);
  const blob = data as Blob;
  const filename = filenameOf(response, file === 'roster.csv' ? 'roster.csv' : 'sessions.ics');
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return filename;
}

export function useDownloadCohortFile() {
  return useMutation({ mutationKey: ['cohorts', 'download'], mutationFn: downloadCohortFile });
}
