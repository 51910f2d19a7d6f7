import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { AttendanceStatus, EnrolmentStatus, PaymentStatus } from '@harbour/shared';
import { cohorts, cohortSessions } from './cohorts';
import { ts } from './columns';
import { courses } from './courses';
import { participants } from './participants';
import { users } from './users';

export const enrolments = pgTable(
  'enrolments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cohortId: uuid('cohort_id')
      .notNull()
      .references(() => cohorts.id),
    /** Denormalised from the cohort so one live enrolment per person and course is a unique index. */
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    participantId: uuid('participant_id')
      .notNull()
      .references(() => participants.id),
    status: text('status').$type<EnrolmentStatus>().notNull(),
    /** Waitlist order: first come, first served (positions are ranks over this, always contiguous). */
    queuedAt: ts('queued_at').notNull().defaultNow(),
    offeredAt: ts('offered_at'),
    offerExpiresAt: ts('offer_expires_at'),
    confirmedAt: ts('confirmed_at'),
    endedAt: ts('ended_at'),
    paymentStatus: text('payment_status').$type<PaymentStatus>().notNull().default('unpaid'),
    paymentNote: text('payment_note'),
    /** Set when the cohort is cancelled after payment: the fee is owed back. */
    refundDue: boolean('refund_due').notNull().default(false),
    manualIssuedAt: ts('manual_issued_at'),
    completedAt: ts('completed_at'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // The course copied here is the cohort's own, so the index below really is one live enrolment per course.
    foreignKey({ name: 'enrolments_cohort_course_fk', columns: [t.cohortId, t.courseId], foreignColumns: [cohorts.id, cohorts.courseId] }),
    uniqueIndex('enrolments_one_live_per_course')
      .on(t.participantId, t.courseId)
      .where(sql`${t.status} IN ('waitlisted','offered','confirmed')`),
    index('enrolments_cohort_status_idx').on(t.cohortId, t.status, t.queuedAt),
    // Live counts per cohort (lists, seat checks) read only live rows, most of a cohort's history being ended.
    index('enrolments_live_cohort_idx')
      .on(t.cohortId, t.status)
      .where(sql`${t.status} IN ('waitlisted','offered','confirmed')`),
    // The roster's order: a page is read straight from the index instead of sorting the whole cohort.
    index('enrolments_cohort_queue_idx').on(t.cohortId, t.queuedAt, t.id),
    index('enrolments_participant_idx').on(t.participantId),
    index('enrolments_offer_expiry_idx').on(t.offerExpiresAt).where(sql`${t.status} = 'offered'`),
  ],
);

/** Every state change of an enrolment, with who and when. */
export const enrolmentEvents = pgTable(
  'enrolment_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    enrolmentId: uuid('enrolment_id')
      .notNull()
      .references(() => enrolments.id),
    fromStatus: text('from_status').$type<EnrolmentStatus>(),
    toStatus: text('to_status').$type<EnrolmentStatus>().notNull(),
    actorKind: text('actor_kind').$type<'staff' | 'system' | 'partner'>().notNull(),
    actorId: uuid('actor_id'),
    /** Why it changed (a reason staff gave, or the system's). Encrypted at rest (field enrolment_events.note). */
    note: text('note'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('enrolment_events_enrolment_idx').on(t.enrolmentId, t.at)],
);

export const attendance = pgTable(
  'attendance',
  {
    enrolmentId: uuid('enrolment_id')
      .notNull()
      .references(() => enrolments.id),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => cohortSessions.id, { onDelete: 'cascade' }),
    status: text('status').$type<AttendanceStatus>().notNull(),
    recordedBy: uuid('recorded_by').references(() => users.id),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.enrolmentId, t.sessionId] }),
    index('attendance_session_idx').on(t.sessionId),
    // Each roster row's marks from the index alone, without visiting the table.
    index('attendance_enrolment_marks_idx').on(t.enrolmentId, t.sessionId, t.status),
  ],
);
