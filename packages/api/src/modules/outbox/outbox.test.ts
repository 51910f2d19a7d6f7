// The outbox's guarantees, with a real SMTP listener: a rolled-back change sends nothing; a committed
// one is delivered even if the process dies before delivering it; retries follow the back-off
// schedule; the last failure marks the message failed and tells the admins; SKIP LOCKED claims.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outboxMessages } from '../../db/schema/index';
import { buildTestApp, TEST_ADMIN, usingPostgres, type TestApp } from '../../test/build-test-app';
import { createMailer } from '../email/mailer';
import { startTestSmtp, type TestSmtp } from '../email/test-smtp';
import { claimDueMessages } from './outbox.repo';
import { enqueue, type EmailMessage } from './outbox.service';
import { CLAIM_LEASE_MS, MAX_ATTEMPTS, RETRY_DELAYS_MS, runOutboxOnce, startOutboxWorker, type OutboxDeps } from './worker';

let t: TestApp;
let admin: { authorization: string };
let smtp: TestSmtp;
/** A fresh worker's dependencies, as a newly started process would build them. */
const freshDeps = (): OutboxDeps => ({ mailer: createMailer({ SMTP_URL: smtp.url, MAIL_FROM: 'Harbour <no-reply@harbour.test>' }), allowPrivateWebhooks: false });

beforeAll(async () => {
  t = await buildTestApp();
  admin = { authorization: `Bearer ${await t.signIn(TEST_ADMIN.email, TEST_ADMIN.password)}` };
  smtp = await startTestSmtp();
});
afterAll(async () => {
  await smtp.close();
  await t.close();
});
beforeEach(async () => {
  // Each test starts with nothing due (what a previous test left is out of the way).
  await t.database.db.update(outboxMessages).set({ status: 'cancelled' }).where(eq(outboxMessages.status, 'pending'));
  smtp.mails.length = 0;
  smtp.failNext(0);
});

const waitlisted = (to: string): EmailMessage => ({ kind: 'email', to, template: 'waitlisted', data: { firstName: 'Robin', position: 2 } });
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
const rowOf = async (id: string) => (await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.id, id)))[0]!;

