import {
  CourseRulesSchema,
  type Course,
  type CourseRules,
  type CreateCourseBody,
  type UpdateCourseBody,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { AppError, notFound } from '../../lib/app-error';
import { decodeCursor, toPage } from '../../lib/cursor';
import { findCourseById, insertCourse, listCourses, updateCourse, type CourseRow } from './courses.repo';

export function rulesOf(row: CourseRow): CourseRules {
  return {
    sessionCount: row.sessionCount,
    sessionMinutes: row.sessionMinutes,
    minParticipants: row.minParticipants,
    maxParticipants: row.maxParticipants,
    feePence: row.feePence,
    offerHours: row.offerHours,
    atRiskDays: row.atRiskDays,
  };
}

export function toCourse(row: CourseRow): Course {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    rules: rulesOf(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getCourse(db: Db, id: string): Promise<Course> {
  const row = await findCourseById(db, id);
  if (!row) throw notFound('course');
  return toCourse(row);
}

export async function listCoursePage(db: Db, query: { limit: number; cursor?: string }) {
  let after: { createdAt: Date; id: string } | undefined;
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, 2);
    after = { createdAt: new Date(String(createdAt)), id: String(id) };
  }
  const rows = await listCourses(db, { limit: query.limit + 1, after });
  const page = toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: page.items.map(toCourse), nextCursor: page.nextCursor };
}

export async function createCourse(db: Db, body: CreateCourseBody): Promise<Course> {
  return toCourse(await insertCourse(db, { name: body.name, description: body.description, ...body.rules }));
}

export async function changeCourse(db: Db, id: string, body: UpdateCourseBody): Promise<Course> {
  return db.transaction(async (tx) => {
    const row = await findCourseById(tx, id);
    if (!row) throw notFound('course');
    const merged = CourseRulesSchema.safeParse({ ...rulesOf(row), ...body.rules });
    if (!merged.success) {
      throw new AppError('VALIDATION_FAILED', 400, 'The course rules are not valid.', {
        errors: merged.error.issues.map((i) => ({ path: ['rules', ...i.path].join('.'), message: i.message })),
      });
    }
    const updated = await updateCourse(tx, id, {
      ...(body.name !== undefined && { name: body.name }),
      ...(body.description !== undefined && { description: body.description }),
      ...merged.data,
    });
    if (!updated) throw notFound('course');
    return toCourse(updated);
  });
}
