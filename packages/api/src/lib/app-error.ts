import type { ErrorCode } from '@harbour/shared';

export interface FieldError {
  path: string;
  message: string;
}

/** The one error type of the API: a status, a stable shared code and a human sentence. */
export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    public readonly status: number,
    public readonly detail: string,
    public readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'resource') => new AppError('NOT_FOUND', 404, `The ${what} was not found.`);
export const forbidden = (detail = 'You do not have permission to do this.') => new AppError('FORBIDDEN', 403, detail);
export const invalidState = (detail: string) => new AppError('INVALID_STATE', 409, detail);
