import { and, asc, eq, gt, inArray, isNull, lte, notExists, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { cohorts, cohortSessions, courses, enrolments, participants, sessionReminders } from '../../db/schema/index';
import { atRiskSql } from '../cohorts/cohorts.repo';

/** Who an e-mail about an enrolment goes to; undefined when the person was erased (nothing is sent). */
export async function findRecipient(db: Db, participantId: string): Promise<{ email: string; firstName: string } | undefined> {
  const [row] = await db
    .select({ email: participants.email, firstName: participants.firstName })
    .from(participants)
    .where(and(eq(participants.id, participantId), isNull(participants.erasedAt)))
    .limit(1);
  return row;
}

/** The people (not erased) holding these enrolments, with whether a refund is owed on each. */
export async function listRecipientsOfEnrolments(db: Db, enrolmentIds: string[]) {
  if (enrolmentIds.length === 0) return [];
  return db
    .select({ enrolmentId: enrolments.id, participantId: participants.id, email: participants.email, firstName: participants.firstName, refundDue: enrolments.refundDue })
    .from(enrolments)
    .innerJoin(participants, eq(participants.id, enrolments.participantId))
    .where(and(inArray(enrolments.id, enrolmentIds), isNull(participants.erasedAt)))
    .orderBy(asc(enrolments.queuedAt), asc(enrolments.id));
}

/** Cohorts at risk at `now` (the one definition, cohorts.repo atRiskSql) whose coordinators were not yet told. */
export async function listAtRiskCohortIdsNotAlerted(db: Db, now: Date): Promise<string[]> {
  const rows = await db
    .select({ id: cohorts.id })
    .from(cohorts)
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(and(isNull(cohorts.atRiskAlertedAt), atRiskSql(now)))
    .orderBy(asc(cohorts.firstSessionAt), asc(cohorts.id));
  return rows.map((r) => r.id);
}

/** Not a change of the cohort itself: the version (ETag) stays, so nobody's edit is refused because of it. */
export async function markAtRiskAlerted(db: Db, cohortId: string, now: Date): Promise<void> {
  await db.update(cohorts).set({ atRiskAlertedAt: now }).where(eq(cohorts.id, cohortId));
}

/** Sessions starting after `now` and no later than `until`, of cohorts that are running or about to, with their cohort. */
export async function listSessionsStartingBetween(db: Db, now: Date, until: Date) {
  return db
    .select({
      session: cohortSessions,
      cohort: { id: cohorts.id, deliveryMode: cohorts.deliveryMode, venue: cohorts.venue, joiningLink: cohorts.joiningLink },
      sessionCount: sql<number>`(select count(*) from ${cohortSessions} s where s.cohort_id = ${cohorts.id})`.mapWith(Number),
    })
    .from(cohortSessions)
    .innerJoin(cohorts, eq(cohorts.id, cohortSessions.cohortId))
    .where(and(gt(cohortSessions.startsAt, now), lte(cohortSessions.startsAt, until), inArray(cohorts.status, ['open', 'confirmed', 'in_progress'])))
    .orderBy(asc(cohortSessions.startsAt), asc(cohortSessions.id));
}

/** Confirmed enrolments of the cohort (people not erased) that have had no reminder for this session yet. */
export async function listUnremindedConfirmed(db: Db, cohortId: string, sessionId: string) {
  return db
    .select({ enrolmentId: enrolments.id, participantId: participants.id, email: participants.email, firstName: participants.firstName })
    .from(enrolments)
    .innerJoin(participants, eq(participants.id, enrolments.participantId))
    .where(
      and(
        eq(enrolments.cohortId, cohortId),
        eq(enrolments.status, 'confirmed'),
        isNull(participants.erasedAt),
        notExists(
          db
            .select({ one: sql`1` })
            .from(sessionReminders)
            .where(and(eq(sessionReminders.sessionId, sessionId), eq(sessionReminders.enrolmentId, enrolments.id))),
        ),
      ),
    )
    .orderBy(asc(enrolments.id));
}

/** Records reminders as sent; answers the enrolment ids this call recorded (a concurrent run's are skipped). */
export async function insertReminders(db: Db, sessionId: string, enrolmentIds: string[], now: Date): Promise<string[]> {
  if (enrolmentIds.length === 0) return [];
  const rows = await db
    .insert(sessionReminders)
    .values(enrolmentIds.map((enrolmentId) => ({ sessionId, enrolmentId, sentAt: now })))
    .onConflictDoNothing()
    .returning({ enrolmentId: sessionReminders.enrolmentId });
  return rows.map((r) => r.enrolmentId);
}
