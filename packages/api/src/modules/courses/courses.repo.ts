import { and, asc, eq, gt, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { courses } from '../../db/schema/index';

export type CourseRow = typeof courses.$inferSelect;
export type NewCourseRow = typeof courses.$inferInsert;

export async function findCourseById(db: Db, id: string): Promise<CourseRow | undefined> {
  const [row] = await db.select().from(courses).where(eq(courses.id, id)).limit(1);
  return row;
}

/** Keyset page ordered by (createdAt, id); `after` is the last row's key. */
export async function listCourses(db: Db, opts: { limit: number; after?: { createdAt: Date; id: string } }): Promise<CourseRow[]> {
  const where = opts.after
    ? or(gt(courses.createdAt, opts.after.createdAt), and(eq(courses.createdAt, opts.after.createdAt), gt(courses.id, opts.after.id)))
    : undefined;
  return db.select().from(courses).where(where).orderBy(asc(courses.createdAt), asc(courses.id)).limit(opts.limit);
}

export async function insertCourse(db: Db, values: NewCourseRow): Promise<CourseRow> {
  const [row] = await db.insert(courses).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateCourse(db: Db, id: string, values: Partial<NewCourseRow>): Promise<CourseRow | undefined> {
  const [row] = await db
    .update(courses)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(courses.id, id))
    .returning();
  return row;
}

export async function countCourses(db: Db): Promise<number> {
  return db.$count(courses);
}
