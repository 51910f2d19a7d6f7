// The two savings on every request, and what they must not cost: the signed-in user's row is reused
// between requests (but a change made through this process applies at once, and one made elsewhere
// within AUTH_USER_CACHE_MS), and audit records of concurrent requests are written together (but every
// request still gets its own record, stored before its answer leaves).
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { auditEvents, users } from '../db/schema/index';
import { auditWriter } from '../modules/audit/audit.service';
import { buildTestApp, type TestApp } from './build-test-app';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['staff']>>;
const extraApps: FastifyInstance[] = [];

beforeAll(async () => {
  // The reuse is off by default (AUTH_USER_CACHE_MS=0): this file tests it switched on.
  t = await buildTestApp({ AUTH_USER_CACHE_MS: 1000 });
  admin = await t.staff(['admin']);
});

afterAll(async () => {
  for (const app of extraApps) await app.close();
  await t?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the signed-in user between requests', () => {
  it('is read once, not on every request', async () => {
    const list = () => t.app.inject({ method: 'GET', url: '/v1/cohorts', headers: admin.auth });
    // Any write request empties what is kept (a refused one too).
    expect((await t.app.inject({ method: 'POST', url: '/v1/cohorts', headers: admin.auth, payload: {} })).statusCode).toBe(400);
    const cold = await t.countQueries(list);
    const warm = await t.countQueries(list);
    expect(cold.result.statusCode).toBe(200);
    expect(warm.result.statusCode).toBe(200);
    expect(warm.queries).toBe(cold.queries - 1);
  });

  it('stops working at once when disabled through the API, even right after a read', async () => {
    const coordinator = await t.staff(['coordinator']);
    expect((await t.app.inject({ method: 'GET', url: '/v1/cohorts', headers: coordinator.auth })).statusCode).toBe(200);
    const disabled = await t.app.inject({ method: 'PATCH', url: `/v1/users/${coordinator.id}`, headers: admin.auth, payload: { disabled: true } });
    expect(disabled.statusCode).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: '/v1/cohorts', headers: coordinator.auth });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('sees a change made elsewhere (another instance) within AUTH_USER_CACHE_MS, and at once with 0', async () => {
    for (const cacheMs of [300, 0]) {
      const app = await buildApp({
        config: { ...t.config, AUTH_USER_CACHE_MS: cacheMs },
        database: t.database,
        secrets: { jwtSecret: randomBytes(32).toString('hex') },
      });
      await app.ready();
      extraApps.push(app);
      const u = await t.staff(['coordinator']);
      const auth = { authorization: `Bearer ${app.jwt.sign({ sub: u.id, roles: ['coordinator'], gen: 0 })}` };
      expect((await app.inject({ method: 'GET', url: '/v1/cohorts', headers: auth })).statusCode).toBe(200);
      // Another instance disables the account: this process hears nothing of it.
      await t.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, u.id));
      if (cacheMs > 0) await sleep(cacheMs + 50);
      const res = await app.inject({ method: 'GET', url: '/v1/cohorts', headers: auth });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe('the audit trail under concurrency', () => {
  it('records every concurrent read of a participant once, with its own request id', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/participants',
      headers: admin.auth,
      payload: { firstName: 'Ada', lastName: 'Audit', email: `ada-${randomBytes(4).toString('hex')}@example.org`, relationship: 'partner' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const reads = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        t.app.inject({ method: 'GET', url: `/v1/participants/${id}`, headers: { ...admin.auth, 'x-request-id': `concurrent-read-${i}` } }),
      ),
    );
    expect(reads.every((r) => r.statusCode === 200)).toBe(true);
    const rows = await t.database.db.select().from(auditEvents).where(eq(auditEvents.entityId, id));
    const readIds = rows.filter((r) => r.action === 'getParticipant').map((r) => r.requestId).sort();
    expect(readIds).toEqual(Array.from({ length: 25 }, (_, i) => `concurrent-read-${i}`).sort());
  });

  it('fails only the event that cannot be stored when events are written together', async () => {
    const writer = auditWriter(t.database.db);
    const marker = `batch-${randomBytes(4).toString('hex')}`;
    const good = (i: number) => writer.record({ actorKind: 'system', action: marker, entityType: 'test', entityId: String(i), outcome: 'success' });
    const results = await Promise.allSettled([
      good(1),
      good(2),
      // Not a UUID: the database refuses this row.
      writer.record({ actorKind: 'staff', actorId: 'not-a-uuid', action: marker, outcome: 'success' }),
      good(3),
      good(4),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const rows = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, marker));
    expect(rows.map((r) => r.entityId).sort()).toEqual(['1', '2', '3', '4']);
  });
});
