// A statement prepared once serves the database and every transaction on it, each on its own
// connection: inside a transaction it sees (and locks) what that transaction sees, never another's.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, usingPostgres, type TestApp } from '../test/build-test-app';
import { courses } from './schema/index';
import type { Db } from './client';
import { prepared } from './prepared';

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
});