describe('transactions', () => {
  it('a rolled-back change sends nothing', async () => {
    await expect(
      t.database.db.transaction(async (tx) => {
        await enqueue(tx, waitlisted('rolled-back@example.org'));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const run = await runOutboxOnce(t.database.db, freshDeps());
    expect(run.claimed).toBe(0);
    expect(smtp.mails).toHaveLength(0);
    const rows = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.recipient, 'rolled-back@example.org'));
    expect(rows).toEqual([]);
  });

  it('a message committed before the process died is delivered by the next process', async () => {
    const [id] = await t.database.db.transaction((tx) => enqueue(tx, waitlisted('after-restart@example.org')));
    // "Restart": a new worker (new mail connection, nothing in memory) on the same database.
    const deps = freshDeps();
    try {
      expect(await runOutboxOnce(t.database.db, deps)).toMatchObject({ claimed: 1, delivered: 1 });
    } finally {
      deps.mailer?.close();
    }
    expect(smtp.mails.map((m) => m.to)).toEqual([['after-restart@example.org']]);
    expect(smtp.mails[0]!.messageId).toBe(`<${id}@harbour.test>`);
    expect(await rowOf(id!)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('a worker that died after claiming (before delivering) only delays the message by the lease', async () => {
    const now = new Date();
    const [id] = await t.database.db.transaction((tx) => enqueue(tx, waitlisted('claimed-then-died@example.org'), now));
    const claimed = await t.database.db.transaction((tx) => claimDueMessages(tx, now, ['email'], 10, CLAIM_LEASE_MS));
    expect(claimed.map((m) => m.id)).toEqual([id]);
    // ...and that worker is gone. Its claim holds until the lease lapses, then another worker delivers.
    expect((await runOutboxOnce(t.database.db, freshDeps(), at(now, CLAIM_LEASE_MS - 1000))).claimed).toBe(0);
    expect(await runOutboxOnce(t.database.db, freshDeps(), at(now, CLAIM_LEASE_MS))).toMatchObject({ claimed: 1, delivered: 1 });
    expect(smtp.mails).toHaveLength(1);
    expect(await rowOf(id!)).toMatchObject({ status: 'delivered', attempts: 2 });
  });
});

describe('retries', () => {
  it('retries on the back-off schedule, then marks the message failed and tells every admin', async () => {
    const start = new Date();
    const [id] = await t.database.db.transaction((tx) => enqueue(tx, waitlisted('never-arrives@example.org'), start));
    smtp.failNext(1000);
    const deps = freshDeps();
    let now = start;
    const waits: number[] = [];
    try {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const run = await runOutboxOnce(t.database.db, { ...deps, batchSize: 1 }, now);
        expect(run.claimed, `attempt ${attempt}`).toBe(1);
        const row = await rowOf(id!);
        expect(row.attempts).toBe(attempt);
        if (attempt < MAX_ATTEMPTS) {
          expect(row.status).toBe('pending');
          waits.push(row.nextAttemptAt.getTime() - now.getTime());
          now = row.nextAttemptAt;
        } else {
          expect(row.status).toBe('failed');
          expect(row.lastError).toContain('Try again later');
        }
      }
    } finally {
      deps.mailer?.close();
    }
    const s = 1000;
    const m = 60 * s;
    const h = 60 * m;
    expect(waits).toEqual([5 * s, 5 * m, 30 * m, 2 * h, 5 * h, 10 * h, 14 * h, 20 * h, 24 * h]);
    expect(waits).toEqual([...RETRY_DELAYS_MS]);
    expect(smtp.mails).toHaveLength(0);

    // Admins see it failed in the outbox, and are e-mailed about it (through the outbox itself).
    const failed = await t.app.inject({ method: 'GET', url: '/v1/outbox?status=failed', headers: admin });
    expect(failed.statusCode).toBe(200);
    expect(failed.json().items).toEqual([expect.objectContaining({ id, status: 'failed', attempts: MAX_ATTEMPTS, kind: 'email', topic: 'waitlisted' })]);
    const notices = (await t.app.inject({ method: 'GET', url: '/v1/outbox?status=pending', headers: admin })).json().items;
    expect(notices).toEqual([expect.objectContaining({ topic: 'delivery_failed', recipient: TEST_ADMIN.email })]);
    expect(notices[0].text).toContain(id);
  });

  it('tells the admins once even when the attempt that spent the schedule was lost, and not again after a redelivery', async () => {
    const start = new Date();
    const [id] = await t.database.db.transaction((tx) => enqueue(tx, waitlisted('lost-last-attempt@example.org'), start));
    // Nine attempts failed and the tenth was claimed by a worker that died: no attempt row 10.
    await t.database.db.update(outboxMessages).set({ attempts: MAX_ATTEMPTS }).where(eq(outboxMessages.id, id!));
    smtp.failNext(1000);
    const deps = freshDeps();
    const noticesAbout = async () =>
      (await t.app.inject({ method: 'GET', url: '/v1/outbox?status=pending&limit=100', headers: admin }))
        .json()
        .items.filter((m: { topic: string; text: string }) => m.topic === 'delivery_failed' && m.text.includes(id!));
    try {
      expect(await runOutboxOnce(t.database.db, { ...deps, batchSize: 1 }, start)).toMatchObject({ claimed: 1, failed: 1 });
      expect(await rowOf(id!)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS + 1 });
      expect(await noticesAbout()).toHaveLength(1);
      // An admin redelivers; it fails again: the admins already know.
      await t.database.db.update(outboxMessages).set({ status: 'pending', nextAttemptAt: start }).where(eq(outboxMessages.id, id!));
      await runOutboxOnce(t.database.db, deps, start); // the notice is due too: it is tried (and fails) alongside
      expect(await rowOf(id!)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS + 2 });
      expect(await noticesAbout()).toHaveLength(1);
    } finally {
      deps.mailer?.close();
    }
  });

  it('a notice that itself fails does not start a chain of notices', async () => {
    const start = new Date();
    await t.database.db.transaction((tx) =>
      enqueue(tx, { kind: 'email', to: TEST_ADMIN.email, template: 'delivery_failed', data: { messageId: crypto.randomUUID(), kind: 'email', topic: 'waitlisted', attempts: 10 } }, start),
    );
    smtp.failNext(1000);
    const deps = freshDeps();
    let now = start;
    try {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        await runOutboxOnce(t.database.db, deps, now);
        now = at(now, 25 * 3600_000);
      }
    } finally {
      deps.mailer?.close();
    }
    const pending = (await t.app.inject({ method: 'GET', url: '/v1/outbox?status=pending', headers: admin })).json().items;
    expect(pending).toEqual([]);
  });
});

