import { z } from 'zod';

/** Stable, machine-readable error codes that cross the wire in problem+json `code`. */
export const ERROR_CODES = [
  // request shape
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  // authentication and authorisation
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'REFRESH_TOKEN_INVALID',
  'FORBIDDEN',
  'ACCOUNT_DISABLED',
  'MFA_SETUP_REQUIRED',
  'MFA_CODE_INVALID',
  'MFA_ALREADY_ENABLED',
  'MFA_NOT_ENABLED',
  'PASSWORD_TOO_WEAK',
  'SET_PASSWORD_TOKEN_INVALID',
  'LAST_ADMIN',
  // state and rules
  'CONFLICT',
  'INVALID_STATE',
  'DUPLICATE_EMAIL',
  'DUPLICATE',
  'ETAG_MISMATCH',
  'PRECONDITION_REQUIRED',
  'ALREADY_ENROLLED',
  'COHORT_FULL',
  'NOT_ELIGIBLE',
  'SCHEDULE_INVALID',
  'SIZE_LIMITS_INVALID',
  'ENROLMENT_CLOSED',
  'OFFER_NOT_LIVE',
  'DECLARATION_VERSION_NOT_CURRENT',
  'REVIEW_NOT_NEEDED',
  'RULE_VIOLATION',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_FLIGHT',
  'WEBHOOK_URL_NOT_ALLOWED',
  'CONSENT_REQUIRED',
  // service
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** RFC 9457 problem details, as every error answer of the API. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: ErrorCodeSchema,
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof ProblemSchema>;
