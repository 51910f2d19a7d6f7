import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_LOGIN_FAILED, AUDIT_LOGIN_SUCCEEDED, type AuditEvent } from '@harbour/shared';
import { auditEvents, cohorts, enrolments, participants, referrals } from '../../db/schema/index';
import { TEST_ADMIN, buildTestApp, type TestApp } from '../../test/build-test-app';
import { createEligibleParticipant, createOpenCohort } from '../../test/factories';
import { recordAuditEvent } from './audit.service';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['staff']>>;
let coordinator: Awaited<ReturnType<TestApp['staff']>>;
let facilitator: Awaited<ReturnType<TestApp['staff']>>;
/** Every e-mail, name and password these tests send: none may ever be on the trail. */
const secrets: string[] = [TEST_ADMIN.email, TEST_ADMIN.password];

beforeAll(async () => {
  t = await buildTestApp();
  admin = await t.staff(['admin'], 'Ada Administrator');
  coordinator = await t.staff(['coordinator'], 'Cora Coordinator');
  facilitator = await t.staff(['facilitator'], 'Fran Facilitator');
  for (const u of [admin, coordinator, facilitator]) secrets.push(u.email, u.password);
  secrets.push('Ada Administrator', 'Cora Coordinator', 'Fran Facilitator');
});
afterAll(async () => t.close());

const requestId = () => `test-${randomUUID()}`;
const rowsOf = (id: string) => t.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, id)).orderBy(asc(auditEvents.at));

async function createParticipant() {
  const tag = randomUUID().slice(0, 8);
  const person = { firstName: `Quinn${tag}`, lastName: `Person${tag}`, email: `quinn-${tag}@example.org`, phone: '07700 900456', relationship: 'partner' };
  secrets.push(person.firstName, person.lastName, person.email, person.phone);
  const rid = requestId();
  const res = await t.app.inject({ method: 'POST', url: '/v1/participants', payload: person, headers: { ...coordinator.auth, 'x-request-id': rid } });
  expect(res.statusCode).toBe(201);
  return { id: res.json().id as string, rid };
}

/** The database's own message for a refused statement (drizzle wraps it as the cause). */
async function refusal(statement: Promise<unknown>): Promise<string> {
  try {
    await statement;
  } catch (err) {
    return String((err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message);
  }
  return 'no error';
}

describe('audit_events is append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE, and the row stays as written', async () => {
    const rid = requestId();
    await recordAuditEvent(t.database.db, { actorKind: 'system', action: 'test.append_only', outcome: 'success', requestId: rid });
    const db = t.database.db;
    expect(await refusal(db.execute(sql`UPDATE audit_events SET action = 'tampered' WHERE request_id = ${rid}`))).toMatch(/append-only: UPDATE refused/);
    expect(await refusal(db.execute(sql`DELETE FROM audit_events WHERE request_id = ${rid}`))).toMatch(/append-only: DELETE refused/);
    expect(await refusal(db.execute(sql`TRUNCATE audit_events`))).toMatch(/append-only: TRUNCATE refused/);
    const rows = await rowsOf(rid);
    expect(rows.map((r) => r.action)).toEqual(['test.append_only']);
  });
});

