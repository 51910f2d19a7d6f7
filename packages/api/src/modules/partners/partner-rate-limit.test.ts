import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/build-test-app';

const LIMIT = 3;
let t: TestApp;
let admin: Awaited<ReturnType<TestApp['staff']>>;

beforeAll(async () => {
  t = await buildTestApp({ PARTNER_RATE_LIMIT_PER_MINUTE: LIMIT });
  admin = await t.staff(['admin']);
});
afterAll(async () => t.close());

async function keyOf(partnerId: string) {
  const res = await t.app.inject({ method: 'POST', url: `/v1/partners/${partnerId}/api-keys`, payload: { scopes: ['referrals:read'] }, headers: admin.auth });
  return res.json().key as string;
}

describe('per-key rate limit', () => {
  it('past PARTNER_RATE_LIMIT_PER_MINUTE a key gets 429 RATE_LIMITED with Retry-After, across routes; other keys and staff carry on', async () => {
    const p = await t.app.inject({ method: 'POST', url: '/v1/partners', payload: { name: 'Busy partner' }, headers: admin.auth });
    const busy = await keyOf(p.json().id);
    const calm = await keyOf(p.json().id);
    const call = (key: string, url = '/v1/referrals') => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

    for (let i = 0; i < LIMIT - 1; i++) expect((await call(busy)).statusCode).toBe(200);
    // The last allowed request goes to another route: the budget is the key's, not the route's.
    expect((await call(busy, '/v1/referrals?status=received')).statusCode).toBe(200);

    const limited = await call(busy);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(limited.json().code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const other = await call(busy, '/v1/referrals/00000000-0000-4000-8000-000000000000');
    expect(other.statusCode).toBe(429);

    expect((await call(calm)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/v1/referrals', headers: admin.auth })).statusCode).toBe(200);
  });
});
