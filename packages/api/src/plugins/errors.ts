import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode } from '@harbour/shared';
import { AppError, type FieldError } from '../lib/app-error';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorised',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  428: 'Precondition required',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** The problem+json body (RFC 9457) of every error answer. */
export function problemBody(request: FastifyRequest, status: number, code: ErrorCode, detail: string, fields: Record<string, unknown> = {}) {
  return {
    type: `https://harbour.example/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance: request.url.split('?')[0] ?? request.url,
    code,
    ...fields,
  };
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  const { headers, ...fields } = extra as { headers?: Record<string, string> };
  if (headers) reply.headers(headers);
  return reply.code(status).type('application/problem+json').send(problemBody(request, status, code, detail, fields));
}

function validationErrors(err: FastifyError): FieldError[] {
  const context = (err as FastifyError & { validationContext?: string }).validationContext;
  return (err.validation ?? []).map((v) => {
    const params = v.params as { keys?: string[] } | undefined;
    let path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    if (v.keyword === 'unrecognized_keys' && params?.keys?.length) {
      path = params.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ');
      return { path, message: `Unknown field${params.keys.length > 1 ? 's' : ''}: not accepted here.` };
    }
    if (context && context !== 'body') path = path ? `${context}.${path}` : context;
    return { path: path || '(body)', message: v.message ?? 'Invalid value.' };
  });
}

/**
 * For Fastify's `frameworkErrors`: what the router refuses before any route or error handler runs (a
 * URL that cannot be decoded, a path parameter over the router's length limit), as problem+json.
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendProblem(request, reply, 400, 'VALIDATION_FAILED', 'The request URL is not valid.', {
      errors: [{ path: 'params', message: err.code === 'FST_ERR_BAD_URL' ? 'A part of the path cannot be decoded.' : 'A part of the path is too long.' }],
    });
  }
  request.log.error({ err }, 'router error');
  return sendProblem(request, reply, 500, 'INTERNAL_ERROR', 'Something went wrong on our side. It has been logged; please try again.');
}

/** The path of the first string (or key) holding a NUL character, which PostgreSQL text cannot store. */
function nulAt(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return at;
    const found = nulAt(v, at);
    if (found !== null) return found;
  }
  return null;
}

/** One error handler: AppErrors, validation errors and surprises all become problem+json. */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  // A NUL character (\u0000) in any text would make PostgreSQL refuse the query (a 500): refused as input.
  app.addHook('preValidation', async (request) => {
    const sources: [string, unknown][] = [['', request.body], ['query', request.query], ['params', request.params]];
    for (const [where, value] of sources) {
      const at = nulAt(value, where);
      if (at !== null) {
        throw new AppError('VALIDATION_FAILED', 400, 'The request is not valid. See errors for what to correct.', {
          errors: [{ path: at || '(body)', message: 'Text may not contain the NUL character (\\u0000).' }],
        });
      }
    }
  });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      return sendProblem(request, reply, err.status, err.code, err.detail, err.extra);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      return sendProblem(request, reply, 400, 'VALIDATION_FAILED', 'The request is not valid. See errors for what to correct.', {
        errors: validationErrors(err),
      });
    }
    switch (err.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(request, reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(request, reply, 413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendProblem(request, reply, 400, 'MALFORMED_JSON', 'The body is empty but the content type says JSON.');
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendProblem(request, reply, 400, 'MALFORMED_JSON', 'The body is not valid JSON.');
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendProblem(request, reply, 400, 'MALFORMED_JSON', 'The content length does not match the body.');
    }
    if (err instanceof SyntaxError && err.statusCode === 400) {
      return sendProblem(request, reply, 400, 'MALFORMED_JSON', 'The body is not valid JSON.');
    }
    if (err.statusCode === 429) {
      return sendProblem(request, reply, 429, 'RATE_LIMITED', 'Too many requests. Wait a moment and try again.');
    }
    if (err.statusCode === 503) {
      return sendProblem(request, reply, 503, 'SERVICE_UNAVAILABLE', 'The service is busy. Try again shortly.', {
        headers: { 'retry-after': '10' },
      });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendProblem(request, reply, err.statusCode, err.statusCode === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED', 'The request could not be accepted.');
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(request, reply, 500, 'INTERNAL_ERROR', 'Something went wrong on our side. It has been logged; please try again.');
  });
});
