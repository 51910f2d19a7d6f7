import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, problem, stubApi } from '../test/fake-api';
import { api, restoreSession } from './api-client';
import { endSession, getAccessToken, getSession, onSessionEnded, startSession } from './session';

const user = { id: '7d0c1c9e-4a4e-4b8e-9a59-1f0f3f1c2b3a', email: 'sam@example.org', name: 'Sam Carter', roles: ['admin' as const] };
const emptyPage = { items: [], nextCursor: null };

describe('api client', () => {
  afterEach(() => endSession('signed-out'));

  it('sends the access token as a bearer token', async () => {
    startSession({ accessToken: 'token-a', user });
    const fake = stubApi({ 'GET /v1/courses': () => json(emptyPage) });
    await api.GET('/v1/courses');
    expect(fake.requests[0]?.headers.get('Authorization')).toBe('Bearer token-a');
  });

  it('on a 401 refreshes once with the cookie and sends the request again with the new token', async () => {
    startSession({ accessToken: 'stale', user });
    const fake = stubApi({
      'GET /v1/courses': (request) =>
        request.headers.get('Authorization') === 'Bearer fresh'
          ? json(emptyPage)
          : problem(401, 'TOKEN_EXPIRED', 'The access token has expired.'),
      'POST /v1/auth/refresh': () => json({ accessToken: 'fresh', expiresIn: 900, user }),
    });

    const { data, response } = await api.GET('/v1/courses', { params: { query: { limit: 5 } } });

    expect(response.status).toBe(200);
    expect(data).toEqual(emptyPage);
    const seen = fake.requests.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`);
    expect(seen).toEqual(['GET /v1/courses?limit=5', 'POST /v1/auth/refresh', 'GET /v1/courses?limit=5']);
    const refresh = fake.requests[1];
    expect(refresh?.credentials).toBe('include');
    expect(refresh?.headers.has('Authorization')).toBe(false);
    expect(getAccessToken()).toBe('fresh');
  });

  it('shares one refresh between requests that fail together', async () => {
    startSession({ accessToken: 'stale', user });
    const fake = stubApi({
      'GET /v1/courses': (request) =>
        request.headers.get('Authorization') === 'Bearer fresh' ? json(emptyPage) : problem(401, 'TOKEN_EXPIRED', 'Expired.'),
      'POST /v1/auth/refresh': () => json({ accessToken: 'fresh', expiresIn: 900, user }),
    });
    const answers = await Promise.all([api.GET('/v1/courses'), api.GET('/v1/courses'), api.GET('/v1/courses')]);
    expect(answers.map((a) => a.response.status)).toEqual([200, 200, 200]);
    expect(fake.requests.filter((r) => r.url.endsWith('/v1/auth/refresh'))).toHaveLength(1);
  });

  it('ends the session when the refresh is refused, and says so', async () => {
    startSession({ accessToken: 'stale', user });
    const ended = vi.fn();
    const stop = onSessionEnded(ended);
    stubApi({
      'GET /v1/courses': () => problem(401, 'TOKEN_EXPIRED', 'Expired.'),
      'POST /v1/auth/refresh': () => problem(401, 'REFRESH_TOKEN_INVALID', 'Refresh token invalid.'),
    });
    const { response } = await api.GET('/v1/courses');
    stop();
    expect(response.status).toBe(401);
    expect(ended).toHaveBeenCalledWith('expired');
    expect(getSession()).toEqual({ status: 'signed-out', endReason: 'expired' });
    expect(getAccessToken()).toBeNull();
  });

  it('does not refresh after a failed sign-in (a 401 there is the answer)', async () => {
    const fake = stubApi({ 'POST /v1/auth/login': () => problem(401, 'INVALID_CREDENTIALS', 'Invalid credentials.') });
    const { response } = await api.POST('/v1/auth/login', { body: { email: 'a@example.org', password: 'x' } });
    expect(response.status).toBe(401);
    expect(fake.requests).toHaveLength(1);
  });

  it('restores a session on start-up from the refresh cookie, or stays signed out', async () => {
    stubApi({ 'POST /v1/auth/refresh': () => json({ accessToken: 'restored', expiresIn: 900, user }) });
    expect(await restoreSession()).toBe(true);
    expect(getSession()).toMatchObject({ status: 'signed-in', user: { email: 'sam@example.org' } });

    endSession('signed-out');
    stubApi({ 'POST /v1/auth/refresh': () => problem(401, 'REFRESH_TOKEN_INVALID', 'No refresh cookie.') });
    expect(await restoreSession()).toBe(false);
    expect(getSession().status).toBe('signed-out');
  });
});
