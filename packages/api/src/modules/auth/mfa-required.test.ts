// MFA_REQUIRED=true (the production default): a user without MFA may only set it up.
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_ADMIN, type TestApp } from '../../test/build-test-app';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ MFA_REQUIRED: true });
});
afterAll(async () => t.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const codeAt = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

describe('MFA_REQUIRED', () => {
  it('signs in a user without MFA with mfaSetupRequired, and lets them do nothing but set it up', async () => {
    const u = await t.staff(['coordinator']);
    const login = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: u.email, password: u.password } });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ accessToken: expect.any(String), mfaSetupRequired: true });
    const auth = bearer(login.json().accessToken);
    const cookie = login.cookies.find((c) => c.name === 'harbour_refresh')!;

    for (const [method, url, payload] of [
      ['GET', '/v1/courses', undefined],
      ['POST', '/v1/auth/password', { currentPassword: u.password, newPassword: 'a long and new pass phrase' }],
      ['POST', '/v1/auth/mfa/disable', { code: '123456' }],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json()).toMatchObject({ code: 'MFA_SETUP_REQUIRED' });
    }

    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: auth });
    expect(me.statusCode).toBe(200);
    expect(me.json().mfaEnabled).toBe(false);
    const refreshed = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: cookie.value } });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json().mfaSetupRequired).toBe(true);

    const setup = await t.app.inject({ method: 'POST', url: '/v1/auth/mfa/setup', headers: auth });
    expect(setup.statusCode).toBe(200);
    const enable = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/mfa/enable',
      headers: auth,
      payload: { code: await codeAt(setup.json().secret) },
    });
    expect(enable.statusCode).toBe(200);

    // Set up: everything the role allows is open, on the same session.
    const courses = await t.app.inject({ method: 'GET', url: '/v1/courses', headers: auth });
    expect(courses.statusCode).toBe(200);
    const users = await t.app.inject({ method: 'GET', url: '/v1/users', headers: auth });
    expect(users.statusCode).toBe(403);
    expect(users.json()).toMatchObject({ code: 'FORBIDDEN' });

    // And the next sign-in asks for a code.
    const next = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: u.email, password: u.password } });
    expect(next.json()).toMatchObject({ mfaRequired: true });
    const done = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/mfa',
      payload: { mfaToken: next.json().mfaToken, code: await codeAt(setup.json().secret, 1) },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json().mfaSetupRequired).toBeUndefined();
  });

  it('gates admins too; signing out stays open', async () => {
    const admin = await t.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
    const users = await t.app.inject({ method: 'GET', url: '/v1/users', headers: bearer(admin) });
    expect(users.statusCode).toBe(403);
    expect(users.json()).toMatchObject({ code: 'MFA_SETUP_REQUIRED' });

    const logout = await t.app.inject({ method: 'POST', url: '/v1/auth/logout' });
    expect(logout.statusCode).toBe(204);
  });
});
