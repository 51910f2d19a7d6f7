import { and, asc, count, desc, eq, exists, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import type { EnrolmentStatus } from '@harbour/shared';
import type { Db } from '../../db/client';
import {
  attendance,
  cohortFacilitators,
  cohortSessions,
  cohorts,
  courses,
  enrolmentEvents,
  enrolments,
  participants,
  users,
} from '../../db/schema/index';

export type EnrolmentRow = typeof enrolments.$inferSelect;
export type NewEnrolmentRow = typeof enrolments.$inferInsert;
export type EnrolmentEventRow = typeof enrolmentEvents.$inferSelect;
export type NewEnrolmentEventRow = typeof enrolmentEvents.$inferInsert;
export type SessionRow = typeof cohortSessions.$inferSelect;
export type AttendanceRow = typeof attendance.$inferSelect;
export type ParticipantRow = typeof participants.$inferSelect;

/** The database's own clock, read at the statement (not the transaction start): strictly ordered under the cohort lock. */
export const clockNow = sql<Date>`clock_timestamp()`;

export async function findEnrolmentById(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<EnrolmentRow | undefined> {
  const query = db.select().from(enrolments).where(eq(enrolments.id, id)).limit(1);
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  return row;
}

/** The cohort row, locked: only for the system (expiry), which is not scoped to an actor. */
export async function lockCohortById(db: Db, cohortId: string) {
  const [row] = await db.select().from(cohorts).where(eq(cohorts.id, cohortId)).limit(1).for('update');
  return row;
}

export async function findCourseOfferHours(db: Db, courseId: string): Promise<number | undefined> {
  const [row] = await db.select({ offerHours: courses.offerHours }).from(courses).where(eq(courses.id, courseId)).limit(1);
  return row?.offerHours;
}

export async function findParticipantById(db: Db, id: string): Promise<ParticipantRow | undefined> {
  const [row] = await db.select().from(participants).where(eq(participants.id, id)).limit(1);
  return row;
}

export async function findLiveEnrolmentOnCourse(db: Db, participantId: string, courseId: string): Promise<EnrolmentRow | undefined> {
  const [row] = await db
    .select()
    .from(enrolments)
    .where(
      and(
        eq(enrolments.participantId, participantId),
        eq(enrolments.courseId, courseId),
        inArray(enrolments.status, ['waitlisted', 'offered', 'confirmed']),
      ),
    )
    .limit(1);
  return row;
}

export async function insertEnrolment(db: Db, values: PgInsertValue<typeof enrolments>): Promise<EnrolmentRow> {
  const [row] = await db.insert(enrolments).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Updates only if the enrolment is still in `from`; answers undefined otherwise. */
export async function updateEnrolmentFrom(
  db: Db,
  id: string,
  from: EnrolmentStatus,
  values: Partial<NewEnrolmentRow>,
): Promise<EnrolmentRow | undefined> {
  const [row] = await db
    .update(enrolments)
    .set(values)
    .where(and(eq(enrolments.id, id), eq(enrolments.status, from)))
    .returning();
  return row;
}

export async function updateEnrolment(db: Db, id: string, values: Partial<NewEnrolmentRow>): Promise<EnrolmentRow | undefined> {
  const [row] = await db.update(enrolments).set(values).where(eq(enrolments.id, id)).returning();
  return row;
}

export async function insertEnrolmentEvent(db: Db, values: PgInsertValue<typeof enrolmentEvents>): Promise<void> {
  await db.insert(enrolmentEvents).values(values);
}

/** Adds `delta` to the cohort's seats taken (the CHECK refuses more than the maximum); answers the new value. */
export async function addSeatsTaken(db: Db, cohortId: string, delta: number): Promise<number> {
  const [row] = await db
    .update(cohorts)
    .set({ seatsTaken: sql`${cohorts.seatsTaken} + ${delta}` })
    .where(eq(cohorts.id, cohortId))
    .returning({ seatsTaken: cohorts.seatsTaken });
  if (!row) throw new Error('cohort vanished');
  return row.seatsTaken;
}

export async function setCohortStatus(db: Db, cohortId: string, status: 'confirmed'): Promise<void> {
  await db
    .update(cohorts)
    .set({ status, version: sql`${cohorts.version} + 1`, updatedAt: new Date() })
    .where(eq(cohorts.id, cohortId));
}

const waitlistOrder = [asc(enrolments.queuedAt), asc(enrolments.id)];

/** The first `n` people on the cohort's waitlist, in order. */
export async function firstWaitlisted(db: Db, cohortId: string, n: number): Promise<EnrolmentRow[]> {
  return db
    .select()
    .from(enrolments)
    .where(and(eq(enrolments.cohortId, cohortId), eq(enrolments.status, 'waitlisted')))
    .orderBy(...waitlistOrder)
    .limit(n);
}

/** 1-based place of a waitlisted enrolment: how many are ahead of it, plus one. */
export async function waitlistPositionOf(db: Db, row: Pick<EnrolmentRow, 'cohortId' | 'queuedAt' | 'id'>): Promise<number> {
  const [ahead] = await db
    .select({ n: count() })
    .from(enrolments)
    .where(
      and(
        eq(enrolments.cohortId, row.cohortId),
        eq(enrolments.status, 'waitlisted'),
        or(lt(enrolments.queuedAt, row.queuedAt), and(eq(enrolments.queuedAt, row.queuedAt), lt(enrolments.id, row.id))),
      ),
    );
  return (ahead?.n ?? 0) + 1;
}

/** Every waitlisted enrolment of the cohort with its 1-based position, in one query. */
export async function waitlistPositions(db: Db, cohortId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ id: enrolments.id, position: sql<number>`row_number() over (order by ${enrolments.queuedAt}, ${enrolments.id})`.mapWith(Number) })
    .from(enrolments)
    .where(and(eq(enrolments.cohortId, cohortId), eq(enrolments.status, 'waitlisted')));
  return new Map(rows.map((r) => [r.id, r.position]));
}

export async function countConfirmed(db: Db, cohortId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(enrolments)
    .where(and(eq(enrolments.cohortId, cohortId), eq(enrolments.status, 'confirmed')));
  return row?.n ?? 0;
}

/** Offers of the cohort whose expiry has passed but which are still marked `offered`. */
export async function lapsedOffers(db: Db, cohortId: string, now: Date): Promise<EnrolmentRow[]> {
  return db
    .select()
    .from(enrolments)
    .where(and(eq(enrolments.cohortId, cohortId), eq(enrolments.status, 'offered'), lte(enrolments.offerExpiresAt, now)))
    .orderBy(asc(enrolments.offerExpiresAt), asc(enrolments.id));
}

/** Cohorts holding at least one lapsed offer (read without a lock; each is then locked and re-read). */
export async function cohortsWithLapsedOffers(db: Db, now: Date): Promise<string[]> {
  const rows = await db
    .selectDistinct({ cohortId: enrolments.cohortId })
    .from(enrolments)
    .where(and(eq(enrolments.status, 'offered'), lte(enrolments.offerExpiresAt, now)));
  return rows.map((r) => r.cohortId);
}

export async function listSessions(db: Db, cohortId: string): Promise<SessionRow[]> {
  return db.select().from(cohortSessions).where(eq(cohortSessions.cohortId, cohortId)).orderBy(asc(cohortSessions.position));
}

export async function findSessionById(db: Db, id: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(cohortSessions).where(eq(cohortSessions.id, id)).limit(1);
  return row;
}

export type RosterRow = { enrolment: EnrolmentRow; participant: ParticipantRow };

/** queued_at to the microsecond, as text: a JS Date would lose the microseconds a keyset cursor needs. */
const queuedAtKey = sql<string>`${enrolments.queuedAt}::text`;

/** A keyset page of the cohort's enrolments in the order people came (queuedAt, id), with each person. */
export async function listRoster(
  db: Db,
  cohortId: string,
  opts: { limit: number; status?: EnrolmentStatus; after?: { queuedAtKey: string; id: string } },
): Promise<(RosterRow & { queuedAtKey: string })[]> {
  const where: (SQL | undefined)[] = [eq(enrolments.cohortId, cohortId)];
  if (opts.status) where.push(eq(enrolments.status, opts.status));
  if (opts.after) {
    where.push(sql`(${enrolments.queuedAt}, ${enrolments.id}) > (${opts.after.queuedAtKey}::timestamptz, ${opts.after.id}::uuid)`);
  }
  return db
    .select({ enrolment: enrolments, participant: participants, queuedAtKey })
    .from(enrolments)
    .innerJoin(participants, eq(participants.id, enrolments.participantId))
    .where(and(...where))
    .orderBy(...waitlistOrder)
    .limit(opts.limit);
}

/** The cohort's enrolments that belong on an exported roster (live or completed), with each person. */
export async function listRosterForExport(db: Db, cohortId: string): Promise<RosterRow[]> {
  return db
    .select({ enrolment: enrolments, participant: participants })
    .from(enrolments)
    .innerJoin(participants, eq(participants.id, enrolments.participantId))
    .where(and(eq(enrolments.cohortId, cohortId), inArray(enrolments.status, ['confirmed', 'completed', 'offered', 'waitlisted'])))
    .orderBy(...waitlistOrder);
}

export async function attendanceOf(db: Db, enrolmentIds: string[]): Promise<AttendanceRow[]> {
  if (enrolmentIds.length === 0) return [];
  return db.select().from(attendance).where(inArray(attendance.enrolmentId, enrolmentIds));
}

export async function findEnrolmentsByIds(db: Db, ids: string[]): Promise<EnrolmentRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(enrolments).where(inArray(enrolments.id, ids));
}

