import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPasswordTokens } from '../../db/schema/index';
import { sha256Hex } from '../../lib/crypto';
import { buildTestApp, TEST_ADMIN, type TestApp } from '../../test/build-test-app';

let t: TestApp;
let admin: { authorization: string };
beforeAll(async () => {
  t = await buildTestApp();
  admin = { authorization: `Bearer ${await t.signIn(TEST_ADMIN.email, TEST_ADMIN.password)}` };
});
afterAll(async () => t.close());

type Headers = Record<string, string>;
const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Headers, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload && { payload }) });
const login = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
const setPassword = (token: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/v1/auth/set-password', payload: { token, password } });
const tokenOf = (setPasswordUrl: string) => new URL(setPasswordUrl).searchParams.get('token')!;
let n = 0;
const email = () => `new-person-${++n}-${crypto.randomUUID().slice(0, 6)}@harbour.test`;

describe('creating staff accounts', () => {
  it('creates an account with a one-time set-password link, and never answers hashes or secrets', async () => {
    const address = email();
    const res = await inject('POST', '/v1/users', admin, { email: address.toUpperCase(), name: 'Sam Carter', roles: ['coordinator'] });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(
      ['createdAt', 'disabled', 'email', 'emailed', 'expiresAt', 'id', 'mfaEnabled', 'name', 'roles', 'setPasswordUrl', 'updatedAt'].sort(),
    );
    // No mail server here: the link is only in this answer.
    expect(body.emailed).toBe(false);
    expect(body).toMatchObject({ email: address, name: 'Sam Carter', roles: ['coordinator'], mfaEnabled: false, disabled: false });
    expect(body.setPasswordUrl).toMatch(/^http:\/\/localhost:3000\/set-password\?token=[A-Za-z0-9_-]{40,}$/);
    const hours = (Date.parse(body.expiresAt) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);
    // Only the hash of the token is stored.
    const token = tokenOf(body.setPasswordUrl);
    const rows = await t.database.db.select().from(setPasswordTokens).where(eq(setPasswordTokens.userId, body.id));
    expect(rows.map((r) => r.tokenHash)).toEqual([sha256Hex(token)]);

    // No password yet: nobody can sign in as the new account.
    expect((await login(address, 'anything at all, really')).statusCode).toBe(401);

    const weak = await setPassword(token, 'password1234');
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'PASSWORD_TOO_WEAK' });
    const short = await setPassword(token, 'short');
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ code: 'PASSWORD_TOO_WEAK' });

    // A weak choice does not use the link up.
    const ok = await setPassword(token, 'seven quiet harbour lights');
    expect(ok.statusCode).toBe(204);
    expect((await login(address, 'seven quiet harbour lights')).statusCode).toBe(200);

    const reused = await setPassword(token, 'another quiet evening here');
    expect(reused.statusCode).toBe(400);
    expect(reused.json()).toMatchObject({ code: 'SET_PASSWORD_TOKEN_INVALID' });
    expect((await login(address, 'another quiet evening here')).statusCode).toBe(401);
  });

  it('refuses an expired or made-up link, and an older link once a new one is issued', async () => {
    const created = (await inject('POST', '/v1/users', admin, { email: email(), name: 'Ali Khan', roles: ['facilitator'] })).json();
    const first = tokenOf(created.setPasswordUrl);

    const link = await inject('POST', `/v1/users/${created.id}/set-password-link`, admin);
    expect(link.statusCode).toBe(201);
    const second = tokenOf(link.json().setPasswordUrl);
    const older = await setPassword(first, 'seven quiet harbour lights');
    expect(older.statusCode).toBe(400);
    expect(older.json()).toMatchObject({ code: 'SET_PASSWORD_TOKEN_INVALID' });

    await t.database.db
      .update(setPasswordTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(setPasswordTokens.tokenHash, sha256Hex(second)));
    const expired = await setPassword(second, 'seven quiet harbour lights');
    expect(expired.statusCode).toBe(400);
    expect(expired.json()).toMatchObject({ code: 'SET_PASSWORD_TOKEN_INVALID' });

    const madeUp = await setPassword('made-up-token', 'seven quiet harbour lights');
    expect(madeUp.statusCode).toBe(400);
    expect(madeUp.json()).toMatchObject({ code: 'SET_PASSWORD_TOKEN_INVALID' });
  });

  it('refuses a duplicate e-mail (in any case) with 409 DUPLICATE_EMAIL', async () => {
    const address = email();
    expect((await inject('POST', '/v1/users', admin, { email: address, name: 'One', roles: ['coordinator'] })).statusCode).toBe(201);
    const again = await inject('POST', '/v1/users', admin, { email: address.toUpperCase(), name: 'Two', roles: ['facilitator'] });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'DUPLICATE_EMAIL' });
  });

  it('refuses unknown roles, no roles, repeated roles and unknown fields', async () => {
    for (const payload of [
      { email: email(), name: 'X', roles: ['superuser'] },
      { email: email(), name: 'X', roles: [] },
      { email: email(), name: 'X', roles: ['admin', 'admin'] },
      { email: email(), name: 'X', roles: ['coordinator'], passwordHash: 'x' },
      { email: 'not-an-email', name: 'X', roles: ['coordinator'] },
    ]) {
      const res = await inject('POST', '/v1/users', admin, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });
});

