// Files the API sends as attachments (a roster, a calendar, a subject access export) need the bearer
// token, held in memory, so a plain link cannot fetch them: they are fetched with the API client and
// handed to the browser as a blob, under the name the API gives.
import { toApiError } from './problem';

function filenameOf(response: Response, fallback: string): string {
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  return match?.[1] ?? fallback;
}

/** Saves an API answer fetched with `parseAs: 'blob'`, or throws its problem. Answers the file's name. */
export function saveAttachment({ data, error, response }: { data?: unknown; error?: unknown; response: Response }, fallback: string): string {
  if (!response.ok || !data) throw toApiError(error, response);
  const filename = filenameOf(response, fallback);
  const url = URL.createObjectURL(data as Blob);
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