export async function upsertAttendance(
  db: Db,
  rows: { enrolmentId: string; sessionId: string; status: AttendanceRow['status']; recordedBy: string }[],
): Promise<void> {
  await db
    .insert(attendance)
    .values(rows.map((r) => ({ ...r, recordedAt: new Date() })))
    .onConflictDoUpdate({
      target: [attendance.enrolmentId, attendance.sessionId],
      set: { status: sql`excluded.status`, recordedBy: sql`excluded.recorded_by`, recordedAt: sql`excluded.recorded_at` },
    });
}

export async function attendanceOfSession(db: Db, sessionId: string): Promise<AttendanceRow[]> {
  return db.select().from(attendance).where(eq(attendance.sessionId, sessionId)).orderBy(asc(attendance.recordedAt), asc(attendance.enrolmentId));
}

export async function listEvents(db: Db, enrolmentId: string) {
  return db
    .select({ event: enrolmentEvents, actorName: users.name })
    .from(enrolmentEvents)
    .leftJoin(users, eq(users.id, enrolmentEvents.actorId))
    .where(eq(enrolmentEvents.enrolmentId, enrolmentId))
    .orderBy(asc(enrolmentEvents.at), asc(enrolmentEvents.id));
}

const ahead = alias(enrolments, 'ahead');