describe('sign-ins', () => {
  it('records a successful sign-in once, as the staff member, with address and request id', async () => {
    const rid = requestId();
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: admin.email, password: admin.password }, headers: { 'x-request-id': rid } });
    expect(res.statusCode).toBe(200);
    const rows = await rowsOf(rid);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: AUDIT_LOGIN_SUCCEEDED,
      actorKind: 'staff',
      actorId: admin.id,
      actorRoles: ['admin'],
      entityType: 'user',
      entityId: admin.id,
      outcome: 'success',
      statusCode: 200,
      ip: '127.0.0.1',
      requestId: rid,
    });
    expect(Math.abs(rows[0]!.at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('records a failed sign-in once, as anonymous, keeping only a hash of the e-mail typed', async () => {
    const typed = `  Nobody.${randomUUID().slice(0, 6)}@Example.ORG `;
    secrets.push(typed.trim(), typed.trim().toLowerCase());
    const rid = requestId();
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: typed, password: 'wrong password' }, headers: { 'x-request-id': rid } });
    expect(res.statusCode).toBe(401);
    const rows = await rowsOf(rid);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: AUDIT_LOGIN_FAILED,
      actorKind: 'anonymous',
      actorId: null,
      actorRoles: [],
      entityType: 'email_sha256',
      entityId: createHash('sha256').update(typed.trim().toLowerCase()).digest('hex'),
      outcome: 'denied',
      statusCode: 401,
    });
  });

  it('records a wrong password for a real account as a failure too, never as that account', async () => {
    const rid = requestId();
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: coordinator.email, password: 'not the password' }, headers: { 'x-request-id': rid } });
    expect(res.statusCode).toBe(401);
    const rows = await rowsOf(rid);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: AUDIT_LOGIN_FAILED, actorKind: 'anonymous', actorId: null, outcome: 'denied' });
  });

  it('records a failed MFA step as a failed sign-in', async () => {
    const rid = requestId();
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/mfa', payload: { mfaToken: 'not.a.token', code: '123456' }, headers: { 'x-request-id': rid } });
    expect(res.statusCode).toBe(401);
    const rows = await rowsOf(rid);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: AUDIT_LOGIN_FAILED, actorKind: 'anonymous', entityId: null, outcome: 'denied', statusCode: 401 });
  });
});

