// Turns what went wrong with a form (the shared zod schemas' issues, or a problem+json answer) into
// messages beside their fields plus a summary, the same way on every staff form.
import type { ZodError } from 'zod';
import type { SummaryItem } from '../components/ui/error-summary';
import { ApiError, describeRetryAfter, fieldErrorsOf } from './problem';

export interface FormErrors {
  /** Messages per field name, shown next to the field (and linked from the summary). */
  fields: Record<string, string>;
  /** Messages about the whole form, shown in the summary only. */
  form: string[];
}

export const noErrors: FormErrors = { fields: {}, form: [] };

export function hasErrors(errors: FormErrors): boolean {
  return errors.form.length > 0 || Object.keys(errors.fields).length > 0;
}

export function summaryItems(errors: FormErrors, fieldIds: Record<string, string>): SummaryItem[] {
  return [
    ...errors.form.map((message) => ({ message })),
    ...Object.entries(errors.fields).map(([name, message]) => ({ message, fieldId: fieldIds[name] })),
  ];
}

/** The first message per top-level field of a failed zod parse. */
export function fromZodError(error: ZodError): FormErrors {
  const fields: Record<string, string> = {};
  const form: string[] = [];
  for (const issue of error.issues) {
    const name = issue.path.length > 0 ? String(issue.path[0]) : '';
    if (!name) form.push(issue.message);
    else if (!(name in fields)) fields[name] = issue.message;
  }
  return { fields, form };
}

/** A sentence for any failure that is not about one field. */
export function describeProblem(error: unknown, what = 'This could not be saved'): string {
  if (!(error instanceof ApiError)) {
    return 'Harbour could not be reached. Check your internet connection, then try again.';
  }
  if (error.code === 'RATE_LIMITED') return `There have been too many attempts. Please try again ${describeRetryAfter(error.retryAfterSeconds)}.`;
  if (error.code === 'MFA_SETUP_REQUIRED') return 'Set up two-step verification for your account first (Account security).';
  if (error.status === 403) return 'Your account is not allowed to do this. Please speak to your Harbour administrator.';
  if (error.status >= 500) return `${what}: something went wrong on our side. Please try again in a moment.`;
  return error.problem.detail || error.problem.title || `${what}. Check your answers and try again.`;
}

/**
 * Sorts an API error into field messages (for the fields the form shows) and form messages.
 * A message about a path the form does not show goes in the summary rather than being lost.
 */
export function fromApiError(error: unknown, knownFields: readonly string[], what?: string): FormErrors {
  const fields: Record<string, string> = {};
  const form: string[] = [];
  for (const [name, message] of Object.entries(fieldErrorsOf(error))) {
    if (knownFields.includes(name)) fields[name] = message;
    else form.push(message);
  }
  if (Object.keys(fields).length === 0 && form.length === 0) form.push(describeProblem(error, what));
  return { fields, form };
}

/** Errors of one field removed (as the person corrects it). */
export function withoutField(errors: FormErrors, name: string): FormErrors {
  if (!(name in errors.fields)) return errors;
  const { [name]: _cleared, ...rest } = errors.fields;
  return { ...errors, fields: rest };
}
