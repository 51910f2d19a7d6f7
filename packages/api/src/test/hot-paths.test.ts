// The two savings on every request, and what they must not cost: the signed-in user's row is reused
// between requests (but a change made through this process applies at once, and one made elsewhere as
// soon as the database announces it; nothing is kept while announcements cannot be heard), and audit records of concurrent requests are written together (but every
// request still gets its own record, stored before its answer leaves).
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { auditEvents, users } from '../db/schema/index';
import { insertAuditEvents } from '../modules/audit/audit.repo';
import { auditWriter } from '../modules/audit/audit.service';
import { buildTestApp, usingPostgres, type TestApp } from './build-test-app';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['staff']>>;
const extraApps: FastifyInstance[] = [];

beforeAll(async () => {
  t = await buildTestApp({ AUTH_USER_CACHE_MS: 60_000 });
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
    // A write request to the account routes empties what is kept (a refused one too).
    expect((await t.app.inject({ method: 'POST', url: '/v1/users', headers: admin.auth, payload: {} })).statusCode).toBe(400);
    const cold = await t.countQueries(list);
    const warm = await t.countQueries(list);
    expect(cold.result.statusCode).toBe(200);
    expect(warm.result.statusCode).toBe(200);
    expect(warm.queries).toBe(cold.queries - 1);
  });

  it('keeps only the account state it checks: never the password hash or the MFA secrets', async () => {
    // A write request to the account routes empties what is kept: the next request reads the user.
    expect((await t.app.inject({ method: 'POST', url: '/v1/users', headers: admin.auth, payload: {} })).statusCode).toBe(400);
    const { result, statements } = await t.recordQueries(() => t.app.inject({ method: 'GET', url: '/v1/cohorts', headers: admin.auth }));
    expect(result.statusCode).toBe(200);
    const userRead = statements.filter((s) => /from "users"/.test(s) && /"users"\."id" = \$1/.test(s));
    expect(userRead).toHaveLength(1);
    expect(userRead[0]).toMatch(/"session_generation"/);
    expect(userRead[0]).not.toMatch(/password_hash|mfa_secret|mfa_pending_secret/);
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

  /** Another instance on the same database, with its own token for a new coordinator. */
  async function otherInstance(cacheMs: number) {
    const app = await buildApp({
      config: { ...t.config, AUTH_USER_CACHE_MS: cacheMs },
      database: t.database,
      secrets: { jwtSecret: randomBytes(32).toString('hex') },
    });
    await app.ready();
    extraApps.push(app);
    const u = await t.staff(['coordinator']);
    const auth = { authorization: `Bearer ${app.jwt.sign({ sub: u.id, roles: ['coordinator'], gen: 0 })}` };
    const list = () => app.inject({ method: 'GET', url: '/v1/cohorts', headers: auth });
    return { app, user: u, list };
  }

  /** The first answer of `fn` that is not 200, polling for up to 5 s. */
  async function firstRefusal(fn: () => Promise<{ statusCode: number }>): Promise<number> {
    const until = Date.now() + 5000;
    for (;;) {
      const { statusCode } = await fn();
      if (statusCode !== 200 || Date.now() > until) return statusCode;
      await sleep(20);
    }
  }

  it('forgets a user as soon as a change made elsewhere (another instance, a tool) is announced', async () => {
    for (const cacheMs of [60_000, 0]) {
      const other = await otherInstance(cacheMs);
      expect((await other.list()).statusCode).toBe(200);
      // Not through this process: only the database's announcement can tell it.
      const changedAt = Date.now();
      await t.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, other.user.id));
      expect(await firstRefusal(other.list)).toBe(401);
      // Long before the entry's own life (60 s) would have ended it.
      expect(Date.now() - changedAt).toBeLessThan(5000);
    }
  });

  it.skipIf(!usingPostgres)('keeps nothing while the announcements cannot be heard, and starts again when they can', async () => {
    const other = await otherInstance(60_000);
    await other.list();
    const warm = await t.countQueries(other.list);
    // Drop the listening connection, as a network fault or a database restart would.
    await t.database.db.execute(
      sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN harbour_user_changed'`,
    );
    await sleep(100);
    const cold1 = await t.countQueries(other.list);
    const cold2 = await t.countQueries(other.list);
    expect(cold1.queries).toBe(warm.queries + 1);
    expect(cold2.queries).toBe(warm.queries + 1);
    // It listens again (after a short back-off) and keeps entries again.
    const until = Date.now() + 10_000;
    let again = cold2;
    while (again.queries !== warm.queries && Date.now() < until) {
      await sleep(100);
      again = await t.countQueries(other.list);
    }
    expect(again.queries).toBe(warm.queries);
    // And it hears changes on the new connection.
    await t.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, other.user.id));
    expect(await firstRefusal(other.list)).toBe(401);
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

  it(`does not hold every record behind one slow INSERT on PostgreSQL (PGlite: one writer)`, async () => {
    // The INSERT holding the 'slow' event waits here, as one does that merges a GIN pending list.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const insert: typeof insertAuditEvents = async (db, rows) => {
      if (rows.some((r) => r.entityId === 'slow')) await held;
      await insertAuditEvents(db, rows);
    };
    const writer = auditWriter(t.database.db, { insert, stallMs: 20 });
    const marker = `stall-${randomBytes(4).toString('hex')}`;
    const event = (entityId: string) => writer.record({ actorKind: 'system', action: marker, entityType: 'test', entityId, outcome: 'success' });
    const stored = async () =>
      (await t.database.db.select({ entityId: auditEvents.entityId }).from(auditEvents).where(eq(auditEvents.action, marker))).map((r) => r.entityId).sort();

    const slow = event('slow');
    let slowStored = false;
    void slow.then(() => (slowStored = true));
    await sleep(50);
    const fast = event('fast');
    const answer = await Promise.race([fast.then(() => 'stored'), sleep(usingPostgres ? 5_000 : 500).then(() => 'still waiting')]);
    if (usingPostgres) {
      // A record made while the slow INSERT is stuck is stored and answered without waiting for it.
      expect(answer).toBe('stored');
      expect(slowStored).toBe(false);
      expect(await stored()).toEqual(['fast']);
    } else {
      // PGlite's one session runs one statement at a time: one writer, and the record waits its turn.
      expect(answer).toBe('still waiting');
    }

    release();
    await Promise.all([slow, fast]);
    expect(await stored()).toEqual(['fast', 'slow']);
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
