import { eq } from 'drizzle-orm';
import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginFailures, refreshSessions } from '../../db/schema/index';
import { sha256Hex } from '../../lib/crypto';
import { buildTestApp, TEST_ADMIN, type TestApp } from '../../test/build-test-app';
import { purgeOldLoginFailures } from './auth.service';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const login = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: payload as object, headers });

function cookieOf(res: { cookies: { name: string; value: string }[] }) {
  const c = res.cookies.find((x) => x.name === 'harbour_refresh');
  if (!c) throw new Error('no refresh cookie');
  return c;
}

describe('sign-in', () => {
  it('signs in the seeded admin and answers the user, a short-lived token and an httpOnly strict cookie', async () => {
    const res = await login(TEST_ADMIN);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ email: TEST_ADMIN.email, roles: ['admin'] });
    expect(body.expiresIn).toBeLessThanOrEqual(900);
    expect(res.headers['cache-control']).toBe('no-store');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);

    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().email).toBe(TEST_ADMIN.email);
  });

  it('gives the same answer for a wrong password and an unknown e-mail', async () => {
    const wrong = await login({ email: TEST_ADMIN.email, password: 'not the password at all' }, { 'x-forwarded-for': '1' });
    const unknown = await login({ email: 'nobody@harbour.test', password: 'not the password at all' });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    }
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('accepts the e-mail in any case', async () => {
    const res = await login({ email: TEST_ADMIN.email.toUpperCase(), password: TEST_ADMIN.password });
    expect(res.statusCode).toBe(200);
  });

  it('refuses unknown fields, missing fields, malformed JSON and the wrong content type', async () => {
    const extra = await login({ ...TEST_ADMIN, roles: ['admin'] });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(extra.json().errors[0].path).toContain('roles');

    const missing = await login({ email: TEST_ADMIN.email });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors.some((e: { path: string }) => e.path === 'password')).toBe(true);

    const malformed = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'MALFORMED_JSON' });

    const text = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: 'email=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('refuses an oversized body with 413', async () => {
    const res = await login({ email: TEST_ADMIN.email, password: 'x'.repeat(t.config.BODY_LIMIT_BYTES + 10) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('throttling', () => {
  it('throttles the sixth failure in a minute from one address without locking the real user out elsewhere', async () => {
    const u = await t.staff(['coordinator']);
    const from = (ip: string) => ({ remoteAddress: ip });
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: u.email, password: 'wrong-password-guess' },
        ...from('203.0.113.9'),
      });
      expect(res.statusCode).toBe(401);
    }
    const sixth = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: u.email, password: u.password },
      ...from('203.0.113.9'),
    });
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);

    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: u.email, password: u.password },
      ...from('198.51.100.7'),
    });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('counts guesses sent all at once: no more than the limit get through to the password check', async () => {
    const u = await t.staff(['coordinator']);
    const guess = (password: string) =>
      t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: u.email, password }, remoteAddress: '203.0.113.77' });
    const burst = await Promise.all([...Array.from({ length: 29 }, (_, i) => guess(`wrong guess number ${i}`)), guess(u.password)]);
    const codes = burst.map((r) => r.statusCode);
    // However the requests interleave (on PostgreSQL all thirty may be counted before any reads the
    // count, and then none is checked), at most the limit are checked; the rest are refused.
    const checked = codes.filter((c) => c !== 429).length;
    expect(checked).toBeLessThanOrEqual(t.config.LOGIN_MAX_FAILURES_PER_MINUTE);
    expect(codes.filter((c) => c === 429).length).toBe(30 - checked);
    expect(codes.every((c) => c === 429 || c === 401 || c === 200)).toBe(true);
  });

  it('forgets failures older than a day (the scheduled purge), and keeps the recent ones', async () => {
    const now = new Date();
    const [old, recent] = await t.database.db
      .insert(loginFailures)
      .values([
        { accountKey: 'purge-old', addressKey: 'purge', at: new Date(now.getTime() - 25 * 3600_000) },
        { accountKey: 'purge-recent', addressKey: 'purge', at: new Date(now.getTime() - 23 * 3600_000) },
      ])
      .returning();
    expect(await purgeOldLoginFailures(t.database.db, now)).toBeGreaterThanOrEqual(1);
    const left = (await t.database.db.select().from(loginFailures).where(eq(loginFailures.addressKey, 'purge'))).map((r) => r.id);
    expect(left).toEqual([recent!.id]);
    expect(left).not.toContain(old!.id);
  });
});

