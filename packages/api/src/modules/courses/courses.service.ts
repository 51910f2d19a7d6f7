import {
  CourseRulesSchema,
  type Course,
  type CourseRules,
  type CreateCourseBody,
  type UpdateCourseBody,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { AppError, notFound, type FieldError } from '../../lib/app-error';
import { decodeCursor, toPage } from '../../lib/cursor';
import { findCourseById, insertCourse, listCourses, openCohortsOfCourse, updateCourse, type CourseRow } from './courses.repo';

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

/**
 * What a change of the rules would break for the course's cohorts that are not closed: each keeps
 * its size limits within the course's (DOMAIN: a cohort may narrow them, never widen them), and its
 * sessions were planned to the course's count and length.
 */
async function rulesBrokenForCohorts(tx: Db, row: CourseRow, next: CourseRules): Promise<FieldError[]> {
  const before = rulesOf(row);
  const shapeChanged = next.sessionCount !== before.sessionCount || next.sessionMinutes !== before.sessionMinutes;
  const sizeNarrowed = next.minParticipants > before.minParticipants || next.maxParticipants < before.maxParticipants;
  if (!shapeChanged && !sizeNarrowed) return [];
  const open = await openCohortsOfCourse(tx, row.id);
  if (open.length === 0) return [];
  const named = (list: { title: string }[]) =>
    `${list.length === 1 ? 'cohort' : `${list.length} cohorts`} (${list.slice(0, 3).map((c) => `“${c.title}”`).join(', ')}${list.length > 3 ? ', …' : ''})`;
  const problems: FieldError[] = [];
  for (const field of ['sessionCount', 'sessionMinutes'] as const) {
    if (next[field] !== before[field]) {
      problems.push({ path: `rules.${field}`, message: `The sessions of ${named(open)} not yet completed or cancelled follow the current rule.` });
    }
  }
  const belowMin = open.filter((c) => c.minParticipants < next.minParticipants);
  if (belowMin.length) {
    problems.push({ path: 'rules.minParticipants', message: `${named(belowMin)} would have a minimum below the course’s. Change them first.` });
  }
  const aboveMax = open.filter((c) => c.maxParticipants > next.maxParticipants);
  if (aboveMax.length) {
    problems.push({ path: 'rules.maxParticipants', message: `${named(aboveMax)} would take more people than the course allows. Change them first.` });
  }
  return problems;
}

export async function changeCourse(db: Db, id: string, body: UpdateCourseBody): Promise<Course> {
  return db.transaction(async (tx) => {
    const row = await findCourseById(tx, id, { lock: 'update' });
    if (!row) throw notFound('course');
    const merged = CourseRulesSchema.safeParse({ ...rulesOf(row), ...body.rules });
    if (!merged.success) {
      throw new AppError('VALIDATION_FAILED', 400, 'The course rules are not valid.', {
        errors: merged.error.issues.map((i) => ({ path: ['rules', ...i.path].join('.'), message: i.message })),
      });
    }
    const problems = await rulesBrokenForCohorts(tx, row, merged.data);
    if (problems.length) {
      throw new AppError('RULE_VIOLATION', 422, 'Cohorts still running or to come were planned under the current rules. See errors.', { errors: problems });
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
