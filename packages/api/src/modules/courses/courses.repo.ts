import { and, asc, eq, gt, notInArray, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { cohorts, courses } from '../../db/schema/index';

export type CourseRow = typeof courses.$inferSelect;
export type NewCourseRow = typeof courses.$inferInsert;

/**
 * `lock`: 'update' to change the course's rules; 'share' to build a cohort on them (a change of the
 * rules then waits for it, and is checked against it).
 */
export async function findCourseById(db: Db, id: string, opts: { lock?: 'update' | 'share' } = {}): Promise<CourseRow | undefined> {
  const query = db.select().from(courses).where(eq(courses.id, id)).limit(1);
  const [row] = opts.lock ? await query.for(opts.lock) : await query;
  return row;
}

/** The course's cohorts that are not closed (completed or cancelled), with what its rules bind. */
export async function openCohortsOfCourse(db: Db, courseId: string) {
  return db
    .select({ id: cohorts.id, title: cohorts.title, minParticipants: cohorts.minParticipants, maxParticipants: cohorts.maxParticipants })
    .from(cohorts)
    .where(and(eq(cohorts.courseId, courseId), notInArray(cohorts.status, ['completed', 'cancelled'])))
    .orderBy(asc(cohorts.firstSessionAt), asc(cohorts.id));
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
