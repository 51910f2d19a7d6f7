// Signing out on purpose must always read as "You have signed out", even when a request that was
// already on its way comes back 401 (its token was revoked by the sign-out) before or after it.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../lib/api-client';
import { endSession, getSession, onSessionEnded, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { useLogout } from './logout';

const user = { id: '7d0c1c9e-4a4e-4b8e-9a59-1f0f3f1c2b3a', email: 'sam@example.org', name: 'Sam Carter', roles: ['coordinator' as const] };

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

function renderLogout() {
  const queryClient = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
  return renderHook(() => useLogout(), { wrapper }).result;
}

describe('signing out while a request is in flight', () => {
  afterEach(() => endSession('signed-out'));

  it('still says "signed out" when the request’s 401 arrives after the sign-out finished', async () => {
    startSession({ accessToken: 'token', user });
    const answer = deferred();
    const fake = stubApi({
      'GET /v1/courses': async () => {
        await answer.promise;
        return problem(401, 'TOKEN_REVOKED', 'The session has ended.');
      },
      'POST /v1/auth/logout': () => new Response(null, { status: 204 }),
      'POST /v1/auth/refresh': () => problem(401, 'REFRESH_TOKEN_INVALID', 'Refresh token invalid.'),
    });
    const ended = vi.fn();
    const stop = onSessionEnded(ended);
    const logout = renderLogout();

    const inFlight = api.GET('/v1/courses');
    await act(async () => {
      await logout.current.mutateAsync();
    });
    answer.release();
    await inFlight;
    stop();

    expect(getSession()).toEqual({ status: 'signed-out', endReason: 'signed-out' });
    expect(ended.mock.calls).toEqual([['signed-out']]);
    // Nothing tries to bring the ended session back.
    expect(fake.requests.filter((r) => r.url.endsWith('/v1/auth/refresh'))).toHaveLength(0);
  });

  it('still says "signed out" when the request’s 401 arrives while the sign-out is under way', async () => {
    startSession({ accessToken: 'token', user });
    const logoutAnswer = deferred();
    stubApi({
      'GET /v1/courses': () => problem(401, 'TOKEN_REVOKED', 'The session has ended.'),
      'POST /v1/auth/logout': async () => {
        await logoutAnswer.promise;
        return new Response(null, { status: 204 });
      },
      'POST /v1/auth/refresh': () => problem(401, 'REFRESH_TOKEN_INVALID', 'Refresh token invalid.'),
    });
    const ended = vi.fn();
    const stop = onSessionEnded(ended);
    const logout = renderLogout();

    act(() => logout.current.mutate());
    await api.GET('/v1/courses');
    logoutAnswer.release();
    await waitFor(() => expect(logout.current.isSuccess).toBe(true));
    stop();

    expect(getSession()).toEqual({ status: 'signed-out', endReason: 'signed-out' });
    expect(ended.mock.calls).toEqual([['signed-out']]);
  });

  it('does not sign the person back in when a refresh answers after they pressed "Sign out"', async () => {
    startSession({ accessToken: 'stale', user });
    const refreshAnswer = deferred();
    stubApi({
      'GET /v1/courses': () => problem(401, 'TOKEN_EXPIRED', 'Expired.'),
      'POST /v1/auth/refresh': async () => {
        await refreshAnswer.promise;
        return json({ accessToken: 'fresh', expiresIn: 900, user });
      },
      'POST /v1/auth/logout': () => new Response(null, { status: 204 }),
    });
    const logout = renderLogout();

    const inFlight = api.GET('/v1/courses');
    await waitFor(() => expect(vi.mocked(globalThis.fetch).mock.calls.length).toBe(2)); // the refresh is on its way
    act(() => logout.current.mutate());
    refreshAnswer.release();
    await inFlight;
    await waitFor(() => expect(logout.current.isSuccess).toBe(true));

    expect(getSession()).toEqual({ status: 'signed-out', endReason: 'signed-out' });
  });
});
