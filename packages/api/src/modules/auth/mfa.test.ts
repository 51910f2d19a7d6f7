import { openSecret } from '../../lib/sealed';
import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mfaChallenges, users } from '../../db/schema/index';
import { MFA_TOKEN_AUDIENCE } from '../../plugins/auth';
import { buildTestApp, TEST_ADMIN, type TestApp } from '../../test/build-test-app';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

type Headers = Record<string, string>;
let addressCounter = 0;
/** Each test that makes failures uses its own address, so throttling of one test never reaches another. */
const freshAddress = () => `192.0.2.${++addressCounter}`;

const post = (url: string, payload?: object, headers: Headers = {}, remoteAddress = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url, ...(payload && { payload }), headers, remoteAddress });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The app's code for the time step `steps` away from now (1 = the next one). */
const codeAt = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
/** A 6-digit code that is not `code`. */
const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function staffWithMfa() {
  const u = await t.staff(['coordinator']);
  const setup = await post('/v1/auth/mfa/setup', undefined, u.auth);
  expect(setup.statusCode).toBe(200);
  const { secret } = setup.json() as { secret: string };
  const enable = await post('/v1/auth/mfa/enable', { code: await codeAt(secret) }, u.auth);
  expect(enable.statusCode).toBe(200);
  return { ...u, secret, recoveryCodes: enable.json().recoveryCodes as string[] };
}

async function passwordStep(u: { email: string; password: string }, remoteAddress = '127.0.0.1') {
  const res = await post('/v1/auth/login', { email: u.email, password: u.password }, {}, remoteAddress);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
  return body.mfaToken as string;
}

