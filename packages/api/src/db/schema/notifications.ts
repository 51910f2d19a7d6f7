// What the notification jobs remember having sent, so each message goes out exactly once.
import { index, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { cohortSessions } from './cohorts';
import { ts } from './columns';
import { enrolments } from './enrolments';

/** One row per (session, enrolment) whose reminder was written to the outbox (notifications/reminders.ts). */
export const sessionReminders = pgTable(
  'session_reminders',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => cohortSessions.id, { onDelete: 'cascade' }),
    enrolmentId: uuid('enrolment_id')
      .notNull()
      .references(() => enrolments.id),
    sentAt: ts('sent_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.enrolmentId] }), index('session_reminders_enrolment_idx').on(t.enrolmentId)],
);
