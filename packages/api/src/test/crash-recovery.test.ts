// Crash recovery: the real server process (tsx src/server.ts) takes a stream of enrolments and
// referrals, is killed with SIGKILL in the middle of it, and is started again on the same data (the
// PGlite folder; and, when TEST_DATABASE_URL is set, a PostgreSQL database). Then: every write that
// was answered 2xx is there, no write is there by halves, every request retried with its
// Idempotency-Key is answered once and not done twice, and every outbox message (e-mails to a local
// SMTP listener, signed webhooks to a local receiver) is delivered.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { referrals } from '../db/schema/index';
import { startTestSmtp, type TestSmtp } from '../modules/email/test-smtp';
import { IDEMPOTENCY_STALE_IN_FLIGHT_MS } from '../modules/idempotency/idempotency';
import { CLAIM_LEASE_MS } from '../modules/outbox/worker';
import { startTestReceiver, verifyWebhook, type TestReceiver } from '../modules/webhooks/test-receiver';
import { createDb, type DbOptions } from '../db/client';
import { buildTestApp, usingPostgres } from './build-test-app';
import { createOpenCohort, createParticipants } from './factories';
import { freshPostgresDatabase, kill, startServer, stop, type Proc } from './server-process';

const DAY = 86_400_000;
/** After a crash a retry may wait for the dead request's claim (and the outbox for its lease) to lapse. */
const RECOVERY_MS = Math.max(IDEMPOTENCY_STALE_IN_FLIGHT_MS, CLAIM_LEASE_MS) + 90_000;
const TEST_TIMEOUT_MS = 2 * 180_000 + RECOVERY_MS + 240_000;

interface Sent {
  kind: 'enrolment' | 'referral';
  key: string;
  path: string;
  body: unknown;
  /** The 2xx answer received before the crash, if any. */
  acked?: { status: number; id: string };
  /** The answer after the restart. */
  final?: { status: number; id: string; replayed: boolean };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Client {
  constructor(
    public baseUrl: string,
    private readonly auth: Record<string, string>,
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...this.auth, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { items?: never[] } };
  }

