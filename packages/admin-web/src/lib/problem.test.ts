import { describe, expect, it } from 'vitest';
import { ApiError, describeRetryAfter, fieldErrorsOf, parseRetryAfter, toApiError, unwrap } from './problem';

describe('problem+json to errors', () => {
  it('keeps the problem and its field errors, keyed by field name', () => {
    const body = {
      type: 'about:blank',
      title: 'Validation failed',
      status: 400,
      detail: 'The request is not valid.',
      instance: '/v1/auth/login',
      code: 'VALIDATION_FAILED',
      errors: [
        { path: '/email', message: 'Enter a valid email' },
        { path: 'body.password', message: 'Enter a password' },
      ],
    };
    const error = toApiError(body, new Response(null, { status: 400 }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.problem.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('The request is not valid.');
    expect(fieldErrorsOf(error)).toEqual({ email: 'Enter a valid email', password: 'Enter a password' });
  });

  it('still gives a usable error when the body is not problem+json', () => {
    const error = toApiError('<html>Bad gateway</html>', new Response(null, { status: 502, statusText: 'Bad Gateway' }));
    expect(error.status).toBe(502);
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(fieldErrorsOf(error)).toEqual({});
  });

  it('reads Retry-After in seconds or as a date', () => {
    const now = Date.parse('2027-01-14T18:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 14 Jan 2027 18:05:00 GMT', now)).toBe(300);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(describeRetryAfter(30)).toBe('in 30 seconds');
    expect(describeRetryAfter(61, new Date(2027, 0, 14, 18, 0, 0))).toBe('in 2 minutes (at 18:01)');
    expect(describeRetryAfter(null)).toBe('in a few minutes');
  });
});

describe('unwrap', () => {
  it('returns the data of a success and throws the problem of a failure', async () => {
    const ok = new Response('{}', { status: 200 });
    await expect(unwrap(Promise.resolve({ data: { a: 1 }, response: ok }))).resolves.toEqual({ a: 1 });
    const failed = new Response(null, { status: 429, headers: { 'Retry-After': '60' } });
    const error = await unwrap(Promise.resolve({ error: { code: 'RATE_LIMITED', status: 429 }, response: failed })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterSeconds: 60 });
  });

  it('treats a success with no body as a server fault', async () => {
    const empty = new Response(null, { status: 200, headers: { 'Content-Length': '0' } });
    await expect(unwrap(Promise.resolve({ data: undefined, response: empty }))).rejects.toMatchObject({ status: 502 });
  });
});
