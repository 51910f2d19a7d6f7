// Contention: 500 enrolment requests into 10 cohorts from 50 concurrent clients, mixed with
// withdrawals and answers to offers, through the HTTP surface. On PGlite transactions run one at a
// time; on PostgreSQL (TEST_DATABASE_URL) they race for real on a pool of 20 connections, so
// serialization failures and deadlocks can happen and must be retried inside the service.
import { eq, inArray, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohorts, enrolmentEvents, enrolments } from '../db/schema/index';
import { buildTestApp, type TestApp } from './build-test-app';
import { createOpenCohort, createParticipants, type CohortRow, type ParticipantRow } from './factories';

let t: TestApp;
let coordinator: Awaited<ReturnType<TestApp['staff']>>;
beforeAll(async () => {
  // Load shedding (503) would measure this loaded test process rather than the app: off.
  t = await buildTestApp({ UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: 0 });
  coordinator = await t.staff(['coordinator']);
}, 120_000);
afterAll(async () => t?.close());

/** A small seeded PRNG (mulberry32): the mix of operations is the same on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

type Kind = 'enrol' | 'withdraw' | 'accept' | 'decline' | 'observe';
interface Answer {
  kind: Kind;
  status: number;
  code?: string;
  body: Record<string, unknown>;
}

/** What each kind of request may answer; anything else (above all a 5xx) is a defect. */
const ALLOWED: Record<Kind, Record<number, string[] | null>> = {
  // 409 ALREADY_ENROLLED: the person holds a place on another cohort of the course; 422: not eligible.
  enrol: { 201: null, 409: ['ALREADY_ENROLLED'], 422: ['NOT_ELIGIBLE'] },
  // Another client withdrew or moved the same enrolment first.
  withdraw: { 200: null, 409: ['INVALID_STATE', 'CONFLICT'] },
  accept: { 200: null, 409: ['INVALID_STATE', 'OFFER_NOT_LIVE', 'CONFLICT'] },
  decline: { 200: null, 409: ['INVALID_STATE', 'OFFER_NOT_LIVE', 'CONFLICT'] },
  observe: { 200: null },
};

const COHORTS = 10;
const CLIENTS = 50;
const ENROLMENTS = 500;

