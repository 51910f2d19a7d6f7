import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { CohortStatus } from '@harbour/shared';
import { ts } from './columns';
import { courses } from './courses';
import { users } from './users';

export const cohorts = pgTable(
  'cohorts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    title: text('title').notNull(),
    status: text('status').$type<CohortStatus>().notNull().default('draft'),
    minParticipants: integer('min_participants').notNull(),
    maxParticipants: integer('max_participants').notNull(),
    /**
     * Seats held (confirmed + live offers), kept in the same transaction as every enrolment change.
     * The CHECK makes over-booking impossible even if the code were wrong.
     */
    seatsTaken: integer('seats_taken').notNull().default(0),
    deliveryMode: text('delivery_mode').$type<'online' | 'in_person'>().notNull(),
    venue: text('venue'),
    joiningLink: text('joining_link'),
    /** When enrolment closes; null means when the first session starts. */
    enrolmentDeadline: ts('enrolment_deadline'),
    /** Denormalised from the schedule for filtering and viability; maintained with the sessions. */
    firstSessionAt: ts('first_session_at'),
    lastSessionEndsAt: ts('last_session_ends_at'),
    cancelReason: text('cancel_reason'),
    publishedAt: ts('published_at'),
    cancelledAt: ts('cancelled_at'),
    completedAt: ts('completed_at'),
    /** When the coordinators were told the cohort is at risk (once per cohort; notifications/at-risk.ts). */
    atRiskAlertedAt: ts('at_risk_alerted_at'),
    /** Optimistic concurrency: the ETag is the version. */
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('cohorts_seats_within_max', sql`${t.seatsTaken} >= 0 AND ${t.seatsTaken} <= ${t.maxParticipants}`),
    check('cohorts_min_le_max', sql`${t.minParticipants} >= 1 AND ${t.minParticipants} <= ${t.maxParticipants}`),
    check(
      'cohorts_status_valid',
      sql`${t.status} IN ('draft','open','confirmed','in_progress','completed','cancelled')`,
    ),
    // For enrolments' (cohort_id, course_id) foreign key: an enrolment's course is its cohort's.
    unique('cohorts_id_course_unique').on(t.id, t.courseId),
    index('cohorts_status_first_idx').on(t.status, t.firstSessionAt),
    index('cohorts_course_idx').on(t.courseId),
    index('cohorts_first_session_idx').on(t.firstSessionAt, t.id),
  ],
);

export const cohortSessions = pgTable(
  'cohort_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cohortId: uuid('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    /** 1-based order within the cohort. */
    position: integer('position').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
  },
  (t) => [
    uniqueIndex('cohort_sessions_position_key').on(t.cohortId, t.position),
    // A cohort's schedule (each page of cohorts, each roster row's attendance) from the index alone, in
    // order, without visiting the table.
    index('cohort_sessions_schedule_idx').on(t.cohortId, t.position, t.startsAt, t.endsAt, t.id),
    index('cohort_sessions_starts_idx').on(t.startsAt),
    check('cohort_sessions_ends_after_start', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/** Facilitators see and record attendance only for the cohorts they are assigned to. */
export const cohortFacilitators = pgTable(
  'cohort_facilitators',
  {
    cohortId: uuid('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.userId] }), index('cohort_facilitators_user_idx').on(t.userId)],
);