describe('writes and reads', () => {
  it('records a create as a write on the created entity', async () => {
    const { id, rid } = await createParticipant();
    const rows = await rowsOf(rid);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'createParticipant',
      actorKind: 'staff',
      actorId: coordinator.id,
      actorRoles: ['coordinator'],
      entityType: 'participant',
      entityId: id,
      outcome: 'success',
      statusCode: 201,
    });
  });

  it('records every read of a participant and of their declarations, and each person a search or the review queue shows', async () => {
    const { id } = await createParticipant();
    const read = requestId();
    expect((await t.app.inject({ method: 'GET', url: `/v1/participants/${id}`, headers: { ...coordinator.auth, 'x-request-id': read } })).statusCode).toBe(200);
    expect(await rowsOf(read)).toMatchObject([{ action: 'getParticipant', actorId: coordinator.id, entityType: 'participant', entityId: id, outcome: 'success', statusCode: 200 }]);

    const history = requestId();
    expect((await t.app.inject({ method: 'GET', url: `/v1/participants/${id}/declarations`, headers: { ...coordinator.auth, 'x-request-id': history } })).statusCode).toBe(200);
    expect(await rowsOf(history)).toMatchObject([{ action: 'listParticipantDeclarations', actorId: coordinator.id, entityType: 'participant', entityId: id, outcome: 'success' }]);

    const search = requestId();
    const found = await t.app.inject({ method: 'GET', url: '/v1/participants?q=Quinn&limit=100', headers: { ...coordinator.auth, 'x-request-id': search } });
    expect(found.statusCode).toBe(200);
    const shown = found.json().items.map((p: { id: string }) => p.id) as string[];
    expect(shown).toContain(id);
    const [searchRow] = await rowsOf(search);
    expect(searchRow).toMatchObject({ action: 'listParticipants', actorId: coordinator.id, outcome: 'success' });
    expect([...(searchRow!.subjectIds ?? [])].sort()).toEqual([...shown].sort());

    // The review queue lists names beside outcomes: each person in it is a read of them.
    const queue = requestId();
    const listed = await t.app.inject({ method: 'GET', url: '/v1/declarations?outcome=eligible&limit=100', headers: { ...coordinator.auth, 'x-request-id': queue } });
    expect(listed.statusCode).toBe(200);
    const people = listed.json().items.map((d: { participant: { id: string } }) => d.participant.id) as string[];
    const [queueRow] = await rowsOf(queue);
    expect([...(queueRow!.subjectIds ?? [])].sort()).toEqual([...new Set(people)].sort());
  });

  it('records refused and failed attempts with their outcome', async () => {
    const { id } = await createParticipant();
    const refused = requestId();
    expect((await t.app.inject({ method: 'GET', url: `/v1/participants/${id}`, headers: { ...facilitator.auth, 'x-request-id': refused } })).statusCode).toBe(403);
    expect(await rowsOf(refused)).toMatchObject([{ action: 'getParticipant', actorId: facilitator.id, actorRoles: ['facilitator'], entityId: id, outcome: 'denied', statusCode: 403 }]);

    const nobody = requestId();
    expect((await t.app.inject({ method: 'PATCH', url: `/v1/participants/${id}`, payload: { phone: '0' }, headers: { 'x-request-id': nobody } })).statusCode).toBe(401);
    expect(await rowsOf(nobody)).toMatchObject([{ action: 'updateParticipant', actorKind: 'anonymous', actorId: null, entityId: id, outcome: 'denied' }]);

    const missing = requestId();
    const unknown = randomUUID();
    expect((await t.app.inject({ method: 'GET', url: `/v1/participants/${unknown}`, headers: { ...coordinator.auth, 'x-request-id': missing } })).statusCode).toBe(404);
    expect(await rowsOf(missing)).toMatchObject([{ action: 'getParticipant', entityId: unknown, outcome: 'failed', statusCode: 404 }]);
  });

  it('never keeps what a caller typed in place of an id', async () => {
    const typed = `someone-${randomUUID().slice(0, 6)}@example.org`;
    secrets.push(typed);
    const rid = requestId();
    const res = await t.app.inject({ method: 'PATCH', url: `/v1/participants/${encodeURIComponent(typed)}`, payload: {}, headers: { ...coordinator.auth, 'x-request-id': rid } });
    expect(res.statusCode).toBe(400);
    expect(await rowsOf(rid)).toMatchObject([{ action: 'updateParticipant', entityType: 'participant', entityId: null, outcome: 'failed' }]);
  });

  it('does not show a person’s record when its reading cannot be written to the trail (503), and does again once it can', async () => {
    const { id } = await createParticipant();
    await t.database.db.execute(sql`ALTER TABLE audit_events RENAME TO audit_events_away`);
    try {
      const res = await t.app.inject({ method: 'GET', url: `/v1/participants/${id}`, headers: coordinator.auth });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.headers['retry-after']).toBe('10');
      expect(res.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(res.body).not.toContain('Quinn');
      // A download answers the problem itself, not a file holding it.
      const { cohort } = await createOpenCohort(t);
      const csv = await t.app.inject({ method: 'GET', url: `/v1/cohorts/${cohort.id}/roster.csv`, headers: coordinator.auth });
      expect(csv.statusCode).toBe(503);
      expect(csv.headers['content-disposition']).toBeUndefined();
      expect(csv.headers['content-type']).toMatch(/application\/problem\+json/);
    } finally {
      await t.database.db.execute(sql`ALTER TABLE audit_events_away RENAME TO audit_events`);
    }
    const rid = requestId();
    expect((await t.app.inject({ method: 'GET', url: `/v1/participants/${id}`, headers: { ...coordinator.auth, 'x-request-id': rid } })).statusCode).toBe(200);
    expect(await rowsOf(rid)).toHaveLength(1);
  });
});