describe('who may manage staff accounts', () => {
  it('only admins: coordinators, safeguarding leads and facilitators get 403, even for their own account', async () => {
    for (const role of ['coordinator', 'safeguarding_lead', 'facilitator'] as const) {
      const u = await t.staff([role]);
      for (const [method, url, payload] of [
        ['GET', '/v1/users', undefined],
        ['GET', `/v1/users/${u.id}`, undefined],
        ['POST', '/v1/users', { email: email(), name: 'X', roles: ['admin'] }],
        ['PATCH', `/v1/users/${u.id}`, { roles: ['admin'] }],
        ['POST', `/v1/users/${u.id}/sessions/revoke`, undefined],
        ['POST', `/v1/users/${u.id}/set-password-link`, undefined],
      ] as const) {
        const res = await inject(method, url, u.auth, payload);
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
        expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
      }
      const me = await inject('GET', '/v1/me', u.auth);
      expect(me.json().roles).toEqual([role]);
    }
  });

  it('needs a signed-in user', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/users' });
    expect(res.statusCode).toBe(401);
  });
});

describe('listing and reading staff accounts', () => {
  it('pages by name with a cursor and searches name and e-mail', async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    for (const name of ['Zed', 'Amy', 'Moe']) {
      await inject('POST', '/v1/users', admin, { email: `list-${tag}-${name.toLowerCase()}@harbour.test`, name: `${name} ${tag}`, roles: ['facilitator'] });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await inject('GET', `/v1/users?q=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, admin);
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i: { name: string }) => i.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([`Amy ${tag}`, `Moe ${tag}`, `Zed ${tag}`]);

    const byEmail = await inject('GET', `/v1/users?q=${encodeURIComponent(`LIST-${tag}-moe`)}`, admin);
    expect(byEmail.json().items.map((i: { name: string }) => i.name)).toEqual([`Moe ${tag}`]);
    const wildcard = await inject('GET', `/v1/users?q=${encodeURIComponent('%')}`, admin);
    expect(wildcard.json().items).toEqual([]);

    const bad = await inject('GET', '/v1/users?cursor=not-a-cursor', admin);
    expect(bad.statusCode).toBe(400);
    const tooMany = await inject('GET', '/v1/users?limit=101', admin);
    expect(tooMany.statusCode).toBe(400);
  });

  it('reads one account; an unknown id is 404', async () => {
    const u = await t.staff(['facilitator'], 'Pat Jones');
    const res = await inject('GET', `/v1/users/${u.id}`, admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: u.id, name: 'Pat Jones', roles: ['facilitator'], mfaEnabled: false, disabled: false });
    expect(res.json()).not.toHaveProperty('passwordHash');
    const missing = await inject('GET', `/v1/users/${crypto.randomUUID()}`, admin);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('changing staff accounts', () => {
  it('changes name and roles; a role taken away stops working at once', async () => {
    const u = await t.staff(['coordinator']);
    expect((await inject('GET', '/v1/users', u.auth)).statusCode).toBe(403);
    const up = await inject('PATCH', `/v1/users/${u.id}`, admin, { roles: ['admin'] });
    expect(up.statusCode).toBe(200);
    expect((await inject('GET', '/v1/users', u.auth)).statusCode).toBe(200);
    const res = await inject('PATCH', `/v1/users/${u.id}`, admin, { name: 'New Name', roles: ['facilitator'] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'New Name', roles: ['facilitator'] });
    expect((await inject('GET', '/v1/users', u.auth)).statusCode).toBe(403);

    const extra = await inject('PATCH', `/v1/users/${u.id}`, admin, { disabledAt: null });
    expect(extra.statusCode).toBe(400);
  });

  it('disabling ends the person’s sessions at once; enabling lets them sign in again', async () => {
    const u = await t.staff(['coordinator']);
    const session = await login(u.email, u.password);
    const cookie = session.cookies.find((c) => c.name === 'harbour_refresh')!.value;

    const off = await inject('PATCH', `/v1/users/${u.id}`, admin, { disabled: true });
    expect(off.statusCode).toBe(200);
    expect(off.json().disabled).toBe(true);

    const me = await inject('GET', '/v1/me', u.auth);
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({ code: 'TOKEN_INVALID' });
    const refresh = await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: cookie } });
    expect(refresh.statusCode).toBe(401);
    expect((await login(u.email, u.password)).statusCode).toBe(401);

    const on = await inject('PATCH', `/v1/users/${u.id}`, admin, { disabled: false });
    expect(on.json().disabled).toBe(false);
    expect((await login(u.email, u.password)).statusCode).toBe(200);
    // The old session stays ended.
    expect((await inject('GET', '/v1/me', u.auth)).statusCode).toBe(401);
  });

  it('an admin signs a person out everywhere', async () => {
    const u = await t.staff(['coordinator']);
    const other = await login(u.email, u.password);
    const cookie = other.cookies.find((c) => c.name === 'harbour_refresh')!.value;
    const res = await inject('POST', `/v1/users/${u.id}/sessions/revoke`, admin);
    expect(res.statusCode).toBe(204);
    expect((await inject('GET', '/v1/me', u.auth)).statusCode).toBe(401);
    expect((await inject('GET', '/v1/me', { authorization: `Bearer ${other.json().accessToken}` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/v1/auth/refresh', cookies: { harbour_refresh: cookie } })).statusCode).toBe(401);
    expect((await login(u.email, u.password)).statusCode).toBe(200);

    const missing = await inject('POST', `/v1/users/${crypto.randomUUID()}/sessions/revoke`, admin);
    expect(missing.statusCode).toBe(404);
  });

  it('the last active admin can neither demote nor disable themselves (409 LAST_ADMIN)', async () => {
    const second = await t.staff(['admin']);
    const me = (await inject('GET', '/v1/me', admin)).json();

    // With two admins, one may step down.
    const stepDown = await inject('PATCH', `/v1/users/${second.id}`, second.auth, { roles: ['coordinator'] });
    expect(stepDown.statusCode).toBe(200);

    // Make sure no other active admin is left from other tests.
    const all = (await inject('GET', '/v1/users?limit=100', admin)).json().items as { id: string; roles: string[]; disabled: boolean }[];
    for (const other of all.filter((u) => u.id !== me.id && u.roles.includes('admin') && !u.disabled)) {
      expect((await inject('PATCH', `/v1/users/${other.id}`, admin, { disabled: true })).statusCode).toBe(200);
    }

    for (const payload of [{ roles: ['coordinator'] }, { disabled: true }, { roles: ['coordinator', 'safeguarding_lead'], disabled: true }]) {
      const res = await inject('PATCH', `/v1/users/${me.id}`, admin, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(409);
      expect(res.json()).toMatchObject({ code: 'LAST_ADMIN' });
    }
    // Other changes to the last admin are fine.
    const rename = await inject('PATCH', `/v1/users/${me.id}`, admin, { name: 'Administrator', roles: ['admin', 'coordinator'] });
    expect(rename.statusCode).toBe(200);
    expect((await inject('GET', '/v1/users', admin)).statusCode).toBe(200);
  });
});

describe('the set-password link’s address', () => {
  it('is PUBLIC_URL’s, or this server’s own port when it is not set', async () => {
    const onPort = await buildTestApp({ PORT: 4123 });
    const withUrl = await buildTestApp({ PUBLIC_URL: 'https://harbour.charity.example/' });
    try {
      for (const [app, prefix] of [
        [onPort, 'http://localhost:4123/set-password?token='],
        [withUrl, 'https://harbour.charity.example/set-password?token='],
      ] as const) {
        const auth = { authorization: `Bearer ${await app.signIn(TEST_ADMIN.email, TEST_ADMIN.password)}` };
        const res = await app.app.inject({ method: 'POST', url: '/v1/users', headers: auth, payload: { email: 'link@example.org', name: 'Lee Link', roles: ['facilitator'] } });
        expect(res.statusCode).toBe(201);
        expect(res.json().setPasswordUrl.startsWith(prefix)).toBe(true);
      }
    } finally {
      await onPort.close();
      await withUrl.close();
    }
  });
});
