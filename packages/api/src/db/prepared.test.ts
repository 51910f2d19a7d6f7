// A statement prepared once serves the database and every transaction on it, each on its own
// connection: inside a transaction it sees (and locks) what that transaction sees, never another's.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, usingPostgres, type TestApp } from '../test/build-test-app';
import { courses, enrolments } from './schema/index';
import type { Db } from './client';
import { listCohorts } from '../modules/cohorts/cohorts.repo';
import { firstWaitlisted, lockCohortForSeats } from '../modules/enrolments/enrolments.repo';
import { anyId, limitStep, prepared } from './prepared';

const titleOf = (db: Db, id: string) =>
  prepared(db, 'test_course_title', (db, name) =>
    db.select({ name: courses.name }).from(courses).where(eq(courses.id, sql.placeholder('id'))).prepare(name),
  ).execute({ id });

describe('prepared statements', () => {
  let t: TestApp;
  let db: Db;
  let courseId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    db = t.database.db;
    const [course] = await db.select({ id: courses.id, name: courses.name }).from(courses).limit(1);
    courseId = course!.id;
  });
  afterAll(() => t.close());

  it('is built once and answers with each call’s own values', async () => {
    let builds = 0;
    const run = (id: string, on: Db = db) =>
      prepared(on, 'test_count_builds', (db, name) => {
        builds++;
        return db.select({ id: courses.id }).from(courses).where(eq(courses.id, sql.placeholder('id'))).prepare(name);
      }).execute({ id });
    expect(await run(courseId)).toEqual([{ id: courseId }]);
    expect(await run('00000000-0000-4000-8000-000000000000')).toEqual([]);
    await db.transaction(async (tx) => expect(await run(courseId, tx as unknown as Db)).toHaveLength(1));
    expect(builds).toBe(1);
  });

  it('runs inside a transaction on that transaction: it sees its uncommitted change, others do not, and a rollback undoes it', async () => {
    const [before] = await titleOf(db, courseId);
    await expect(
      db.transaction(async (tx) => {
        await tx.update(courses).set({ name: 'Changed inside' }).where(eq(courses.id, courseId));
        expect(await titleOf(tx as unknown as Db, courseId)).toEqual([{ name: 'Changed inside' }]);
        // On PostgreSQL the database handle is another connection: it still sees the committed title.
        // (PGlite has one connection: a statement outside the transaction would wait for it.)
        if (usingPostgres) expect(await titleOf(db, courseId)).toEqual([before]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await titleOf(db, courseId)).toEqual([before]);
  });

  it.runIf(usingPostgres)('holds its locks in the transaction it runs in', async () => {
    const lock = (h: Db) =>
      prepared(h, 'test_lock_course', (h, name) =>
        h.select({ id: courses.id }).from(courses).where(eq(courses.id, sql.placeholder('id'))).for('update', { noWait: true }).prepare(name),
      ).execute({ id: courseId });
    await db.transaction(async (tx) => {
      await lock(tx as unknown as Db);
      // Another transaction cannot take the row while this one holds it.
      await expect(db.transaction(async (other) => lock(other as unknown as Db))).rejects.toMatchObject({
        cause: expect.objectContaining({ code: '55P03' }),
      });
    });
    // Released with the commit.
    await db.transaction(async (other) => expect(await lock(other as unknown as Db)).toHaveLength(1));
  });

  // PostgreSQL plans a kept statement for its values five times, then keeps a generic plan unless that
  // one costs more. A LIMIT or constants passed as parameters made these cost more generically (a tenth
  // of the table assumed; the partial indexes of live enrolments and of offers unusable), so each was
  // planned afresh on every request: for a page of cohorts, planning cost more than running it.
  it('keeps the plans of the page of cohorts and of the seat decisions instead of planning them on every request', async () => {
    const [course] = await db.select({ id: courses.id }).from(courses).limit(1);
    await db.execute(sql`insert into cohorts (course_id, title, status, min_participants, max_participants, delivery_mode, first_session_at)
      select ${course!.id}, 'Plan ' || n, 'open', 8, 12, 'online', now() + n * interval '1 day' from generate_series(1, 300) n`);
    // A hundred of them with 100 enrolments each: most ended, a tenth live, a few offers open (the partial
    // indexes' rows).
    await db.execute(sql`insert into participants (first_name, last_name, email, relationship)
      select 'P', 'Plan ' || n, 'plan' || n || '@example.test', 'partner' from generate_series(1, 10000) n`);
    await db.execute(sql`insert into enrolments (cohort_id, course_id, participant_id, status, offered_at, offer_expires_at)
      select c.id, c.course_id, p.id, case when p.n % 10 = 0 then 'confirmed' when p.n % 10 = 1 then 'waitlisted' when p.n % 1000 = 2 then 'offered' else 'withdrawn' end,
        case when p.n % 1000 = 2 then now() end, case when p.n % 1000 = 2 then now() + interval '2 days' end
      from (select id, course_id, row_number() over (order by id) as k from cohorts) c
      join (select id, row_number() over (order by id) as n from participants) p on p.n % 100 + 1 = c.k`);
    await db.execute(sql`analyze cohorts`);
    await db.execute(sql`analyze enrolments`);
    // A cohort with a waitlist.
    const [cohort] = await db.select({ id: enrolments.cohortId }).from(enrolments).where(eq(enrolments.status, 'waitlisted')).limit(1);
    // One connection throughout (a transaction's), whose kept statements pg_prepared_statements lists.
    const plans = await db.transaction(async (tx) => {
      const on = tx as unknown as Db;
      for (let i = 0; i < 10; i++) {
        await listCohorts(on, { now: new Date(), filter: {}, limit: 26 });
        await lockCohortForSeats(on, { cohortId: cohort!.id });
        await firstWaitlisted(on, cohort!.id, 2);
      }
      const result = (await on.execute(sql`select name, generic_plans::int as generic from pg_prepared_statements`)) as unknown as { rows: { name: string; generic: number }[] };
      return result.rows;
    });
    const generic = Object.fromEntries(plans.map((p) => [p.name.replace(/^cohort_page_.*/, 'cohort_page'), p.generic]));
    expect(generic).toMatchObject({ cohort_page: 5, lock_cohort_by_cohort: 5, first_waitlisted: 5 });
  });

  it('writes a page’s LIMIT into the statement in a few steps, never fewer rows than asked', () => {
    expect([1, 11, 12, 26, 27, 51, 101].map((n) => limitStep(n).rows)).toEqual([11, 11, 26, 26, 51, 51, 101]);
    expect(limitStep(150).rows).toBe(150);
    expect(() => limitStep(0)).toThrow();
    expect(() => limitStep(2.5)).toThrow();
  });

  // PGlite keeps no statement unless asked: there a kept statement is a named statement of its one
  // session, parsed and planned once (PostgreSQL's plan cache), not on every call.
  describe.skipIf(usingPostgres)('on PGlite, as named statements of its session', () => {
    const named = async (name: string) => {
      const result = (await db.execute(sql`SELECT name FROM pg_prepared_statements WHERE name = ${name}`)) as unknown as { rows: unknown[] };
      return result.rows.length > 0;
    };

    it('parses a statement once, by its name, and binds each call’s values of any type', async () => {
      expect(await named('test_typed_values')).toBe(false);
      const typed = (ids: string[], after: Date, fee: number | null) =>
        prepared(db, 'test_typed_values', (db, name) =>
          db
            .select({ id: courses.id, createdAt: courses.createdAt })
            .from(courses)
            .where(sql`${anyId(courses.id, 'ids')} and ${courses.createdAt} > ${sql.placeholder('after')} and (${sql.placeholder('fee')}::int is null or ${courses.feePence} >= ${sql.placeholder('fee')}::int)`)
            .prepare(name),
        ).execute({ ids, after, fee });
      const rows = await typed([courseId, '00000000-0000-4000-8000-000000000000'], new Date(0), null);
      expect(rows).toEqual([{ id: courseId, createdAt: expect.any(Date) }]);
      expect(await named('test_typed_values')).toBe(true);
      expect(await typed([courseId], new Date(Date.now() + 86_400_000), null)).toEqual([]);
      expect(await typed([courseId], new Date(0), 1_000_000_000)).toEqual([]);
      expect(await typed([], new Date(0), 0)).toEqual([]);
    });

    it('outside a transaction waits for one in progress instead of running inside it', async () => {
      const [before] = await titleOf(db, courseId);
      let outside: Promise<unknown> | undefined;
      let settledInside = false;
      await expect(
        db.transaction(async (tx) => {
          await tx.update(courses).set({ name: 'Uncommitted' }).where(eq(courses.id, courseId));
          outside = titleOf(db, courseId);
          void outside.then(() => (settledInside = true));
          await new Promise((resolve) => setTimeout(resolve, 50));
          expect(settledInside).toBe(false);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      // It ran after the rollback: it never saw the uncommitted name.
      expect(await outside).toEqual([before]);
    });

    it('keeps a statement first prepared in a transaction that rolled back', async () => {
      const count = (on: Db = db) =>
        prepared(on, 'test_first_in_rollback', (db, name) =>
          db.select({ n: sql<number>`count(*)::int` }).from(courses).where(eq(courses.id, sql.placeholder('id'))).prepare(name),
        );
      await expect(
        db.transaction(async (tx) => {
          expect(await count(tx as unknown as Db).execute({ id: courseId })).toEqual([{ n: 1 }]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await count().execute({ id: courseId })).toEqual([{ n: 1 }]);
    });

    it('answers a refused write with the database’s error and leaves the session usable', async () => {
      const rename = (id: string, name: string | null, on: Db = db) =>
        prepared(on, 'test_rename_course', (db, stmt) =>
          db.update(courses).set({ name: sql.placeholder('name') as unknown as string }).where(eq(courses.id, sql.placeholder('id'))).prepare(stmt),
        ).execute({ id, name });
      await expect(rename(courseId, null)).rejects.toMatchObject({ cause: expect.objectContaining({ code: '23502' }) });
      await expect(
        db.transaction(async (tx) => {
          await rename(courseId, null, tx as unknown as Db);
        }),
      ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '23502' }) });
      const [before] = await titleOf(db, courseId);
      await rename(courseId, before!.name);
      expect(await titleOf(db, courseId)).toEqual([before]);
    });
  });
});