describe('partner calls', () => {
  it('records a partner API call as the partner, never the key or the referral’s content', async () => {
    const tag = randomUUID().slice(0, 8);
    const partner = await t.app.inject({ method: 'POST', url: '/v1/partners', payload: { name: `Audit Partner ${tag}` }, headers: admin.auth });
    expect(partner.statusCode).toBe(201);
    const partnerId = partner.json().id as string;
    const issued = await t.app.inject({ method: 'POST', url: `/v1/partners/${partnerId}/api-keys`, payload: { scopes: ['referrals:write'] }, headers: admin.auth });
    expect(issued.statusCode).toBe(201);
    const key = issued.json().key as string;
    const person = { firstName: `Robin${tag}`, lastName: `Referred${tag}`, email: `robin-${tag}@example.org` };
    const referrer = { name: `Rita${tag} Referrer`, email: `rita-${tag}@probation.example` };
    secrets.push(key, person.firstName, person.lastName, person.email, referrer.name, referrer.email);

    const rid = requestId();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/referrals',
      payload: { person, relationship: 'partner', consentToShare: true, referrer },
      headers: { authorization: `Bearer ${key}`, 'x-request-id': rid },
    });
    expect(res.statusCode).toBe(201);
    expect(await rowsOf(rid)).toMatchObject([
      { action: 'createReferral', actorKind: 'partner', actorId: partnerId, actorRoles: [], entityType: 'referral', entityId: res.json().id, outcome: 'success' },
    ]);
  });

  it('commits a referral’s event with the referral: a replay is recorded as its own request; a write rolled back leaves only its failure', async () => {
    const partner = await t.app.inject({ method: 'POST', url: '/v1/partners', payload: { name: `Audit Tx ${randomUUID().slice(0, 8)}` }, headers: admin.auth });
    const issued = await t.app.inject({ method: 'POST', url: `/v1/partners/${partner.json().id}/api-keys`, payload: { scopes: ['referrals:write'] }, headers: admin.auth });
    const key = issued.json().key as string;
    secrets.push(key);
    const refer = (idempotencyKey: string, rid: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/referrals',
        payload: { person: { firstName: 'Sam', lastName: 'Tx', phone: '07700 900123' }, relationship: 'parent', consentToShare: true, referrer: { name: 'Rae', email: 'rae@probation.example' } },
        headers: { authorization: `Bearer ${key}`, 'idempotency-key': idempotencyKey, 'x-request-id': rid },
      });

    const [first, replay] = [requestId(), requestId()];
    const created = await refer(`audit-${first}`, first);
    expect(created.statusCode).toBe(201);
    const again = await refer(`audit-${first}`, replay);
    expect(again.headers['idempotent-replayed']).toBe('true');
    for (const rid of [first, replay]) {
      expect(await rowsOf(rid)).toMatchObject([{ action: 'createReferral', entityType: 'referral', entityId: created.json().id, outcome: 'success', statusCode: 201 }]);
    }

    // The key's answer is the transaction's last write: make the database refuse it, after the referral and its event were written.
    const doomed = `audit-doomed-${randomUUID()}`;
    const db = t.database.db;
    await db.execute(sql.raw(`CREATE FUNCTION audit_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`));
    await db.execute(
      sql.raw(`CREATE TRIGGER audit_test_refuse BEFORE UPDATE ON idempotency_keys FOR EACH ROW WHEN (NEW.key = '${doomed}') EXECUTE FUNCTION audit_test_refuse()`),
    );
    try {
      const rid = requestId();
      const before = await db.$count(referrals);
      const failed = await refer(doomed, rid);
      expect(failed.statusCode).toBe(500);
      expect(await db.$count(referrals)).toBe(before);
      expect(await rowsOf(rid)).toMatchObject([{ action: 'createReferral', entityId: null, outcome: 'failed', statusCode: 500 }]);
    } finally {
      await db.execute(sql.raw('DROP TRIGGER audit_test_refuse ON idempotency_keys'));
      await db.execute(sql.raw('DROP FUNCTION audit_test_refuse()'));
    }
  });
});