describe('access tokens', () => {
  it('refuses a missing, malformed, forged, alg:none, wrong-audience and expired token', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/v1/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('UNAUTHENTICATED');

    const basic = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: 'Basic abc' } });
    expect(basic.statusCode).toBe(401);

    const admin = await t.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
    const [h, p] = admin.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());

    const algNone = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    const forgedKey = createSigner({ key: 'x'.repeat(64), algorithm: 'HS256' })(payload);
    const wrongAud = t.app.jwt.sign({ sub: payload.sub, roles: payload.roles }, { aud: 'someone-else' });
    const expired = createSigner({ key: 'y'.repeat(64) })({ ...payload, exp: 1 });
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, roles: ['admin', 'x'] })).toString('base64url')}.${admin.split('.')[2]}`;
    for (const token of [algNone, forgedKey, wrongAud, expired, tampered]) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    const genuinelyExpired = t.app.jwt.sign({ sub: payload.sub, roles: payload.roles }, { expiresIn: -10 } as never);
    const res = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${genuinelyExpired}` } });
    expect(res.statusCode).toBe(401);
  });
});

describe('refresh tokens', () => {
  it('rotates on every use, and a reused old token revokes the whole family', async () => {
    const first = await login(TEST_ADMIN);
    const c1 = cookieOf(first);

    const r1 = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: c1.value } });
    expect(r1.statusCode).toBe(200);
    const c2 = cookieOf(r1);
    expect(c2.value).not.toBe(c1.value);
    expect(r1.json().accessToken).toBeTruthy();

    // An attacker replays the first token: refused, and the family (including c2) is revoked.
    const replay = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: c1.value } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('REFRESH_TOKEN_INVALID');

    const afterReuse = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: c2.value } });
    expect(afterReuse.statusCode).toBe(401);
  });

  it('logout revokes the refresh token', async () => {
    const first = await login(TEST_ADMIN);
    const c = cookieOf(first);
    const out = await t.app.inject({ method: 'POST', url: '/v1/auth/logout', cookies: { harbour_refresh: c.value } });
    expect(out.statusCode).toBe(204);
    const again = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: c.value } });
    expect(again.statusCode).toBe(401);
  });

  it('refuses a refresh without a cookie or with a made-up one', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/v1/auth/refresh' })).statusCode).toBe(401);
    const made = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: 'made-up' } });
    expect(made.statusCode).toBe(401);
  });
});

describe('refresh session lifetimes', () => {
  const refreshWith = (value: string) => t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: value } });
  const rowOf = async (value: string) =>
    (await t.database.db.select().from(refreshSessions).where(eq(refreshSessions.tokenHash, sha256Hex(value))))[0]!;

  it('a session lasts 30 minutes idle and 12 hours in all; refreshing does not extend the 12 hours', async () => {
    const c1 = cookieOf(await login(TEST_ADMIN)).value;
    const row1 = await rowOf(c1);
    expect(row1.idleExpiresAt.getTime() - row1.createdAt.getTime()).toBe(30 * 60_000);
    expect(row1.absoluteExpiresAt.getTime() - row1.familyStartedAt.getTime()).toBe(12 * 3600_000);

    const c2 = cookieOf(await refreshWith(c1)).value;
    const row2 = await rowOf(c2);
    expect(row2.absoluteExpiresAt.getTime()).toBe(row1.absoluteExpiresAt.getTime());
    expect(row2.familyId).toBe(row1.familyId);
  });

  it('ends after 30 minutes without use', async () => {
    const c = cookieOf(await login(TEST_ADMIN)).value;
    await t.database.db
      .update(refreshSessions)
      .set({ idleExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(refreshSessions.tokenHash, sha256Hex(c)));
    const res = await refreshWith(c);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'REFRESH_TOKEN_INVALID' });
  });

  it('ends 12 hours after sign-in however active it is', async () => {
    const c = cookieOf(await login(TEST_ADMIN)).value;
    const twelveHoursAgo = new Date(Date.now() - 12 * 3600_000 - 1000);
    await t.database.db
      .update(refreshSessions)
      .set({ familyStartedAt: twelveHoursAgo, absoluteExpiresAt: new Date(Date.now() - 1000), idleExpiresAt: new Date(Date.now() + 60_000) })
      .where(eq(refreshSessions.tokenHash, sha256Hex(c)));
    const res = await refreshWith(c);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'REFRESH_TOKEN_INVALID' });
  });
});

