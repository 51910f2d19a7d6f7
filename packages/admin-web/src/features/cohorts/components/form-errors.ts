// Problems from the server (problem+json) or the shared schemas, sorted by the field they concern.
import { ApiError } from '../../../lib/problem';

export interface FormErrors {
  fields: Record<string, string>;
  form: string[];
}

export const noErrors: FormErrors = { fields: {}, form: [] };

/** "body.sessions.0.startsAt", "/sessions/0/startsAt" → "sessions.0.startsAt". */
export function normalisePath(path: string | readonly PropertyKey[]): string {
  const parts = typeof path === 'string' ? path.split(/[./]/) : path.map(String);
  const cleaned = parts.filter(Boolean);
  if (cleaned[0] === 'body') cleaned.shift();
  return cleaned.join('.');
}

export function describeApiError(error: unknown, knownField: (path: string) => boolean, what: string): FormErrors {
  if (!(error instanceof ApiError)) {
    return { fields: {}, form: ['Harbour could not be reached. Check your internet connection, then try again.'] };
  }
  const fields: Record<string, string> = {};
  const form: string[] = [];
  for (const { path, message } of error.problem.errors ?? []) {
    const key = normalisePath(path);
    if (knownField(key)) fields[key] ??= message;
    else form.push(message);
  }
  if (error.code === 'ETAG_MISMATCH') {
    form.push('Someone else changed this cohort while you were editing. Reload the page to see their changes, then make yours again.');
  } else if (error.status === 403) {
    form.push(`Your account does not allow you to ${what}. Please speak to your Harbour administrator.`);
  } else if (error.status >= 500) {
    form.push(`Something went wrong on our side, so we could not ${what}. Please try again in a moment.`);
  } else if (form.length === 0 && Object.keys(fields).length === 0) {
    form.push(error.problem.detail || error.problem.title);
  } else if (form.length === 0 && error.problem.detail && !error.problem.detail.includes('See errors')) {
    form.unshift(error.problem.detail);
  }
  return { fields, form };
}

/** A short message for a page-level failure (loading, an action). */
export function errorText(error: unknown, what: string): string {
  if (!(error instanceof ApiError)) return 'Harbour could not be reached. Check your internet connection, then try again.';
  if (error.status === 404) return `This ${what} was not found. It may have been removed, or you may not have access to it.`;
  if (error.status === 403) {
    return error.code === 'MFA_SETUP_REQUIRED'
      ? 'Your account needs two-step verification set up first.'
      : 'Your account does not have access to this. Please speak to your Harbour administrator.';
  }
  if (error.status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
  const details = (error.problem.errors ?? []).map((e) => e.message);
  return [error.problem.detail || error.problem.title, ...details].filter(Boolean).join(' ');
}