describe('contention: 500 enrolments into 10 cohorts from 50 clients, with withdrawals and offers answered', () => {
  it(
    'never confirms more than the maximum, keeps every waitlist contiguous and in queue order, and answers no 5xx',
    async () => {
      const rnd = prng(20_270_114);
      const cohortRows: CohortRow[] = [];
      for (let i = 0; i < COHORTS; i++) {
        // Sizes 8..12 (the course's limits), a minimum that some reach and some do not.
        const max = 8 + (i % 5);
        cohortRows.push((await createOpenCohort(t, { max, min: Math.min(max, 3 + i) })).cohort);
      }
      const eligible = await createParticipants(t, 440);
      const ineligible = await createParticipants(t, 10, { outcome: 'ineligible' });
      const review = await createParticipants(t, 10, { outcome: 'needs_review' });

      // 500 enrolment requests: 460 distinct people, 40 asking again (same or another cohort of the course).
      const requests: { cohortId: string; participant: ParticipantRow }[] = [];
      for (const p of [...eligible, ...ineligible, ...review]) requests.push({ cohortId: rnd.pick(cohortRows).id, participant: p });
      for (let i = 0; i < ENROLMENTS - eligible.length - ineligible.length - review.length; i++) {
        requests.push({ cohortId: rnd.pick(cohortRows).id, participant: rnd.pick(eligible) });
      }
      for (let i = requests.length - 1; i > 0; i--) {
        const j = rnd.int(i + 1);
        [requests[i], requests[j]] = [requests[j]!, requests[i]!];
      }

      const answers: Answer[] = [];
      const created: { id: string; cohortId: string }[] = [];
      const overbooked: string[] = [];
      const send = async (kind: Kind, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
        const res: LightMyRequestResponse = await t.app.inject({ method, url, payload: payload as object | undefined, headers: { ...coordinator.auth, ...headers } });
        const body = (res.body ? res.json() : {}) as Record<string, unknown>;
        const answer: Answer = { kind, status: res.statusCode, code: typeof body.code === 'string' ? body.code : undefined, body };
        answers.push(answer);
        if (res.statusCode >= 400) {
          expect(res.headers['content-type'], `${kind} ${url}`).toMatch(/^application\/problem\+json/);
        }
        return answer;
      };

      /** A client's next move: mostly enrolments; a withdrawal or an answer to an offer now and then; a read of counts. */
      let nextEnrolment = 0;
      const client = async (seed: number) => {
        const r = prng(seed);
        while (nextEnrolment < requests.length) {
          const roll = r.next();
          if (roll < 0.7 || created.length < 20) {
            const n = nextEnrolment++;
            const req = requests[n]!;
            // Half carry an Idempotency-Key: the enrolment then runs inside the key's transaction.
            const key = n % 2 === 0 ? { 'idempotency-key': `contention-${n}` } : undefined;
            const a = await send('enrol', 'POST', `/v1/cohorts/${req.cohortId}/enrolments`, { participantId: req.participant.id }, key);
            if (a.status === 201) created.push({ id: String(a.body.id), cohortId: req.cohortId });
          } else if (roll < 0.82) {
            const e = r.pick(created);
            await send('withdraw', 'POST', `/v1/enrolments/${e.id}/withdraw`, r.next() < 0.5 ? { reason: 'Changed plans' } : undefined);
          } else if (roll < 0.95) {
            // Answer an offer someone holds now (most accept; some decline, which offers the seat on).
            const cohort = r.pick(cohortRows);
            const list = await send('observe', 'GET', `/v1/cohorts/${cohort.id}/enrolments?status=offered&limit=100`);
            const offers = (list.body.items as { id: string }[] | undefined) ?? [];
            if (offers.length > 0) {
              const verb = r.next() < 0.8 ? 'accept' : 'decline';
              await send(verb, 'POST', `/v1/enrolments/${r.pick(offers).id}/${verb}`);
            }
          } else {
            // Anyone may look while it happens: at no moment are more seats held than the cohort has.
            const cohort = r.pick(cohortRows);
            const a = await send('observe', 'GET', `/v1/cohorts/${cohort.id}`);
            const held = Number(a.body.confirmedCount) + Number(a.body.offeredCount);
            if (held > cohort.maxParticipants) overbooked.push(`${cohort.id}: ${held} > ${cohort.maxParticipants}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(1000 + i)));

      // Every answer was one a client can act on: no 5xx, no unexpected code.
      const unexpected = answers.filter((a) => {
        const allowed = ALLOWED[a.kind][a.status];
        return allowed === undefined || (allowed !== null && !allowed.includes(a.code ?? ''));
      });
      expect(unexpected.map((a) => `${a.kind} → ${a.status} ${a.code ?? ''} ${String(a.body.detail ?? '')}`)).toEqual([]);
      expect(answers.filter((a) => a.kind === 'enrol')).toHaveLength(ENROLMENTS);
      expect(overbooked).toEqual([]);
      // The mix really happened.
      const count = (kind: Kind, status: number) => answers.filter((a) => a.kind === kind && a.status === status).length;
      expect(count('enrol', 201)).toBeGreaterThan(400);
      expect(count('enrol', 409)).toBeGreaterThan(0);
      expect(count('enrol', 422)).toBe(20);
      expect(count('withdraw', 200)).toBeGreaterThan(20);
      expect(count('accept', 200) + count('decline', 200)).toBeGreaterThan(5);
      for (const a of answers.filter((x) => x.kind === 'enrol' && x.status === 201)) {
        if (a.body.status === 'waitlisted') expect(a.body.waitlistPosition).toBeGreaterThanOrEqual(1);
        else expect(a.body.waitlistPosition, 'only a waitlisted enrolment has a position').toBeUndefined();
      }

      // The end state of every cohort, read from the database and through the API.
      const db = t.database.db;
      for (const c of cohortRows) {
        const [cohort] = await db.select().from(cohorts).where(eq(cohorts.id, c.id));
        const rows = await db
          .select({ status: enrolments.status, n: sql<number>`count(*)`.mapWith(Number) })
          .from(enrolments)
          .where(eq(enrolments.cohortId, c.id))
          .groupBy(enrolments.status);
        const n = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
        const held = n('confirmed') + n('offered');
        expect(held, `seats held in cohort ${c.id}`).toBeLessThanOrEqual(c.maxParticipants);
        expect(cohort!.seatsTaken, 'the seat counter agrees with the enrolments').toBe(held);
        // A free seat is always offered on: nobody waits while a seat is free.
        if (held < c.maxParticipants) expect(n('waitlisted')).toBe(0);

        // The waitlist as staff see it: positions 1..n with no gap or repeat, in first-come order.
        const res = await t.app.inject({ method: 'GET', url: `/v1/cohorts/${c.id}/enrolments?status=waitlisted&limit=100`, headers: coordinator.auth });
        expect(res.statusCode).toBe(200);
        const waiting = res.json().items as { id: string; waitlistPosition: number; queuedAt: string }[];
        expect(waiting).toHaveLength(n('waitlisted'));
        const byPosition = [...waiting].sort((a, b) => a.waitlistPosition - b.waitlistPosition);
        expect(byPosition.map((w) => w.waitlistPosition)).toEqual(Array.from({ length: waiting.length }, (_, i) => i + 1));
        for (let i = 1; i < byPosition.length; i++) {
          expect(Date.parse(byPosition[i]!.queuedAt)).toBeGreaterThanOrEqual(Date.parse(byPosition[i - 1]!.queuedAt));
        }
        // The counts on the cohort agree.
        const view = (await t.app.inject({ method: 'GET', url: `/v1/cohorts/${c.id}`, headers: coordinator.auth })).json();
        expect(view).toMatchObject({ confirmedCount: n('confirmed'), offeredCount: n('offered'), waitlistCount: n('waitlisted') });
      }

      // Nobody holds two live places on the course, and every enrolment has its history.
      const live = await db
        .select({ participantId: enrolments.participantId, n: sql<number>`count(*)`.mapWith(Number) })
        .from(enrolments)
        .where(inArray(enrolments.status, ['waitlisted', 'offered', 'confirmed']))
        .groupBy(enrolments.participantId);
      expect(live.filter((r) => r.n > 1)).toEqual([]);
      const withoutHistory = await db
        .select({ id: enrolments.id })
        .from(enrolments)
        .where(sql`not exists (select 1 from ${enrolmentEvents} where ${enrolmentEvents.enrolmentId} = ${enrolments.id})`);
      expect(withoutHistory).toEqual([]);
    },
    600_000,
  );
});