  async expect<T = Record<string, unknown>>(status: number, method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call(method, path, body);
    if (res.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as T;
  }

  /** Every item of a keyset-paginated list. */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page: { items: T[]; nextCursor: string | null } = await this.expect(200, 'GET', `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }
}

/** While the server is down: every claim of cut-off work (see the restart below) made older than its window. */
async function backdateClaimsOfTheCrash(at: DbOptions): Promise<void> {
  const database = createDb(at);
  try {
    const staleBy = `${IDEMPOTENCY_STALE_IN_FLIGHT_MS + 1000} milliseconds`;
    await database.db.execute(sql`update idempotency_keys set created_at = created_at - ${staleBy}::interval where status = 'in_flight'`);
    // A claimed message is pending with its next attempt pushed a lease ahead.
    const leaseBy = `${CLAIM_LEASE_MS + 1000} milliseconds`;
    await database.db.execute(sql`update outbox_messages set next_attempt_at = next_attempt_at - ${leaseBy}::interval where status = 'pending' and attempts > 0`);
  } finally {
    await database.close();
  }
}

async function scenario(database: 'pglite' | 'postgres') {
  const dataDir = mkdtempSync(join(tmpdir(), `harbour-crash-${database}-`));
  const smtp: TestSmtp = await startTestSmtp();
  const receiver: TestReceiver = await startTestReceiver();
  let dropDatabase: (() => Promise<void>) | undefined;
  const servers: Proc[] = [];
  try {
    const adminEmail = 'crash-admin@example.org';
    const adminPassword = `Cr-${randomBytes(18).toString('base64url')}`;
    const env: Record<string, string> = {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD: adminPassword,
      MFA_REQUIRED: 'false',
      SEED_DEMO: 'false',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      SMTP_URL: smtp.url,
      // Fixed across the restart, as in a real deployment: tokens, sealed secrets and ciphertexts stay readable.
      JWT_SECRET: randomBytes(36).toString('base64url'),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      OUTBOX_POLL_MS: '200',
      RATE_LIMIT_PER_MINUTE: '100000',
      PARTNER_RATE_LIMIT_PER_MINUTE: '100000',
      // Load shedding would answer 503 on this loaded machine; what is tested here is recovery.
      UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      CONSOLE_DIR: join(dataDir, 'no-console'),
    };
    if (database === 'postgres') {
      const fresh = await freshPostgresDatabase(process.env.TEST_DATABASE_URL!, 'harbour_crash');
      dropDatabase = fresh.drop;
      env.DATABASE_URL = fresh.url;
    }

    let server = await startServer(env);
    servers.push(server.proc);
    const login = await new Client(server.baseUrl, {}).expect<{ accessToken: string }>(200, 'POST', '/v1/auth/login', { email: adminEmail, password: adminPassword });
    const admin = new Client(server.baseUrl, { authorization: `Bearer ${login.accessToken}` });

    // A partner with a key and a webhook to the local receiver; two open cohorts; eligible people.
    const partner = await admin.expect<{ id: string }>(201, 'POST', '/v1/partners', { name: 'Crash Test Probation Service' });
    const { key } = await admin.expect<{ key: string }>(201, 'POST', `/v1/partners/${partner.id}/api-keys`, {
      scopes: ['referrals:write', 'referrals:read', 'webhooks:manage'],
    });
    const partnerClient = new Client(server.baseUrl, { authorization: `Bearer ${key}` });
    const subscription = await partnerClient.expect<{ id: string; secret: string }>(201, 'POST', '/v1/webhooks', {
      url: receiver.url,
      events: ['referral.status_changed'],
    });
    const courses = await admin.expect<{ items: { id: string }[] }>(200, 'GET', '/v1/courses');
    const courseId = courses.items[0]!.id;
    const cohortIds: string[] = [];
    for (let c = 0; c < 2; c++) {
      const first = Date.now() + (40 + c * 7) * DAY;
      const cohort = await admin.expect<{ id: string }>(201, 'POST', '/v1/cohorts', {
        courseId,
        title: `Crash cohort ${c + 1}`,
        deliveryMode: 'online',
        joiningLink: 'https://meet.example/crash',
        sessions: [0, 1, 2].map((i) => ({ startsAt: new Date(first + i * 7 * DAY).toISOString() })),
      });
      await admin.expect(200, 'POST', `/v1/cohorts/${cohort.id}/publish`);
      cohortIds.push(cohort.id);
    }
    const version = await admin.expect<{ id: string }>(200, 'GET', `/v1/declaration-versions/current?courseId=${courseId}`);
    const people: { id: string; email: string }[] = [];
    for (let i = 0; i < 36; i++) {
      const email = `crash-${i}-${randomUUID().slice(0, 8)}@example.org`;
      const p = await admin.expect<{ id: string }>(201, 'POST', '/v1/participants', { firstName: `Crash${i}`, lastName: 'Tester', email, relationship: 'partner' });
      await admin.expect(201, 'POST', `/v1/participants/${p.id}/declarations`, {
        declarationVersionId: version.id,
        channel: 'staff',
        answers: { offenceInvolvesImages: 'yes', accusedOfContactOffence: 'no', accusedOfOnlineContactWithChild: 'no', accusedOfGrooming: 'no' },
      });
      people.push({ id: p.id, email });
    }

    // The stream: 6 clients, each sending enrolments and referrals with Idempotency-Keys, until the crash.
    const sent: Sent[] = [];
    let crashed = false;
    let acked = 0;
    let nextPerson = 0;
    let referralNo = 0;
    const stream = async (clientNo: number) => {
      for (let n = 0; !crashed; n++) {
        const enrolment = (n + clientNo) % 3 === 0 && nextPerson < people.length;
        const item: Sent = enrolment
          ? { kind: 'enrolment', key: `enrol-${randomUUID()}`, path: `/v1/cohorts/${cohortIds[nextPerson % 2]}/enrolments`, body: { participantId: people[nextPerson++]!.id } }
          : {
              kind: 'referral',
              key: `ref-${randomUUID()}`,
              path: '/v1/referrals',
              body: {
                person: { firstName: 'Robin', lastName: `Crash${referralNo}`, email: `robin-${referralNo++}@example.org` },
                relationship: 'sibling',
                consentToShare: true,
                referrer: { name: 'Sam Caseworker', email: 'sam.caseworker@example.org' },
              },
            };
        sent.push(item);
        const client = item.kind === 'enrolment' ? admin : partnerClient;
        try {
          const res = await client.call('POST', item.path, item.body, { 'idempotency-key': item.key });
          if (res.status >= 200 && res.status < 300) {
            item.acked = { status: res.status, id: String(res.body.id) };
            acked++;
          } else if (!crashed) {
            throw new Error(`before the crash, ${item.kind} answered ${res.status} ${JSON.stringify(res.body)}`);
          }
        } catch (err) {
          if (!crashed) throw err;
        }
      }
    };
    const streams = Array.from({ length: 6 }, (_, i) => stream(i));
    // Kill it mid-stream: once a good number of writes were answered, with more in flight.
    const deadline = Date.now() + 120_000;
    while (acked < 40 && Date.now() < deadline) await sleep(20);
    expect(acked, 'writes answered before the crash').toBeGreaterThanOrEqual(40);
    crashed = true;
    await kill(server.proc);
    await Promise.all(streams);
    const unanswered = sent.filter((s) => !s.acked).length;

    // The restart comes after the windows that the claims of cut-off work hold for: a key in flight
    // (IDEMPOTENCY_STALE_IN_FLIGHT_MS) and an outbox message being delivered (CLAIM_LEASE_MS), two
    // minutes each. Rather than sleep through them, the clocks of the claims the crash left behind are
    // moved back by that much while the server is down, as if the restart had taken that long.
    await backdateClaimsOfTheCrash(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir });

    // Start again on the same data.
    server = await startServer(env);
    servers.push(server.proc);
    for (const c of [admin, partnerClient]) c.baseUrl = server.baseUrl;

    // Every request is sent again with its key, until it is answered (a key still held "in flight"
    // answers 409: retry later).
    const retryUntil = Date.now() + RECOVERY_MS;
    const inFlightAnswers: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (const item of sent.filter((_, i) => i % 4 === lane)) {
          const client = item.kind === 'enrolment' ? admin : partnerClient;
          for (;;) {
            const res = await client.call('POST', item.path, item.body, { 'idempotency-key': item.key });
            if (res.status === 409 && res.body.code === 'IDEMPOTENCY_KEY_IN_FLIGHT' && Date.now() < retryUntil) {
              inFlightAnswers.push(res.status);
              await sleep(1000);
              continue;
            }
            expect(res.status, `${item.kind} retried after the crash: ${JSON.stringify(res.body)}`).toBe(201);
            item.final = { status: res.status, id: String(res.body.id), replayed: res.headers.get('idempotent-replayed') === 'true' };
            break;
          }
        }
      }),
    );

    // Acknowledged writes are there, and their retries replay the same answer.
    for (const item of sent.filter((s) => s.acked)) {
      expect(item.final, `${item.kind} ${item.key}`).toEqual({ status: item.acked!.status, id: item.acked!.id, replayed: true });
    }

    // Nothing done twice: exactly one referral per key, exactly one enrolment per person sent.
    const referralItems = sent.filter((s) => s.kind === 'referral');
    const listedReferrals = await partnerClient.all<{ id: string; status: string }>('/v1/referrals');
    expect(listedReferrals.map((r) => r.id).sort()).toEqual(referralItems.map((s) => s.final!.id).sort());
    expect(new Set(referralItems.map((s) => s.final!.id)).size).toBe(referralItems.length);
    const enrolmentItems = sent.filter((s) => s.kind === 'enrolment');
    const roster = (await Promise.all(cohortIds.map((id) => admin.all<{ id: string; status: string; participant: { id: string } }>(`/v1/cohorts/${id}/enrolments`)))).flat();
    expect(roster.map((e) => e.id).sort()).toEqual(enrolmentItems.map((s) => s.final!.id).sort());
    expect(new Set(roster.map((e) => e.participant.id)).size).toBe(roster.length);

    // No write by halves: each enrolment has its history and the seat counts agree with the roster;
    // each referral has its webhook and its e-mail to the referrer in the outbox.
    for (const e of roster) {
      const history = await admin.expect<{ items: { to: string }[] }>(200, 'GET', `/v1/enrolments/${e.id}/history`);
      expect(history.items.map((h) => h.to), `history of ${e.id}`).toEqual([e.status]);
    }
    for (const id of cohortIds) {
      const cohort = await admin.expect<{ confirmedCount: number; waitlistCount: number; maxParticipants: number }>(200, 'GET', `/v1/cohorts/${id}`);
      const mine = roster.filter((e) => enrolmentItems.some((s) => s.final!.id === e.id && s.path.includes(id)));
      expect(cohort.confirmedCount).toBe(mine.filter((e) => e.status === 'confirmed').length);
      expect(cohort.waitlistCount).toBe(mine.filter((e) => e.status === 'waitlisted').length);
      expect(cohort.confirmedCount).toBeLessThanOrEqual(cohort.maxParticipants);
    }

    // Every outbox message is delivered (claims the crash left behind lapse after CLAIM_LEASE_MS).
    const outboxDeadline = Date.now() + RECOVERY_MS;
    for (;;) {
      const waiting = [
        ...(await admin.all<{ id: string }>('/v1/outbox?status=pending')),
        ...(await admin.all<{ id: string }>('/v1/outbox?status=held')),
        ...(await admin.all<{ id: string }>('/v1/outbox?status=failed')),
      ];
      if (waiting.length === 0) break;
      if (Date.now() > outboxDeadline) throw new Error(`${waiting.length} outbox messages were not delivered after the restart`);
      await sleep(1000);
    }
    const outbox = await admin.all<{ id: string; kind: string; topic: string; status: string; text: string | null; recipient: string | null }>('/v1/outbox');
    expect(outbox.filter((m) => m.status !== 'delivered')).toEqual([]);
    const mailIds = new Set(smtp.mails.map((m) => /^<([0-9a-f-]{36})@/.exec(m.messageId)?.[1]));
    for (const m of outbox.filter((x) => x.kind === 'email')) expect(mailIds.has(m.id), `e-mail ${m.id} (${m.topic}) reached the mail server`).toBe(true);
    const webhookMessages = outbox.filter((x) => x.kind === 'webhook');
    for (const m of webhookMessages) expect(receiver.processed.has(m.id), `webhook ${m.id} reached the receiver`).toBe(true);

    // One "received" webhook (signed) and one acknowledgement e-mail per referral: not none, not two.
    const received = new Map<string, number>();
    for (const [id, body] of receiver.processed) {
      const request = receiver.requests.find((r) => r.headers['webhook-id'] === id)!;
      verifyWebhook(subscription.secret, request.headers, request.body, { toleranceSeconds: 24 * 3600 });
      const { data } = JSON.parse(body) as { data: { referralId: string; status: string } };
      if (data.status === 'received') received.set(data.referralId, (received.get(data.referralId) ?? 0) + 1);
    }
    const acks = outbox.filter((m) => m.kind === 'email' && m.topic === 'referral_received');
    for (const r of referralItems) {
      expect(received.get(r.final!.id), `webhooks for referral ${r.final!.id}`).toBe(1);
      expect(acks.filter((m) => m.text?.includes(r.final!.id)), `e-mails for referral ${r.final!.id}`).toHaveLength(1);
    }
    // Each enrolled person was told once of their place (confirmed or waitlisted).
    for (const e of roster) {
      const email = people.find((p) => p.id === e.participant.id)!.email;
      expect(outbox.filter((m) => m.kind === 'email' && m.recipient === email), `e-mails to ${e.participant.id}`).toHaveLength(1);
    }

    const summary = { sent: sent.length, acked: sent.filter((s) => s.acked).length, unanswered, inFlightRetries: inFlightAnswers.length, outbox: outbox.length };
    console.log(`crash recovery on ${database}: ${JSON.stringify(summary)}`);
    return summary;
  } finally {
    await Promise.all(servers.map(stop));
    await Promise.all([smtp.close(), receiver.close()]);
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('crash recovery of the real server process (SIGKILL mid-stream, restart on the same data)', () => {
  // Each database in its own suite run: `pnpm test` (embedded) runs the PGlite one, CI's PostgreSQL run the other.
  (usingPostgres ? it.skip : it)('on PGlite (the same DATA_DIR folder)', async () => {
    const result = await scenario('pglite');
    expect(result.acked).toBeGreaterThanOrEqual(40);
  }, TEST_TIMEOUT_MS);

  (usingPostgres ? it : it.skip)('on PostgreSQL (the same DATABASE_URL)', async () => {
    const result = await scenario('postgres');
    expect(result.acked).toBeGreaterThanOrEqual(40);
  }, TEST_TIMEOUT_MS);
});

// The crash window an idempotent POST must close: its write committed, the answer for its key not yet
// recorded. Simulated in-process by making the recording fail (a trigger refuses it): the write must
// not survive without its record, or the retry would create it a second time.
describe('an Idempotency-Key whose answer cannot be recorded', () => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    t = await buildTestApp({ PARTNER_RATE_LIMIT_PER_MINUTE: 100_000 });
  }, 120_000);
  afterAll(async () => t?.close());

  it('leaves nothing created, so the retry with the same key creates the referral or enrolment exactly once', async () => {
    const admin = await t.staff(['admin']);
    const partner = (await t.app.inject({ method: 'POST', url: '/v1/partners', payload: { name: 'Window Partner' }, headers: admin.auth })).json();
    const { key } = (
      await t.app.inject({ method: 'POST', url: `/v1/partners/${partner.id}/api-keys`, payload: { scopes: ['referrals:write', 'referrals:read'] }, headers: admin.auth })
    ).json();
    const { cohort } = await createOpenCohort(t);
    const [person] = await createParticipants(t, 1);

    const db = t.database.db;
    const failRecording = async (on: boolean) => {
      if (on) {
        await db.execute(sql`CREATE OR REPLACE FUNCTION test_refuse_done() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.status = 'done' THEN RAISE EXCEPTION 'simulated crash before the answer is recorded'; END IF; RETURN NEW; END $$`);
        await db.execute(sql`CREATE TRIGGER test_refuse_done BEFORE UPDATE ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION test_refuse_done()`);
      } else {
        await db.execute(sql`DROP TRIGGER IF EXISTS test_refuse_done ON idempotency_keys`);
      }
    };
    const referral = {
      person: { firstName: 'Window', lastName: 'Case', email: 'window.case@example.org' },
      relationship: 'parent',
      consentToShare: true,
      referrer: { name: 'Sam Caseworker', email: 'sam.caseworker@example.org' },
    };
    const refer = () =>
      t.app.inject({ method: 'POST', url: '/v1/referrals', payload: referral, headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'window-referral' } });
    const enrol = () =>
      t.app.inject({
        method: 'POST',
        url: `/v1/cohorts/${cohort.id}/enrolments`,
        payload: { participantId: person!.id },
        headers: { ...admin.auth, 'idempotency-key': 'window-enrolment' },
      });

    await failRecording(true);
    try {
      expect((await refer()).statusCode).toBe(500);
      expect((await enrol()).statusCode).toBe(500);
    } finally {
      await failRecording(false);
    }
    const countReferrals = async () => (await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(referrals))[0]!.n;
    expect(await countReferrals(), 'no referral without its recorded answer').toBe(0);

    const retried = await refer();
    expect(retried.statusCode).toBe(201);
    expect((await refer()).json().id).toBe(retried.json().id);
    expect(await countReferrals()).toBe(1);

    const enrolled = await enrol();
    expect(enrolled.statusCode, enrolled.body).toBe(201); // not 409 ALREADY_ENROLLED: the first attempt left no enrolment
    const replay = await enrol();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(enrolled.json().id);
  }, 120_000);
});
