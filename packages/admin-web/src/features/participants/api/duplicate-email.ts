import { ApiError, type ProblemDetails } from '../../../lib/problem';

/** 409 DUPLICATE_EMAIL: someone already has this address; `existingId` says who, so staff can go there. */
export class DuplicateEmailError extends ApiError {
  readonly existingId: string | null;

  constructor(problem: ProblemDetails, existingId: string | null) {
    super(problem);
    this.existingId = existingId;
  }
}

export function readExistingId(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const value = (body as Record<string, unknown>).existingId;
  return typeof value === 'string' ? value : null;
}
