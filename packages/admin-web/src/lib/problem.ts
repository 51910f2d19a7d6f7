// Turns the API's RFC 9457 problem+json answers into Errors that forms and pages can read.
import type { ErrorCode } from '@harbour/shared';

export interface FieldProblem {
  path: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** A code from packages/shared; an unknown one is kept as it came rather than dropped. */
  code: ErrorCode | (string & {});
  errors?: FieldProblem[];
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly problem: ProblemDetails;
  readonly status: number;
  /** From Retry-After (429, 503), in seconds; null when the answer did not say. */
  readonly retryAfterSeconds: number | null;

  constructor(problem: ProblemDetails, retryAfterSeconds: number | null = null) {
    super(problem.detail || problem.title);
    this.problem = problem;
    this.status = problem.status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get code(): ProblemDetails['code'] {
    return this.problem.code;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFieldProblems(value: unknown): FieldProblem[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list = value.flatMap((item): FieldProblem[] =>
    isRecord(item) && typeof item.message === 'string'
      ? [{ path: typeof item.path === 'string' ? item.path : '', message: item.message }]
      : [],
  );
  return list.length > 0 ? list : undefined;
}

/** Seconds to wait, from a Retry-After header in either of its forms (seconds or an HTTP date). */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Builds an ApiError from whatever an error answer carried. A body that is not problem+json
 * (a proxy's HTML page, an empty 502) still gives a usable error with the HTTP status.
 */
export function toApiError(body: unknown, response: Response): ApiError {
  const status = response.status;
  const problem: ProblemDetails = isRecord(body)
    ? {
        type: typeof body.type === 'string' ? body.type : 'about:blank',
        title: typeof body.title === 'string' ? body.title : response.statusText || 'Request failed',
        status: typeof body.status === 'number' ? body.status : status,
        detail: typeof body.detail === 'string' ? body.detail : '',
        instance: typeof body.instance === 'string' ? body.instance : undefined,
        code: typeof body.code === 'string' ? body.code : fallbackCode(status),
        errors: readFieldProblems(body.errors),
      }
    : {
        type: 'about:blank',
        title: response.statusText || 'Request failed',
        status,
        detail: '',
        code: fallbackCode(status),
      };
  return new ApiError(problem, parseRetryAfter(response.headers.get('Retry-After')));
}

function fallbackCode(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'SERVICE_UNAVAILABLE';
  return 'INTERNAL_ERROR';
}

/** The result shape of every openapi-fetch call. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Returns the data of a successful call, or throws an ApiError built from the problem answer. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(error, response);
  if (data === undefined && response.status !== 204) {
    // A success with no body is a server fault; say so rather than fail later on `undefined`.
    throw new ApiError({
      type: 'about:blank',
      title: 'Empty answer',
      status: 502,
      detail: `The server answered ${response.status} with no content.`,
      code: 'INTERNAL_ERROR',
    });
  }
  return data as T;
}

/**
 * Field errors keyed by field name. Paths may come as "email", "/email", "body.email" or
 * "body/email"; the last segment names the field.
 */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !error.problem.errors) return {};
  const result: Record<string, string> = {};
  for (const { path, message } of error.problem.errors) {
    const field = path.split(/[./]/).filter(Boolean).pop() ?? '';
    if (field && !(field in result)) result[field] = message;
  }
  return result;
}

/** A sentence for "when to try again", e.g. "in 5 minutes (at 14:32)". */
export function describeRetryAfter(seconds: number | null, now: Date = new Date()): string {
  if (seconds === null) return 'in a few minutes';
  if (seconds < 60) return seconds <= 1 ? 'in a moment' : `in ${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  const at = new Date(now.getTime() + seconds * 1000).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
  });
  return `in ${minutes === 1 ? '1 minute' : `${minutes} minutes`} (at ${at})`;
}
