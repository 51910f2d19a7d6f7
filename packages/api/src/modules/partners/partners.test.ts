import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartnerScope } from '@harbour/shared';
import { partnerApiKeys } from '../../db/schema/index';
import { buildTestApp, type TestApp } from '../../test/build-test-app';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['staff']>>;
let coordinator: Awaited<ReturnType<TestApp['staff']>>;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await t.staff(['admin'], 'Ada Admin');
  coordinator = await t.staff(['coordinator']);
});
afterAll(async () => t.close());

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function newPartner(name = `Probation ${randomUUID().slice(0, 8)}`) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/partners', payload: { name, contactEmail: 'Team@Probation.example' }, headers: admin.auth });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; name: string };
}

async function newKey(partnerId: string, scopes: PartnerScope[] = ['referrals:write', 'referrals:read']) {
  const res = await t.app.inject({ method: 'POST', url: `/v1/partners/${partnerId}/api-keys`, payload: { scopes, label: 'case system' }, headers: admin.auth });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; key: string; prefix: string; scopes: PartnerScope[] };
}

const listReferrals = (key: string) => t.app.inject({ method: 'GET', url: '/v1/referrals', headers: bearer(key) });

describe('partners (admin)', () => {
  it('creates, lists and reads partner organisations', async () => {
    const p = await newPartner('Midshire Probation Service');
    expect(p).toMatchObject({ name: 'Midshire Probation Service', contactEmail: 'team@probation.example', activeKeyCount: 0 });
    const one = await t.app.inject({ method: 'GET', url: `/v1/partners/${p.id}`, headers: admin.auth });
    expect(one.statusCode).toBe(200);
    expect(one.json().name).toBe('Midshire Probation Service');
    const list = await t.app.inject({ method: 'GET', url: '/v1/partners', headers: admin.auth });
    expect(list.json().items.map((x: { id: string }) => x.id)).toContain(p.id);
    const unknown = await t.app.inject({ method: 'GET', url: `/v1/partners/${randomUUID()}`, headers: admin.auth });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses a second partner of the same name (any case) with 409 DUPLICATE', async () => {
    await newPartner('Helpline North');
    const res = await t.app.inject({ method: 'POST', url: '/v1/partners', payload: { name: 'HELPLINE north' }, headers: admin.auth });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('DUPLICATE');
  });

  it('is for admins only: a coordinator gets 403 FORBIDDEN', async () => {
    for (const [method, url] of [
      ['GET', '/v1/partners'],
      ['POST', '/v1/partners'],
    ] as const) {
      const res = await t.app.inject({ method, url, payload: method === 'POST' ? { name: 'X' } : undefined, headers: coordinator.auth });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
  });
});

describe('partner API keys', () => {
  it('shows the key once; stores only its hash; lists prefix, scopes and last use but never the key', async () => {
    const p = await newPartner();
    const created = await newKey(p.id, ['referrals:read']);
    expect(created.key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/); // 256 random bits
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.scopes).toEqual(['referrals:read']);

    // The raw table holds no copy of the key, only its SHA-256.
    const raw: unknown = await t.database.db.execute(sql`SELECT * FROM partner_api_keys WHERE id = ${created.id}`);
    const rowText = JSON.stringify(raw);
    expect(rowText).toContain(created.prefix);
    expect(rowText).not.toContain(created.key);
    expect(rowText).not.toContain(created.key.slice(created.prefix.length));
    const [row] = await t.database.db.select().from(partnerApiKeys).where(eq(partnerApiKeys.id, created.id));
    expect(row?.keyHash).toMatch(/^[0-9a-f]{64}$/);

    const listed = await t.app.inject({ method: 'GET', url: `/v1/partners/${p.id}/api-keys`, headers: admin.auth });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(created.key);
    expect(listed.json().items).toEqual([
      expect.objectContaining({ id: created.id, prefix: created.prefix, scopes: ['referrals:read'], label: 'case system', lastUsedAt: null, revokedAt: null }),
    ]);
    expect(listed.json().items[0]).not.toHaveProperty('key');

    // Using it records the last use (at most once a minute).
    expect((await listReferrals(created.key)).statusCode).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: `/v1/partners/${p.id}/api-keys`, headers: admin.auth });
    const lastUsedAt = after.json().items[0].lastUsedAt as string;
    expect(lastUsedAt).not.toBeNull();
    expect((await listReferrals(created.key)).statusCode).toBe(200);
    const again = await t.app.inject({ method: 'GET', url: `/v1/partners/${p.id}/api-keys`, headers: admin.auth });
    expect(again.json().items[0].lastUsedAt).toBe(lastUsedAt);

    const partner = await t.app.inject({ method: 'GET', url: `/v1/partners/${p.id}`, headers: admin.auth });
    expect(partner.json().activeKeyCount).toBe(1);
  });

  it('refuses a key with no, unknown or repeated scopes (400)', async () => {
    const p = await newPartner();
    for (const scopes of [[], ['cohorts:write'], ['referrals:read', 'referrals:read']]) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/partners/${p.id}/api-keys`, payload: { scopes }, headers: admin.auth });
      expect(res.statusCode, JSON.stringify(scopes)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const unknown = await t.app.inject({ method: 'POST', url: `/v1/partners/${randomUUID()}/api-keys`, payload: { scopes: ['referrals:read'] }, headers: admin.auth });
    expect(unknown.statusCode).toBe(404);
  });

  it('a revoked key is refused (401) on the very next request; revoking again is harmless', async () => {
    const p = await newPartner();
    const k = await newKey(p.id);
    expect((await listReferrals(k.key)).statusCode).toBe(200);

    const del = await t.app.inject({ method: 'DELETE', url: `/v1/partners/${p.id}/api-keys/${k.id}`, headers: admin.auth });
    expect(del.statusCode).toBe(204);
    const res = await listReferrals(k.key);
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().code).toBe('TOKEN_INVALID');

    const again = await t.app.inject({ method: 'DELETE', url: `/v1/partners/${p.id}/api-keys/${k.id}`, headers: admin.auth });
    expect(again.statusCode).toBe(204);
    const listed = await t.app.inject({ method: 'GET', url: `/v1/partners/${p.id}/api-keys`, headers: admin.auth });
    expect(listed.json().items[0].revokedAt).not.toBeNull();
  });

  it('revoking through another partner’s path is 404 and leaves the key working', async () => {
    const a = await newPartner();
    const b = await newPartner();
    const k = await newKey(a.id);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/partners/${b.id}/api-keys/${k.id}`, headers: admin.auth });
    expect(del.statusCode).toBe(404);
    expect((await listReferrals(k.key)).statusCode).toBe(200);
  });

  it('an unknown or tampered key is 401', async () => {
    const p = await newPartner();
    const k = await newKey(p.id);
    const tampered = k.key.slice(0, -1) + (k.key.endsWith('A') ? 'B' : 'A');
    for (const key of [tampered, 'pk_nonsense', `pk_${'x'.repeat(43)}`]) {
      const res = await listReferrals(key);
      expect(res.statusCode, key).toBe(401);
      expect(res.json().code).toBe('TOKEN_INVALID');
    }
  });

  it('a key without the scope a route needs is 403 FORBIDDEN', async () => {
    const p = await newPartner();
    const readOnly = await newKey(p.id, ['referrals:read']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: bearer(readOnly.key),
      payload: {
        person: { firstName: 'Sam', lastName: 'Smith', email: 'sam@example.org' },
        relationship: 'partner',
        consentToShare: true,
        referrer: { name: 'Rita Referrer', email: 'rita@probation.example' },
      },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');

    const writeOnly = await newKey(p.id, ['referrals:write']);
    const list = await listReferrals(writeOnly.key);
    expect(list.statusCode).toBe(403);
    expect(list.json().code).toBe('FORBIDDEN');
  });

  it('a partner key cannot call staff routes (403), and staff cannot call partner-only routes (403)', async () => {
    const p = await newPartner();
    const k = await newKey(p.id, ['referrals:read', 'referrals:write', 'webhooks:manage']);
    for (const url of ['/v1/partners', '/v1/courses', '/v1/me']) {
      const res = await t.app.inject({ method: 'GET', url, headers: bearer(k.key) });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    const staffPost = await t.app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: admin.auth,
      payload: {
        person: { firstName: 'Sam', lastName: 'Smith', email: 'sam@example.org' },
        relationship: 'partner',
        consentToShare: true,
        referrer: { name: 'Rita Referrer', email: 'rita@probation.example' },
      },
    });
    expect(staffPost.statusCode).toBe(403);
    expect(staffPost.json().code).toBe('FORBIDDEN');
  });
});