/**
 * A person's enrolments, newest first, each with its cohort and (while waitlisted) its place in the
 * queue, in one statement. `visibleTo` limits them to cohorts that user is assigned to (facilitators).
 */
export async function listEnrolmentsOfParticipant(db: Db, participantId: string, opts: { visibleTo?: string } = {}) {
  const where: SQL[] = [eq(enrolments.participantId, participantId)];
  if (opts.visibleTo) {
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(cohortFacilitators)
          .where(and(eq(cohortFacilitators.cohortId, enrolments.cohortId), eq(cohortFacilitators.userId, opts.visibleTo))),
      ),
    );
  }
  // Same order as waitlistPositions: (queuedAt, id) among the cohort's waitlisted enrolments.
  const placesAhead = db
    .select({ n: sql`count(*) + 1` })
    .from(ahead)
    .where(
      and(
        eq(ahead.cohortId, enrolments.cohortId),
        eq(ahead.status, 'waitlisted'),
        sql`(${ahead.queuedAt}, ${ahead.id}) < (${enrolments.queuedAt}, ${enrolments.id})`,
      ),
    );
  const waitlistPosition = sql<number | null>`case when ${enrolments.status} = 'waitlisted' then (${placesAhead}) end`.mapWith(
    (v: unknown) => (v === null ? null : Number(v)),
  );
  return db
    .select({
      enrolment: enrolments,
      cohort: { id: cohorts.id, title: cohorts.title, status: cohorts.status, firstSessionAt: cohorts.firstSessionAt },
      waitlistPosition,
    })
    .from(enrolments)
    .innerJoin(cohorts, eq(cohorts.id, enrolments.cohortId))
    .where(and(...where))
    .orderBy(desc(enrolments.createdAt), desc(enrolments.id));
}