describe('setting up two-step verification', () => {
  it('hands out a secret and an otpauth URL, asks for a first code, then answers ten single-use recovery codes', async () => {
    const u = await t.staff(['coordinator']);
    const setup = await post('/v1/auth/mfa/setup', undefined, u.auth);
    expect(setup.statusCode).toBe(200);
    expect(setup.headers['cache-control']).toBe('no-store');
    const { secret, otpauthUrl } = setup.json();
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe(`/Harbour:${u.email}`);
    expect(url.searchParams.get('issuer')).toBe('Harbour');
    expect(url.searchParams.get('secret')).toBe(secret);

    const before = await t.app.inject({ method: 'GET', url: '/v1/me', headers: u.auth });
    expect(before.json().mfaEnabled).toBe(false);

    const wrong = await post('/v1/auth/mfa/enable', { code: otherThan(await codeAt(secret)) }, u.auth);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'MFA_CODE_INVALID' });
    expect(wrong.json().errors[0].path).toBe('code');

    const enable = await post('/v1/auth/mfa/enable', { code: await codeAt(secret) }, u.auth);
    expect(enable.statusCode).toBe(200);
    const { recoveryCodes } = enable.json();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: u.auth });
    expect(me.json().mfaEnabled).toBe(true);

    const again = await post('/v1/auth/mfa/setup', undefined, u.auth);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'MFA_ALREADY_ENABLED' });
    const reEnable = await post('/v1/auth/mfa/enable', { code: await codeAt(secret, 1) }, u.auth);
    expect(reEnable.statusCode).toBe(409);
    expect(reEnable.json()).toMatchObject({ code: 'MFA_ALREADY_ENABLED' });

    // The secret is kept (for the app's codes); the recovery codes only as hashes.
    const [row] = await t.database.db.select().from(users).where(eq(users.id, u.id));
    expect(row?.mfaSecret).not.toBe(secret); // encrypted at rest
    expect(openSecret(row!.mfaSecret!)).toBe(secret);
    expect(row?.mfaPendingSecret).toBeNull();
  });

  it('refuses to enable before setup, and refuses unknown fields', async () => {
    const u = await t.staff(['coordinator']);
    const early = await post('/v1/auth/mfa/enable', { code: '123456' }, u.auth);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'INVALID_STATE' });

    const extra = await post('/v1/auth/mfa/enable', { code: '123456', roles: ['admin'] }, u.auth);
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('needs a signed-in user', async () => {
    const res = await post('/v1/auth/mfa/setup');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('signing in with two-step verification', () => {
  it('answers an mfaToken (no session, no cookie) and completes with a code like a login', async () => {
    const u = await staffWithMfa();
    const login = await post('/v1/auth/login', { email: u.email, password: u.password });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
    expect(login.headers['set-cookie']).toBeUndefined();
    const { mfaToken } = login.json();

    // The mfaToken is not an access token.
    const asAccess = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(mfaToken) });
    expect(asAccess.statusCode).toBe(401);

    const done = await post('/v1/auth/mfa', { mfaToken, code: await codeAt(u.secret, 1) });
    expect(done.statusCode).toBe(200);
    const session = done.json();
    expect(session.user).toMatchObject({ id: u.id, email: u.email });
    expect(session.expiresIn).toBeLessThanOrEqual(900);
    expect(String(done.headers['set-cookie'])).toMatch(/harbour_refresh=.*HttpOnly.*SameSite=Strict/i);
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(session.accessToken) });
    expect(me.statusCode).toBe(200);

    const cookie = done.cookies.find((c) => c.name === 'harbour_refresh');
    const refreshed = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: cookie!.value } });
    expect(refreshed.statusCode).toBe(200);
  });

  it('refuses a wrong code (401 MFA_CODE_INVALID) and lets the person try again with the same mfaToken', async () => {
    const u = await staffWithMfa();
    const address = freshAddress();
    const mfaToken = await passwordStep(u, address);
    const right = await codeAt(u.secret, 1);
    const wrong = await post('/v1/auth/mfa', { mfaToken, code: otherThan(right) }, {}, address);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'MFA_CODE_INVALID' });
    const junk = await post('/v1/auth/mfa', { mfaToken, code: 'not a code' }, {}, address);
    expect(junk.statusCode).toBe(401);
    expect(junk.json()).toMatchObject({ code: 'MFA_CODE_INVALID' });

    const ok = await post('/v1/auth/mfa', { mfaToken, code: right }, {}, address);
    expect(ok.statusCode).toBe(200);
  });

  it('refuses a code that was already used (no replay within its window), including the one that enabled MFA', async () => {
    const u = await staffWithMfa();
    const enablingCode = await codeAt(u.secret);
    const first = await post('/v1/auth/mfa', { mfaToken: await passwordStep(u), code: enablingCode });
    expect(first.statusCode).toBe(401);
    expect(first.json()).toMatchObject({ code: 'MFA_CODE_INVALID' });

    const code = await codeAt(u.secret, 1);
    const ok = await post('/v1/auth/mfa', { mfaToken: await passwordStep(u), code });
    expect(ok.statusCode).toBe(200);
    const replay = await post('/v1/auth/mfa', { mfaToken: await passwordStep(u), code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'MFA_CODE_INVALID' });
  });

  it('accepts each recovery code once, however it is typed', async () => {
    const u = await staffWithMfa();
    const [first, second] = u.recoveryCodes;
    const typed = ` ${first!.toUpperCase().replace(/-/g, ' ')} `;
    const ok = await post('/v1/auth/mfa', { mfaToken: await passwordStep(u), code: typed });
    expect(ok.statusCode).toBe(200);

    const reused = await post('/v1/auth/mfa', { mfaToken: await passwordStep(u), code: first! });
    expect(reused.statusCode).toBe(401);
    expect(reused.json()).toMatchObject({ code: 'MFA_CODE_INVALID' });

    const next = await post('/v1/auth/mfa', { mfaToken: await passwordStep(u), code: second! });
    expect(next.statusCode).toBe(200);
  });

  it('an mfaToken works once', async () => {
    const u = await staffWithMfa();
    const mfaToken = await passwordStep(u);
    expect((await post('/v1/auth/mfa', { mfaToken, code: u.recoveryCodes[0]! })).statusCode).toBe(200);
    const again = await post('/v1/auth/mfa', { mfaToken, code: u.recoveryCodes[1]! });
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('an mfaToken expires after 5 minutes; forged, expired and access tokens are refused', async () => {
    const u = await staffWithMfa();
    const mfaToken = await passwordStep(u);
    const claims = JSON.parse(Buffer.from(mfaToken.split('.')[1]!, 'base64url').toString());
    expect(claims.aud).toBe(MFA_TOKEN_AUDIENCE);
    expect(claims.exp - claims.iat).toBe(300);
    expect(claims.roles).toBeUndefined();

    await t.database.db.update(mfaChallenges).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(mfaChallenges.id, claims.jti));
    const late = await post('/v1/auth/mfa', { mfaToken, code: u.recoveryCodes[0]! });
    expect(late.statusCode).toBe(401);
    expect(late.json()).toMatchObject({ code: 'TOKEN_EXPIRED' });

    const expiredJwt = t.app.jwt.sign({ sub: u.id, jti: claims.jti } as never, { aud: MFA_TOKEN_AUDIENCE, expiresIn: -10 } as never);
    const expired = await post('/v1/auth/mfa', { mfaToken: expiredJwt, code: u.recoveryCodes[0]! });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'TOKEN_EXPIRED' });

    // An access token (another audience) cannot stand in for an mfaToken.
    const access = await post('/v1/auth/mfa', { mfaToken: u.token, code: u.recoveryCodes[0]! });
    expect(access.statusCode).toBe(401);
    expect(access.json()).toMatchObject({ code: 'TOKEN_INVALID' });

    const made = await post('/v1/auth/mfa', { mfaToken: 'made.up.token', code: u.recoveryCodes[0]! });
    expect(made.statusCode).toBe(401);
    expect(made.json()).toMatchObject({ code: 'TOKEN_INVALID' });

    // None of those used up the recovery code.
    expect((await post('/v1/auth/mfa', { mfaToken: await passwordStep(u), code: u.recoveryCodes[0]! })).statusCode).toBe(200);
  });

  it('counts wrong codes as failed sign-ins: the password step is then throttled too', async () => {
    const u = await staffWithMfa();
    const address = freshAddress();
    const mfaToken = await passwordStep(u, address);
    const wrong = otherThan(await codeAt(u.secret, 1));
    for (let i = 0; i < 5; i++) {
      expect((await post('/v1/auth/mfa', { mfaToken, code: wrong }, {}, address)).statusCode).toBe(401);
    }
    const sixth = await post('/v1/auth/mfa', { mfaToken, code: await codeAt(u.secret, 1) }, {}, address);
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json()).toMatchObject({ code: 'RATE_LIMITED' });
    const login = await post('/v1/auth/login', { email: u.email, password: u.password }, {}, address);
    expect(login.statusCode).toBe(429);
  });

  it('counts codes sent all at once across many sign-ins: no more than the limit are tried', async () => {
    const u = await staffWithMfa();
    const address = freshAddress();
    // Several password steps first (each a challenge of its own, 5 codes apiece), then every code at once.
    const tokens: string[] = [];
    for (let i = 0; i < 6; i++) tokens.push(await passwordStep(u, address));
    const wrong = otherThan(await codeAt(u.secret, 1));
    const burst = await Promise.all(tokens.flatMap((mfaToken) => Array.from({ length: 5 }, () => post('/v1/auth/mfa', { mfaToken, code: wrong }, {}, address))));
    const tried = burst.filter((r) => r.statusCode !== 429).length;
    expect(tried).toBeLessThanOrEqual(t.config.LOGIN_MAX_FAILURES_PER_MINUTE);
    expect(burst.every((r) => r.statusCode === 401 || r.statusCode === 429)).toBe(true);
  });

  it('a sign-in ends after 5 wrong codes, wherever they come from', async () => {
    const u = await staffWithMfa();
    const mfaToken = await passwordStep(u);
    const wrong = otherThan(await codeAt(u.secret, 1));
    for (let i = 0; i < 5; i++) {
      expect((await post('/v1/auth/mfa', { mfaToken, code: wrong }, {}, freshAddress())).statusCode).toBe(401);
    }
    const right = await post('/v1/auth/mfa', { mfaToken, code: await codeAt(u.secret, 1) }, {}, freshAddress());
    expect(right.statusCode).toBe(401);
    expect(right.json()).toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('a disabled account cannot finish signing in', async () => {
    const u = await staffWithMfa();
    const mfaToken = await passwordStep(u);
    await t.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, u.id));
    const res = await post('/v1/auth/mfa', { mfaToken, code: u.recoveryCodes[0]! });
    expect(res.statusCode).toBe(401);
  });
});

