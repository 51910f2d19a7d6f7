// What to tell someone when signing in did not work, in plain words.
import { ApiError, describeRetryAfter, fieldErrorsOf } from '../../../lib/problem';
import type { SummaryItem } from '../../../components/ui/error-summary';

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

/**
 * Sorts an error into field messages and form messages. `knownFields` are the fields the form
 * shows; a server message about any other path is shown in the summary rather than lost.
 */
export function describeAuthError(error: unknown, knownFields: readonly string[]): FormErrors {
  if (!(error instanceof ApiError)) {
    return {
      fields: {},
      form: ['Harbour could not be reached. Check your internet connection, then try again.'],
    };
  }

  const fields: Record<string, string> = {};
  const form: string[] = [];
  for (const [name, message] of Object.entries(fieldErrorsOf(error))) {
    if (knownFields.includes(name)) fields[name] = message;
    else form.push(message);
  }

  switch (error.code) {
    case 'RATE_LIMITED':
      form.push(
        `There have been too many attempts to sign in. To keep accounts safe, please wait and try again ${describeRetryAfter(error.retryAfterSeconds)}.`,
      );
      break;
    case 'INVALID_CREDENTIALS':
      form.push('The email address or password is not right. Check them and try again.');
      break;
    case 'ACCOUNT_DISABLED':
      form.push('This account has been switched off. Please speak to your Harbour administrator.');
      break;
    case 'MFA_CODE_INVALID':
      // The server's own words for the field win; this is for an answer that came without them.
      if (knownFields.includes('code')) fields.code ??= 'That code did not work. Enter the newest 6-digit code from your app.';
      else if (form.length === 0) form.push('That code did not work. Enter the newest 6-digit code from your app.');
      break;
    case 'TOKEN_EXPIRED':
    case 'TOKEN_INVALID':
    case 'UNAUTHENTICATED':
      form.push('It has been a while since you entered your password. Please start again.');
      break;
    default:
      if (error.status >= 500) {
        form.push('Something went wrong on our side, so you could not be signed in. Please try again in a moment.');
      } else if (Object.keys(fields).length === 0 && form.length === 0) {
        form.push(error.problem.detail || error.problem.title || 'Check your answers and try again.');
      }
  }
  return { fields, form };
}