describe('changing the password', () => {
  const change = (auth: Record<string, string>, payload: object, cookie?: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({
      method: 'POST',
      url: '/v1/auth/password',
      headers: auth,
      payload,
      remoteAddress,
      ...(cookie && { cookies: { harbour_refresh: cookie } }),
    });

  it('ends every other session at once and keeps the caller signed in', async () => {
    const u = await t.staff(['coordinator']);
    const here = await login({ email: u.email, password: u.password });
    const elsewhere = await login({ email: u.email, password: u.password });
    const hereAuth = { authorization: `Bearer ${here.json().accessToken}` };
    const elsewhereAuth = { authorization: `Bearer ${elsewhere.json().accessToken}` };
    const newPassword = 'violet kettle under the stairs';

    const res = await change(hereAuth, { currentPassword: u.password, newPassword }, cookieOf(here).value);
    expect(res.statusCode).toBe(200);
    const fresh = res.json();
    expect(fresh.accessToken).toBeTruthy();
    const freshCookie = cookieOf(res).value;

    // The other session: its access token and its refresh token stop working now, not in 15 minutes.
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: elsewhereAuth })).statusCode).toBe(401);
    const elsewhereRefresh = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: cookieOf(elsewhere).value } });
    expect(elsewhereRefresh.statusCode).toBe(401);
    // So does every token from before the change, the caller's included: the fresh one replaces it.
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: u.auth })).statusCode).toBe(401);

    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${fresh.accessToken}` } });
    expect(me.statusCode).toBe(200);
    const refreshed = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: freshCookie } });
    expect(refreshed.statusCode).toBe(200);

    expect((await login({ email: u.email, password: u.password }, { 'x-forwarded-for': '1' })).statusCode).toBe(401);
    expect((await login({ email: u.email, password: newPassword })).statusCode).toBe(200);
  });

  it('does not carry on a refresh family that already ended for being idle', async () => {
    const u = await t.staff(['coordinator']);
    const here = await login({ email: u.email, password: u.password });
    const cookie = cookieOf(here).value;
    await t.database.db
      .update(refreshSessions)
      .set({ idleExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(refreshSessions.tokenHash, sha256Hex(cookie)));
    const res = await change({ authorization: `Bearer ${here.json().accessToken}` }, { currentPassword: u.password, newPassword: 'amber lantern by the gate' }, cookie);
    expect(res.statusCode).toBe(200);
    // A new family, not the idle one revived: its old token is refused.
    expect((await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: cookie } })).statusCode).toBe(401);
    const [old] = await t.database.db.select().from(refreshSessions).where(eq(refreshSessions.tokenHash, sha256Hex(cookie)));
    expect(old!.revokedAt).not.toBeNull();
  });

  it('needs the current password (400, counted as a failed sign-in), and refuses unknown fields', async () => {
    const u = await t.staff(['coordinator']);
    const wrong = await change(u.auth, { currentPassword: 'not my password', newPassword: 'violet kettle under the stairs' }, undefined, '198.51.100.200');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(wrong.json().errors[0].path).toBe('currentPassword');
    // The session is untouched.
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: u.auth })).statusCode).toBe(200);

    const extra = await change(u.auth, { currentPassword: u.password, newPassword: 'violet kettle under the stairs', roles: ['admin'] });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(extra.json().errors[0].path).toContain('roles');
  });

  it('refuses short, long, common and guessable passwords with PASSWORD_TOO_WEAK and says why', async () => {
    const u = await t.staff(['coordinator'], 'Robin Example');
    const local = u.email.split('@')[0]!;
    const cases: [string, RegExp][] = [
      ['elevenchars', /at least 12 characters/],
      ['x'.repeat(129), /at most 128 characters/],
      ['password1234', /most commonly used/],
      ['Password2024!', /most commonly used/],
      ['qwertyuiop12', /most commonly used/],
      ['abcabcabcabcabc', /repeats/],
      ['zzzzzzzzzzzzzzzz', /repeats/],
      ['Harbour2024!!', /easy to guess/],
      ['Robin Example 1984', /name, your e-mail/],
      [`${local}!!`, /name, your e-mail/],
    ];
    for (const [newPassword, why] of cases) {
      const res = await change(u.auth, { currentPassword: u.password, newPassword });
      expect(res.statusCode, newPassword).toBe(400);
      expect(res.json(), newPassword).toMatchObject({ code: 'PASSWORD_TOO_WEAK' });
      expect(res.json().detail, newPassword).toMatch(why);
      expect(res.json().errors[0].path).toBe('newPassword');
    }
    // Still the old password: nothing changed.
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: u.auth })).statusCode).toBe(200);
  });

  it('accepts 12 and 128 characters, with no composition rules', async () => {
    const u = await t.staff(['coordinator']);
    const twelve = 'mossy canoes';
    const res12 = await change(u.auth, { currentPassword: u.password, newPassword: twelve });
    expect(res12.statusCode).toBe(200);
    const auth = { authorization: `Bearer ${res12.json().accessToken}` };
    const long = Array.from({ length: 16 }, (_, i) => `w${i}rd${String.fromCharCode(97 + i)}`).join(' ').padEnd(128, 'q').slice(0, 128);
    expect(long).toHaveLength(128);
    const res128 = await change(auth, { currentPassword: twelve, newPassword: long });
    expect(res128.statusCode).toBe(200);
  });
});