describe('every write’s audit event is committed in the write’s own transaction', () => {
  /** Makes the database refuse the success event of request `rid` (its failure event may still be written). */
  async function refusingSuccessOf<T>(rid: string, fn: () => Promise<T>): Promise<T> {
    const db = t.database.db;
    await db.execute(sql.raw(`CREATE FUNCTION audit_test_refuse_success() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`));
    await db.execute(
      sql.raw(
        `CREATE TRIGGER audit_test_refuse_success BEFORE INSERT ON audit_events FOR EACH ROW ` +
          `WHEN (NEW.request_id = '${rid}' AND NEW.status_code < 400) EXECUTE FUNCTION audit_test_refuse_success()`,
      ),
    );
    try {
      return await fn();
    } finally {
      await db.execute(sql.raw('DROP TRIGGER audit_test_refuse_success ON audit_events'));
      await db.execute(sql.raw('DROP FUNCTION audit_test_refuse_success()'));
    }
  }
  const as = (rid: string) => ({ ...coordinator.auth, 'x-request-id': rid });

  it('holds for every write route but the sign-in ones (whose password hashing must not hold a transaction open)', () => {
    const modules = join(dirname(fileURLToPath(import.meta.url)), '..');
    const unaudited: string[] = [];
    for (const dir of readdirSync(modules)) {
      for (const file of readdirSync(join(modules, dir)).filter((f) => f.endsWith('.routes.ts') && f !== 'auth.routes.ts')) {
        const source = readFileSync(join(modules, dir, file), 'utf8');
        // Each registration runs from `app.<method>(` to the next one (or the end of the file).
        const starts = [...source.matchAll(/app\.(get|post|put|patch|delete)\(\s*[`']([^`']+)[`']/g)];
        starts.forEach((m, i) => {
          if (m[1] === 'get') return;
          const body = source.slice(m.index, starts[i + 1]?.index ?? source.length);
          if (!/auditedWrite\(/.test(body)) unaudited.push(`${m[1]!.toUpperCase()} ${m[2]} (${file})`);
        });
      }
    }
    expect(unaudited).toEqual([]);
  });

  it('a create (201): the event names what was created; when the event cannot be written, nothing is created', async () => {
    const ok = await createParticipant();
    expect(await rowsOf(ok.rid)).toMatchObject([{ action: 'createParticipant', entityType: 'participant', entityId: ok.id, outcome: 'success', statusCode: 201 }]);

    const rid = requestId();
    const email = `never-${rid}@example.org`;
    secrets.push(email);
    const before = await t.database.db.$count(participants);
    const res = await refusingSuccessOf(rid, () =>
      t.app.inject({ method: 'POST', url: '/v1/participants', payload: { firstName: 'Never', lastName: 'Stored', email, relationship: 'partner' }, headers: as(rid) }),
    );
    expect(res.statusCode).toBe(500);
    expect(await t.database.db.$count(participants)).toBe(before);
    expect(await rowsOf(rid)).toMatchObject([{ action: 'createParticipant', entityId: null, outcome: 'failed', statusCode: 500 }]);
  });

  it('a change (200): rolled back with its event', async () => {
    const { id } = await createParticipant();
    const rid = requestId();
    const res = await refusingSuccessOf(rid, () =>
      t.app.inject({ method: 'PATCH', url: `/v1/participants/${id}`, payload: { firstName: 'Renamed' }, headers: as(rid) }),
    );
    expect(res.statusCode).toBe(500);
    const read = await t.app.inject({ method: 'GET', url: `/v1/participants/${id}`, headers: coordinator.auth });
    expect(read.json().firstName).not.toBe('Renamed');
    expect(await rowsOf(rid)).toMatchObject([{ action: 'updateParticipant', entityType: 'participant', entityId: id, outcome: 'failed', statusCode: 500 }]);
  });

  it('an enrolment and its withdrawal (the seat path, with its retries): each rolled back with its event', async () => {
    const { cohort } = await createOpenCohort(t, { max: 8 });
    const person = await createEligibleParticipant(t);
    const seats = async () => (await t.database.db.select({ n: cohorts.seatsTaken }).from(cohorts).where(eq(cohorts.id, cohort.id)))[0]!.n;
    const enrol = (rid: string) =>
      t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohort.id}/enrolments`, payload: { participantId: person.id }, headers: as(rid) });

    const refused = requestId();
    expect((await refusingSuccessOf(refused, () => enrol(refused))).statusCode).toBe(500);
    expect(await seats()).toBe(0);
    expect(await t.database.db.$count(enrolments, eq(enrolments.cohortId, cohort.id))).toBe(0);

    const done = requestId();
    const enrolled = await enrol(done);
    expect(enrolled.statusCode).toBe(201);
    expect(await rowsOf(done)).toMatchObject([{ action: 'enrolParticipant', entityType: 'cohort', entityId: cohort.id, outcome: 'success' }]);
    expect(await seats()).toBe(1);

    const withdraw = requestId();
    const res = await refusingSuccessOf(withdraw, () =>
      t.app.inject({ method: 'POST', url: `/v1/enrolments/${enrolled.json().id}/withdraw`, payload: {}, headers: as(withdraw) }),
    );
    expect(res.statusCode).toBe(500);
    expect(await seats()).toBe(1);
    expect(await rowsOf(withdraw)).toMatchObject([{ entityType: 'enrolment', entityId: enrolled.json().id, outcome: 'failed', statusCode: 500 }]);
  });
});

describe('GET /v1/audit-events', () => {
  const list = (query: string, headers: Record<string, string> = admin.auth) => t.app.inject({ method: 'GET', url: `/v1/audit-events${query}`, headers });

  it('is for admins only: coordinators 403 FORBIDDEN, nobody 401', async () => {
    const asCoordinator = await list('', coordinator.auth);
    expect(asCoordinator.statusCode).toBe(403);
    expect(asCoordinator.json().code).toBe('FORBIDDEN');
    const asNobody = await list('', {});
    expect(asNobody.statusCode).toBe(401);
    expect(asNobody.json().code).toBe('UNAUTHENTICATED');
  });

  it('filters by entity, action and actor, newest first', async () => {
    const { id } = await createParticipant();
    await t.app.inject({ method: 'GET', url: `/v1/participants/${id}`, headers: coordinator.auth });
    await t.app.inject({ method: 'GET', url: `/v1/participants/${id}`, headers: admin.auth });

    const byEntity = await list(`?entityType=participant&entityId=${id}`);
    expect(byEntity.statusCode).toBe(200);
    const items = byEntity.json().items as AuditEvent[];
    expect(items.map((e) => [e.action, e.actorId])).toEqual([
      ['getParticipant', admin.id],
      ['getParticipant', coordinator.id],
      ['createParticipant', coordinator.id],
    ]);
    expect(items.every((e) => e.entityId === id)).toBe(true);

    const byAction = (await list(`?entityId=${id}&action=createParticipant`)).json().items as AuditEvent[];
    expect(byAction).toHaveLength(1);
    const byActor = (await list(`?entityId=${id}&actorId=${admin.id}`)).json().items as AuditEvent[];
    expect(byActor.map((e) => e.action)).toEqual(['getParticipant']);
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    const { id } = await createParticipant();
    const [created] = (await list(`?entityId=${id}`)).json().items as AuditEvent[];
    const at = created!.at;
    expect((await list(`?entityId=${id}&from=${encodeURIComponent(at)}`)).json().items).toHaveLength(1);
    expect((await list(`?entityId=${id}&to=${encodeURIComponent(at)}`)).json().items).toHaveLength(0);
    const later = new Date(Date.parse(at) + 1).toISOString();
    expect((await list(`?entityId=${id}&from=${encodeURIComponent(later)}`)).json().items).toHaveLength(0);
    expect((await list(`?entityId=${id}&to=${encodeURIComponent(later)}`)).json().items).toHaveLength(1);
  });

  it('pages with a cursor through every event once, in order', async () => {
    const all = (await list('?limit=100&action=getParticipant')).json().items as AuditEvent[];
    expect(all.length).toBeGreaterThanOrEqual(4);
    const seen: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?limit=2&action=getParticipant${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json() as { items: AuditEvent[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const times = seen.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('refuses a bad cursor, a bad filter and an unknown filter with 400 VALIDATION_FAILED', async () => {
    for (const query of ['?cursor=garbage', '?actorId=not-a-uuid', '?from=yesterday', '?limit=101', '?email=x@example.org']) {
      const res = await list(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code, query).toBe('VALIDATION_FAILED');
    }
  });

  it('is itself on the trail', async () => {
    const rid = requestId();
    await t.app.inject({ method: 'GET', url: '/v1/audit-events?limit=1', headers: { ...admin.auth, 'x-request-id': rid } });
    expect(await rowsOf(rid)).toMatchObject([{ action: 'listAuditEvents', actorId: admin.id, outcome: 'success' }]);
  });
});

describe('no personal data on the trail', () => {
  it('holds no e-mail address, name, phone number or password that these tests sent', async () => {
    const result = (await t.database.db.execute(sql`SELECT coalesce(string_agg(a::text, E'\n'), '') AS text FROM audit_events a`)) as unknown as { rows: { text: string }[] };
    const [dump] = result.rows;
    const text = dump!.text.toLowerCase();
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain('@');
    for (const secret of secrets) expect(text, secret).not.toContain(secret.toLowerCase());
  });
});