describe('turning two-step verification off', () => {
  it('needs a right code; afterwards login signs in directly', async () => {
    const u = await staffWithMfa();
    const session = await post('/v1/auth/mfa', { mfaToken: await passwordStep(u), code: u.recoveryCodes[0]! });
    const auth = bearer(session.json().accessToken);

    const wrong = await post('/v1/auth/mfa/disable', { code: otherThan(await codeAt(u.secret, 1)) }, auth, freshAddress());
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'MFA_CODE_INVALID' });
    const usedRecovery = await post('/v1/auth/mfa/disable', { code: u.recoveryCodes[0]! }, auth, freshAddress());
    expect(usedRecovery.statusCode).toBe(400);

    const off = await post('/v1/auth/mfa/disable', { code: await codeAt(u.secret, 1) }, auth);
    expect(off.statusCode).toBe(204);
    const again = await post('/v1/auth/mfa/disable', { code: await codeAt(u.secret, 1) }, auth);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'MFA_NOT_ENABLED' });

    const login = await post('/v1/auth/login', { email: u.email, password: u.password });
    expect(login.statusCode).toBe(200);
    expect(login.json().accessToken).toBeTruthy();
    // The old recovery codes are gone with it.
    const [row] = await t.database.db.select().from(users).where(eq(users.id, u.id));
    expect(row?.mfaSecret).toBeNull();
  });

  it('an admin resets another person’s MFA, which also ends that person’s sessions; others may not', async () => {
    const u = await staffWithMfa();
    const session = await post('/v1/auth/mfa', { mfaToken: await passwordStep(u), code: u.recoveryCodes[0]! });
    const userAuth = bearer(session.json().accessToken);
    const admin = await t.signIn(TEST_ADMIN.email, TEST_ADMIN.password);

    const coordinator = await t.staff(['coordinator']);
    const notAllowed = await post(`/v1/users/${u.id}/mfa/reset`, undefined, coordinator.auth);
    expect(notAllowed.statusCode).toBe(403);
    expect(notAllowed.json()).toMatchObject({ code: 'FORBIDDEN' });

    const missing = await post(`/v1/users/${crypto.randomUUID()}/mfa/reset`, undefined, bearer(admin));
    expect(missing.statusCode).toBe(404);

    const reset = await post(`/v1/users/${u.id}/mfa/reset`, undefined, bearer(admin));
    expect(reset.statusCode).toBe(204);
    const old = await t.app.inject({ method: 'GET', url: '/v1/me', headers: userAuth });
    expect(old.statusCode).toBe(401);

    const login = await post('/v1/auth/login', { email: u.email, password: u.password });
    expect(login.statusCode).toBe(200);
    expect(login.json().accessToken).toBeTruthy();
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(login.json().accessToken) });
    expect(me.json().mfaEnabled).toBe(false);
  });
});