describe('the worker in the process', () => {
  it('delivers on its own timer and stops cleanly', async () => {
    const worker = startOutboxWorker({ db: t.database.db, config: { ...t.config, SMTP_URL: smtp.url, OUTBOX_POLL_MS: 100 }, log: t.app.log });
    try {
      await t.database.db.transaction((tx) => enqueue(tx, waitlisted('by-the-timer@example.org')));
      for (let i = 0; i < 100 && smtp.mails.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await worker.stop();
    }
    expect(smtp.mails.map((m) => m.to)).toEqual([['by-the-timer@example.org']]);
  });
});

describe('several workers', () => {
  it('claims each message once, however many workers run at the same time (SKIP LOCKED)', async () => {
    const now = new Date();
    const count = 30;
    await t.database.db.transaction(async (tx) => {
      for (let i = 0; i < count; i++) await enqueue(tx, waitlisted(`parallel-${i}@example.org`), now);
    });
    const workers = Array.from({ length: 4 }, () => freshDeps());
    try {
      const runs = await Promise.all(workers.map((deps) => runOutboxOnce(t.database.db, { ...deps, batchSize: 5 }, now).then(async (first) => {
        let total = first.delivered;
        for (;;) {
          const next = await runOutboxOnce(t.database.db, { ...deps, batchSize: 5 }, now);
          total += next.delivered;
          if (next.claimed === 0) return total;
        }
      })));
      expect(runs.reduce((a, b) => a + b, 0)).toBe(count);
    } finally {
      for (const w of workers) w.mailer?.close();
    }
    const addresses = smtp.mails.map((mail) => mail.to[0]);
    expect(addresses).toHaveLength(count);
    expect(new Set(addresses).size).toBe(count);
    if (usingPostgres) expect(t.database.kind).toBe('postgres');
  });
});

describe('GET /v1/outbox', () => {
  it('holds e-mails when no mail server is configured, visible to admins only', async () => {
    const [id] = await t.database.db.transaction((tx) => enqueue(tx, waitlisted('held@example.org')));
    expect(await runOutboxOnce(t.database.db, { mailer: null, allowPrivateWebhooks: false })).toMatchObject({ claimed: 0, held: 1 });
    expect(smtp.mails).toHaveLength(0);

    const held = await t.app.inject({ method: 'GET', url: '/v1/outbox?status=held&kind=email', headers: admin });
    expect(held.statusCode).toBe(200);
    const item = held.json().items.find((i: { id: string }) => i.id === id);
    expect(item).toMatchObject({ status: 'held', recipient: 'held@example.org', subject: 'Your course sessions: you are on the waiting list', attempts: 0, nextAttemptAt: null });
    expect(item.text).toContain('You are number 2');
    // Held is final: a later round does not pick it up again.
    expect(await runOutboxOnce(t.database.db, freshDeps())).toMatchObject({ claimed: 0 });

    for (const role of ['coordinator', 'safeguarding_lead', 'facilitator'] as const) {
      const u = await t.staff([role]);
      const res = await t.app.inject({ method: 'GET', url: '/v1/outbox', headers: u.auth });
      expect(res.statusCode, role).toBe(403);
      expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await t.app.inject({ method: 'GET', url: '/v1/outbox' })).statusCode).toBe(401);
    const bad = await t.app.inject({ method: 'GET', url: '/v1/outbox?status=lost', headers: admin });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('pages newest first with a cursor, in a fixed number of queries', async () => {
    // Dated after everything earlier tests wrote (some of it at simulated future times).
    const later = Date.now() + 400 * 24 * 3600_000;
    await t.database.db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await enqueue(tx, waitlisted(`page-${i}@example.org`), new Date(later + i));
    });
    const first = await t.app.inject({ method: 'GET', url: '/v1/outbox?limit=2', headers: admin });
    const body = first.json();
    expect(body.items.map((i: { recipient: string }) => i.recipient)).toEqual(['page-4@example.org', 'page-3@example.org']);
    const second = (await t.app.inject({ method: 'GET', url: `/v1/outbox?limit=2&cursor=${body.nextCursor}`, headers: admin })).json();
    expect(second.items.map((i: { recipient: string }) => i.recipient)).toEqual(['page-2@example.org', 'page-1@example.org']);
    const small = await t.countQueries(() => t.app.inject({ method: 'GET', url: '/v1/outbox?limit=1', headers: admin }));
    const large = await t.countQueries(() => t.app.inject({ method: 'GET', url: '/v1/outbox?limit=50', headers: admin }));
    expect(large.queries).toBe(small.queries);
    const badCursor = await t.app.inject({ method: 'GET', url: '/v1/outbox?cursor=nonsense', headers: admin });
    expect(badCursor.statusCode).toBe(400);
  });
});
