// Seats under concurrency: on PGlite transactions run one at a time; on PostgreSQL (TEST_DATABASE_URL)
// they really run in parallel on a pool of 20 connections.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COURSE_RULES } from '@harbour/shared';
import type { Db } from '../../db/client';
import { cohorts, courses, enrolments } from '../../db/schema/index';
import { buildTestApp, usingPostgres, type TestApp } from '../../test/build-test-app';
import { createOpenCohort, createParticipants } from '../../test/factories';
import { sqlStateOf, transactionWithRetry } from './seats';

let t: TestApp;
let coordinator: Awaited<ReturnType<TestApp['staff']>>;
beforeAll(async () => {
  t = await buildTestApp();
  coordinator = await t.staff(['coordinator']);
});
afterAll(async () => t.close());

const enrol = (cohortId: string, participantId: string) =>
  t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohortId}/enrolments`, payload: { participantId }, headers: coordinator.auth });
const act = (enrolmentId: string, verb: string) =>
  t.app.inject({ method: 'POST', url: `/v1/enrolments/${enrolmentId}/${verb}`, headers: coordinator.auth });

/** The seat invariants, read from the database: the count is right, never above max, and no free seat while someone waits. */
async function expectSeatInvariants(cohortId: string) {
  const db = t.database.db;
  const [cohort] = await db.select().from(cohorts).where(eq(cohorts.id, cohortId));
  const rows = await db.select({ status: enrolments.status, n: sql<number>`count(*)`.mapWith(Number) }).from(enrolments).where(eq(enrolments.cohortId, cohortId)).groupBy(enrolments.status);
  const n = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  const held = n('confirmed') + n('offered');
  expect(cohort!.seatsTaken).toBe(held);
  expect(held).toBeLessThanOrEqual(cohort!.maxParticipants);
  if (held < cohort!.maxParticipants) expect(n('waitlisted')).toBe(0);
  return { confirmed: n('confirmed'), offered: n('offered'), waitlisted: n('waitlisted'), seatsTaken: cohort!.seatsTaken };
}

describe('racing for seats', () => {
  it('40 simultaneous enrolments into 12 seats: exactly 12 confirmed and waitlist places 1..28, 20 times over', async () => {
    for (let round = 0; round < 20; round++) {
      const { cohort } = await createOpenCohort(t, { max: 12, min: 8 });
      const people = await createParticipants(t, 40);
      const answers = await Promise.all(people.map((p) => enrol(cohort.id, p.id)));
      expect(answers.map((r) => r.statusCode)).toEqual(Array(40).fill(201));
      const bodies = answers.map((r) => r.json() as { status: string; waitlistPosition?: number });
      expect(bodies.filter((b) => b.status === 'confirmed')).toHaveLength(12);
      const positions = bodies.filter((b) => b.status === 'waitlisted').map((b) => b.waitlistPosition).sort((a, b) => a! - b!);
      expect(positions).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
      expect(await expectSeatInvariants(cohort.id)).toMatchObject({ confirmed: 12, waitlisted: 28, seatsTaken: 12 });
      const [after] = await t.database.db.select().from(cohorts).where(eq(cohorts.id, cohort.id));
      expect(after!.status).toBe('confirmed');
    }
    // 800 real enrolments (and their e-mails) on a 2-core machine: slow on the embedded database.
  }, 300_000);

  it('simultaneous withdrawals, acceptances and enrolments never leave a free seat unoffered nor overbook', async () => {
    for (let round = 0; round < 5; round++) {
      const { cohort } = await createOpenCohort(t, { max: 6, min: 1 });
      const people = await createParticipants(t, 18);
      const ids: string[] = [];
      for (const p of people.slice(0, 10)) ids.push((await enrol(cohort.id, p.id)).json().id);
      // 6 confirmed, 4 waiting. Now, all at once: 3 confirmed withdraw, 1 waiting withdraws, 8 new people enrol.
      const answers = await Promise.all([
        ...ids.slice(0, 3).map((id) => act(id, 'withdraw')),
        act(ids[7]!, 'withdraw'),
        ...people.slice(10).map((p) => enrol(cohort.id, p.id)),
      ]);
      expect(answers.map((r) => r.statusCode).every((s) => s === 200 || s === 201)).toBe(true);
      const state = await expectSeatInvariants(cohort.id);
      expect(state.confirmed + state.offered).toBe(6);

      // The offers are answered at the same time as more people leave.
      const offered = await t.database.db.select({ id: enrolments.id }).from(enrolments).where(and(eq(enrolments.cohortId, cohort.id), eq(enrolments.status, 'offered')));
      const confirmed = await t.database.db.select({ id: enrolments.id }).from(enrolments).where(and(eq(enrolments.cohortId, cohort.id), eq(enrolments.status, 'confirmed')));
      const second = await Promise.all([
        ...offered.map((o, i) => act(o.id, i % 2 === 0 ? 'accept' : 'decline')),
        ...confirmed.slice(0, 2).map((c) => act(c.id, 'remove')),
      ]);
      expect(second.map((r) => r.statusCode).every((s) => s === 200)).toBe(true);
      await expectSeatInvariants(cohort.id);
    }
  });

  it('the same person enrolling twice at once: one 201 and one 409 ALREADY_ENROLLED, also across cohorts of a course', async () => {
    for (let round = 0; round < 5; round++) {
      const { cohort } = await createOpenCohort(t);
      const { cohort: other } = await createOpenCohort(t);
      const [p, q] = await createParticipants(t, 2);
      const same = await Promise.all([enrol(cohort.id, p!.id), enrol(cohort.id, p!.id)]);
      expect(same.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(same.find((r) => r.statusCode === 409)!.json().code).toBe('ALREADY_ENROLLED');
      const across = await Promise.all([enrol(cohort.id, q!.id), enrol(other.id, q!.id)]);
      expect(across.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(across.find((r) => r.statusCode === 409)!.json().code).toBe('ALREADY_ENROLLED');
      await expectSeatInvariants(cohort.id);
      await expectSeatInvariants(other.id);
    }
  });
});

describe('the database backs the rules', () => {
  it('refuses seats taken above the maximum (CHECK)', async () => {
    const { cohort } = await createOpenCohort(t, { max: 10 });
    const err = await t.database.db
      .update(cohorts)
      .set({ seatsTaken: 11 })
      .where(eq(cohorts.id, cohort.id))
      .then(() => null, (e: unknown) => e);
    expect(sqlStateOf(err).code).toBe('23514');
  });

  it('refuses a second live enrolment of a person on a course (unique index)', async () => {
    const { cohort } = await createOpenCohort(t);
    const { cohort: other } = await createOpenCohort(t);
    const [p] = await createParticipants(t, 1);
    const row = (c: typeof cohort, status: 'waitlisted' | 'offered' | 'confirmed' | 'withdrawn') => ({
      cohortId: c.id,
      courseId: c.courseId,
      participantId: p!.id,
      status,
    });
    await t.database.db.insert(enrolments).values(row(cohort, 'confirmed'));
    await t.database.db.insert(enrolments).values(row(other, 'withdrawn')); // ended ones do not count
    const err = await t.database.db.insert(enrolments).values(row(other, 'waitlisted')).then(() => null, (e: unknown) => e);
    expect(sqlStateOf(err)).toMatchObject({ code: '23505' });
  });

  it('refuses an enrolment whose course is not its cohort’s (foreign key), which would slip past that index', async () => {
    const { cohort } = await createOpenCohort(t);
    const [course] = await t.database.db.insert(courses).values({ name: 'Another course', ...DEFAULT_COURSE_RULES }).returning();
    const [p] = await createParticipants(t, 1);
    const err = await t.database.db
      .insert(enrolments)
      .values({ cohortId: cohort.id, courseId: course!.id, participantId: p!.id, status: 'confirmed' })
      .then(() => null, (e: unknown) => e);
    expect(sqlStateOf(err)).toMatchObject({ code: '23503', constraint: 'enrolments_cohort_course_fk' });
  });
});

describe('retrying transactions PostgreSQL aborts', () => {
  const raise = (db: Db, state: string) =>
    db.execute(sql.raw(`DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '${state}'; END $$`));

  it('runs a transaction again after a serialization failure or deadlock, a bounded number of times', async () => {
    const db = t.database.db;
    const { cohort } = await createOpenCohort(t, { title: 'before' });
    let attempts = 0;
    await transactionWithRetry(db, async (tx) => {
      attempts++;
      await tx.update(cohorts).set({ title: `attempt ${attempts}` }).where(eq(cohorts.id, cohort.id));
      if (attempts < 3) await raise(tx, attempts === 1 ? '40001' : '40P01');
    });
    expect(attempts).toBe(3);
    const [row] = await db.select().from(cohorts).where(eq(cohorts.id, cohort.id));
    expect(row!.title).toBe('attempt 3'); // the failed attempts were rolled back

    let tries = 0;
    const err = await transactionWithRetry(db, async (tx) => {
      tries++;
      await raise(tx, '40001');
    }, { attempts: 4 }).then(() => null, (e: unknown) => e);
    expect(tries).toBe(4);
    expect(sqlStateOf(err).code).toBe('40001');

    let once = 0;
    const other = await transactionWithRetry(db, async (tx) => {
      once++;
      await raise(tx, '23505');
    }).then(() => null, (e: unknown) => e);
    expect(once).toBe(1); // other errors are not retried
    expect(sqlStateOf(other).code).toBe('23505');
  });

  it.runIf(usingPostgres)('survives a real deadlock between two transactions', async () => {
    const db = t.database.db;
    const { cohort: a } = await createOpenCohort(t);
    const { cohort: b } = await createOpenCohort(t);
    const barrier = () => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    };
    const aLocked = barrier();
    const bLocked = barrier();
    const retries: string[] = [];
    const lockBoth = (first: string, second: string, mine: ReturnType<typeof barrier>, theirs: ReturnType<typeof barrier>) =>
      transactionWithRetry(
        db,
        async (tx) => {
          await tx.select().from(cohorts).where(eq(cohorts.id, first)).for('update');
          mine.open();
          await theirs.opened;
          await tx.select().from(cohorts).where(inArray(cohorts.id, [second])).for('update');
        },
        { onRetry: (_n, code) => retries.push(code) },
      );
    await Promise.all([lockBoth(a.id, b.id, aLocked, bLocked), lockBoth(b.id, a.id, bLocked, aLocked)]);
    expect(retries).toEqual(['40P01']);
  });
});
