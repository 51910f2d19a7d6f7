// Test set-up: rows inserted directly (no HTTP), so a test can start from "an open cohort with eligible
// people" in a few milliseconds. Behaviour under test still goes through the HTTP surface.
import { createHash, randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import {
  DEFAULT_DECLARATION_QUESTIONS,
  DEFAULT_DECLARATION_TEXT,
  type CohortStatus,
  type EligibilityOutcome,
  type StaffRole,
} from '@harbour/shared';
import type { Db } from '../db/client';
import {
  cohortFacilitators,
  cohorts,
  cohortSessions,
  courses,
  declarations,
  declarationVersions,
  participants,
} from '../db/schema/index';
import type { TestApp } from './build-test-app';

type CourseRow = typeof courses.$inferSelect;
export type CohortRow = typeof cohorts.$inferSelect;
export type SessionRow = typeof cohortSessions.$inferSelect;
export type ParticipantRow = typeof participants.$inferSelect;

const DAY = 86_400_000;

/** The seeded default course (or the one named). */
export async function defaultCourse(t: TestApp, courseId?: string): Promise<CourseRow> {
  const db = t.database.db;
  const [row] = courseId
    ? await db.select().from(courses).where(eq(courses.id, courseId)).limit(1)
    : await db.select().from(courses).orderBy(asc(courses.createdAt)).limit(1);
  if (!row) throw new Error('no course: was the base seed run?');
  return row;
}

export interface CohortOptions {
  courseId?: string;
  title?: string;
  status?: CohortStatus;
  min?: number;
  max?: number;
  /** When the first session starts; default 30 days from now. Sessions follow a week apart. */
  firstSessionAt?: Date;
  enrolmentDeadline?: Date | null;
  deliveryMode?: 'online' | 'in_person';
}

/** A published (status 'open') cohort of the default course with its sessions, inserted directly. */
export async function createOpenCohort(
  t: TestApp,
  opts: CohortOptions = {},
): Promise<{ cohort: CohortRow; sessions: SessionRow[]; course: CourseRow }> {
  const db = t.database.db;
  const course = await defaultCourse(t, opts.courseId);
  const first = opts.firstSessionAt ?? new Date(Date.now() + 30 * DAY);
  const starts = Array.from({ length: course.sessionCount }, (_, i) => new Date(first.getTime() + i * 7 * DAY));
  const length = course.sessionMinutes * 60_000;
  const status = opts.status ?? 'open';
  const [cohort] = await db
    .insert(cohorts)
    .values({
      courseId: course.id,
      title: opts.title ?? `Test cohort ${randomUUID().slice(0, 8)}`,
      status,
      minParticipants: opts.min ?? course.minParticipants,
      maxParticipants: opts.max ?? course.maxParticipants,
      deliveryMode: opts.deliveryMode ?? 'online',
      joiningLink: 'https://meet.example/harbour-test',
      enrolmentDeadline: opts.enrolmentDeadline ?? null,
      firstSessionAt: starts[0],
      lastSessionEndsAt: new Date(starts[starts.length - 1]!.getTime() + length),
      publishedAt: status === 'draft' ? null : new Date(),
    })
    .returning();
  if (!cohort) throw new Error('cohort insert returned nothing');
  const sessions = await db
    .insert(cohortSessions)
    .values(starts.map((startsAt, i) => ({ cohortId: cohort.id, position: i + 1, startsAt, endsAt: new Date(startsAt.getTime() + length) })))
    .returning();
  sessions.sort((a, b) => a.position - b.position);
  return { cohort, sessions, course };
}

/** The course's current declaration version, created (version 1, default wording) if it has none. */
export async function currentDeclarationVersion(db: Db, courseId: string) {
  const find = async () => {
    const rows = await db.select().from(declarationVersions).where(eq(declarationVersions.courseId, courseId));
    return rows.sort((a, b) => b.version - a.version)[0];
  };
  const existing = await find();
  if (existing) return existing;
  await db
    .insert(declarationVersions)
    .values({
      courseId,
      version: 1,
      text: DEFAULT_DECLARATION_TEXT,
      questions: DEFAULT_DECLARATION_QUESTIONS,
      sha256: createHash('sha256').update(DEFAULT_DECLARATION_TEXT).digest('hex'),
    })
    .onConflictDoNothing();
  const created = await find();
  if (!created) throw new Error('no declaration version');
  return created;
}

export interface ParticipantOptions {
  courseId?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string | null;
  /** The outcome of the person's (only) declaration; null: no declaration at all. Default 'eligible'. */
  outcome?: EligibilityOutcome | null;
}

/** People with a declaration of the given outcome (default eligible) for the course, in one insert each. */
export async function createParticipants(t: TestApp, n: number, opts: ParticipantOptions = {}): Promise<ParticipantRow[]> {
  if (n === 0) return [];
  const db = t.database.db;
  const course = await defaultCourse(t, opts.courseId);
  const rows = await db
    .insert(participants)
    .values(
      Array.from({ length: n }, (_, i) => {
        const tag = randomUUID().slice(0, 8);
        return {
          firstName: opts.firstName ?? `Pat${i}`,
          lastName: opts.lastName ?? `Tester-${tag}`,
          email: n === 1 && opts.email ? opts.email.toLowerCase() : `p-${tag}-${i}@example.test`,
          phone: opts.phone === undefined ? '07700 900123' : opts.phone,
          relationship: 'partner',
        };
      }),
    )
    .returning();
  const outcome = opts.outcome === undefined ? 'eligible' : opts.outcome;
  if (outcome) {
    const version = await currentDeclarationVersion(db, course.id);
    await db.insert(declarations).values(
      rows.map((p) => ({
        participantId: p.id,
        declarationVersionId: version.id,
        channel: 'staff' as const,
        // Test rows never carry real answers; the outcome is what enrolment reads.
        answers: 'test-factory',
        outcome,
        reasons: outcome === 'eligible' ? [] : outcome === 'ineligible' ? ['CONTACT_OFFENCE' as const] : ['UNSURE_ACCUSED_OF_GROOMING' as const],
      })),
    );
  }
  return rows;
}

export async function createEligibleParticipant(t: TestApp, opts: Omit<ParticipantOptions, 'outcome'> = {}): Promise<ParticipantRow> {
  const [row] = await createParticipants(t, 1, opts);
  return row!;
}

/** A signed-in facilitator assigned to the given cohorts. */
export async function createFacilitator(t: TestApp, cohortIds: string[], extraRoles: StaffRole[] = []) {
  const user = await t.staff(['facilitator', ...extraRoles], 'Fran Facilitator');
  await assignFacilitator(t, cohortIds, user.id);
  return user;
}

export async function assignFacilitator(t: TestApp, cohortIds: string[], userId: string): Promise<void> {
  if (cohortIds.length === 0) return;
  await t.database.db
    .insert(cohortFacilitators)
    .values(cohortIds.map((cohortId) => ({ cohortId, userId })))
    .onConflictDoNothing();
}

/** Sets columns of a cohort directly (e.g. to move it into the past for a test). */
export async function setCohort(t: TestApp, cohortId: string, values: Partial<typeof cohorts.$inferInsert>): Promise<void> {
  await t.database.db.update(cohorts).set(values).where(and(eq(cohorts.id, cohortId)));
}
