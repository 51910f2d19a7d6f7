import { and, asc, count, desc, eq, exists, inArray, lt, lte, min, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { LIVE_ENROLMENT_STATUSES, type EnrolmentStatus } from '@harbour/shared';
import type { Db } from '../../db/client';
import { anyId, constant, prepared, shapeName, valuesAsPlaceholders } from '../../db/prepared';
import { ENCRYPTED_FIELDS, encryptOptional } from '../../lib/encryption';
import { assignedTo, type CohortRow } from '../cohorts/cohort-access';
import { eligibleToEnrol } from '../declarations/declarations.repo';
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
const clockNow = sql<Date>`clock_timestamp()`;

export async function findEnrolmentById(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<EnrolmentRow | undefined> {
  const byId = eq(enrolments.id, sql.placeholder('id'));
  const [row] = opts.forUpdate
    ? await prepared(db, 'enrolment_by_id_for_update', (db, name) => db.select().from(enrolments).where(byId).limit(1).for('update').prepare(name)).execute({ id })
    : await prepared(db, 'enrolment_by_id', (db, name) => db.select().from(enrolments).where(byId).limit(1).prepare(name)).execute({ id });
  return row;
}

/** The cohort row, locked: only for the system (expiry), which is not scoped to an actor. */
export async function lockCohortById(db: Db, cohortId: string) {
  const [row] = await db.select().from(cohorts).where(eq(cohorts.id, cohortId)).limit(1).for('update');
  return row;
}

const offer = alias(enrolments, 'offer');
const target = alias(enrolments, 'target');

export interface LockedCohort {
  cohort: CohortRow;
  /** The course's offer hours (how long an offered seat is held). */
  offerHours: number;
  /** The earliest expiry among the cohort's offers, null when it has none. */
  nextOfferExpiresAt: Date | null;
  /** Whether the actor may see the cohort (the `visible` condition given). */
  visible: boolean;
}

/**
 * Locks the cohort row (`FOR UPDATE OF cohorts` only: the course is read, not locked), by its id or by
 * one of its enrolments', and reads what every seat decision needs with it, in one statement.
 *
 * `nextOfferExpiresAt` comes from the snapshot the statement started with, which is older than the
 * lock when the statement had to wait for it: it can miss an offer made by the transaction waited
 * for, but such an offer is hours from lapsing (offer hours are at least 1), so "nothing has lapsed"
 * stays true. It may also show an offer that has since been answered; that only costs a query.
 */
export async function lockCohortForSeats(
  db: Db,
  by: { cohortId: string } | { enrolmentId: string },
  visibleTo?: string,
  holdPerson?: string,
): Promise<LockedCohort | undefined> {
  const byCohort = 'cohortId' in by;
  const name = `lock_cohort_by_${byCohort ? 'cohort' : 'enrolment'}${visibleTo === undefined ? '' : '_assigned'}${holdPerson === undefined ? '' : '_holding'}`;
  const [row] = await prepared(db, name, (db, name) => {
    const cohortId = byCohort
      ? sql.placeholder('id')
      : sql`(${db.select({ cohortId: target.cohortId }).from(target).where(eq(target.id, sql.placeholder('id')))})`;
    const earliestOffer = db
      .select({ at: min(offer.offerExpiresAt) })
      .from(offer)
      .where(and(eq(offer.cohortId, cohorts.id), eq(offer.status, constant('offered'))));
    const nextOfferExpiresAt = sql<Date | null>`(${earliestOffer})`.mapWith(offer.offerExpiresAt);
    const visible = visibleTo === undefined ? sql<boolean>`true` : assignedTo(sql.placeholder('userId'));
    // The person's row held FOR KEY SHARE in this same statement, so that what the transaction's next
    // statements read about them (their latest declaration) is read after any declaration that held
    // their row (FOR UPDATE) has committed; a declaration that comes later waits for this transaction.
    const personHeld =
      holdPerson === undefined
        ? sql<boolean>`true`
        : sql<boolean>`(select true from ${participants} where ${participants.id} = ${sql.placeholder('personId')} for key share)`;
    return db
      .select({ cohort: cohorts, offerHours: courses.offerHours, nextOfferExpiresAt, visible, personHeld })
      .from(cohorts)
      .innerJoin(courses, eq(courses.id, cohorts.courseId))
      .where(eq(cohorts.id, cohortId))
      .limit(1)
      .for('update', { of: cohorts })
      .prepare(name);
  }).execute({ id: byCohort ? by.cohortId : by.enrolmentId, userId: visibleTo, personId: holdPerson });
  return row;
}

export interface EnrolmentChecks {
  participant: { id: string; email: string; firstName: string; erasedAt: Date | null };
  /** The latest declaration makes them eligible for the cohort's course (declarations.repo eligibleToEnrol). */
  eligible: boolean;
  /** They already hold or wait for a place on the course (in any cohort of it). */
  alreadyEnrolled: boolean;
  /** Nobody is on the cohort's waitlist. */
  waitlistEmpty: boolean;
}

/**
 * Everything enrolling the person into the (locked) cohort depends on, in one statement. The person's
 * row is held `FOR KEY SHARE` (as the enrolment's foreign key would hold it): an erasure cannot slip in
 * before the commit, so the e-mail address read here is still theirs to write to when the mail goes out.
 */
export async function findEnrolmentChecks(
  db: Db,
  participantId: string,
  cohort: Pick<CohortRow, 'id' | 'courseId'>,
): Promise<EnrolmentChecks | undefined> {
  const [row] = await prepared(db, 'enrolment_checks', (db, name) => {
    const p = sql.placeholder;
    const live = db
      .select({ one: sql`1` })
      .from(enrolments)
      .where(
        and(
          eq(enrolments.participantId, participants.id),
          eq(enrolments.courseId, p('courseId')),
          inArray(enrolments.status, [...LIVE_ENROLMENT_STATUSES]),
        ),
      );
    const waiting = db
      .select({ one: sql`1` })
      .from(enrolments)
      .where(and(eq(enrolments.cohortId, p('cohortId')), eq(enrolments.status, 'waitlisted')));
    return db
      .select({
        participant: { id: participants.id, email: participants.email, firstName: participants.firstName, erasedAt: participants.erasedAt },
        eligible: eligibleToEnrol(participants.id, p('courseId')),
        alreadyEnrolled: sql<boolean>`${exists(live)}`,
        waitlistEmpty: sql<boolean>`not ${exists(waiting)}`,
      })
      .from(participants)
      .where(eq(participants.id, p('participantId')))
      .limit(1)
      .for('key share', { of: participants })
      .prepare(name);
  }).execute({ participantId, courseId: cohort.courseId, cohortId: cohort.id });
  return row;
}

export async function updateEnrolment(db: Db, id: string, values: Partial<NewEnrolmentRow>): Promise<EnrolmentRow | undefined> {
  const [row] = await db.update(enrolments).set(values).where(eq(enrolments.id, id)).returning();
  return row;
}

/** The history row written with a change of an enrolment's status. */
export interface EnrolmentEventValues {
  fromStatus: EnrolmentStatus | null;
  toStatus: EnrolmentStatus;
  actorKind: 'staff' | 'system';
  actorId: string | null;
  note: string | null;
}

/** A new enrolment (queued at the database's clock), or an update of one that applies only while it is still in `from`. */
export type EnrolmentChange =
  | {
      insert: Pick<NewEnrolmentRow, 'cohortId' | 'courseId' | 'participantId' | 'status'> & {
        createdBy: string | null;
        confirmedAt: Date | null;
        at: Date;
      };
    }
  | { update: { id: string; from: EnrolmentStatus; set: Partial<Record<keyof NewEnrolmentRow, Date | string | boolean | null>> } };

const historyColumns = [
  enrolmentEvents.enrolmentId,
  enrolmentEvents.fromStatus,
  enrolmentEvents.toStatus,
  enrolmentEvents.actorKind,
  enrolmentEvents.actorId,
  enrolmentEvents.note,
  enrolmentEvents.at,
].map((c) => sql.identifier(c.name));

/**
 * One change of an enrolment in one statement: the insert or update, its history row, and the
 * cohort's seats moved by `seatDelta` (the CHECK still refuses more than the maximum). The history row
 * and the seats follow only a row actually written: an update whose enrolment has left `from` changes
 * nothing and answers undefined. `seatsTaken` is the cohort's count after the change (when it moved).
 *
 * Prepared once per shape (insert or update; which columns are given and which of them are null;
 * whether seats move), every value a parameter.
 */
export async function writeEnrolmentChange(
  db: Db,
  change: EnrolmentChange,
  cohortId: string,
  event: EnrolmentEventValues,
  seatDelta: number,
): Promise<{ enrolment: EnrolmentRow; seatsTaken?: number } | undefined> {
  const p = sql.placeholder;
  const { at, ...inserted } = 'insert' in change ? change.insert : { at: undefined };
  const written = valuesAsPlaceholders('insert' in change ? inserted : change.update.set, 'v_');
  const note = encryptOptional(event.note, ENCRYPTED_FIELDS.enrolmentEventNote);
  const values: Record<string, unknown> = { cohortId, ...event, note, seatDelta, at, ...written.params };
  if ('update' in change) Object.assign(values, { id: change.update.id, from: change.update.from });
  const moves = seatDelta !== 0;
  const name = shapeName('enrolment_change', `${'insert' in change ? 'insert' : 'update'} ${written.shape} ${moves}`);
  const rows = await prepared(db, name, (db, name) => {
    const write =
      'insert' in change
        ? db
            .insert(enrolments)
            .values({ ...written.columns, queuedAt: clockNow, createdAt: p('at'), updatedAt: p('at') } as unknown as NewEnrolmentRow)
            .returning()
        : db
            .update(enrolments)
            .set(written.columns)
            .where(and(eq(enrolments.id, p('id')), eq(enrolments.status, p('from'))))
            .returning();
    const changed = db.$with('changed').as(write);
    // Parameters in a SELECT list have no type of their own: each is cast to its column's.
    const history = db.$with('history', {}).as(
      sql`insert into ${enrolmentEvents} (${sql.join(historyColumns, sql`, `)})
        select ${changed.id}, ${p('fromStatus')}::text, ${p('toStatus')}::text, ${p('actorKind')}::text,
               ${p('actorId')}::uuid, ${p('note')}::text, ${clockNow}
        from ${changed}`,
    );
    if (!moves) return db.with(changed, history).select({ enrolment: changed._.selectedFields }).from(changed).prepare(name);
    const seats = db.$with('seats').as(
      db
        .update(cohorts)
        .set({ seatsTaken: sql`${cohorts.seatsTaken} + ${p('seatDelta')}::integer` })
        .where(and(eq(cohorts.id, p('cohortId')), sql`exists (select 1 from ${changed})`))
        .returning({ seatsTaken: cohorts.seatsTaken }),
    );
    const seatsTaken = sql<number | undefined>`(select ${seats.seatsTaken} from ${seats})`.mapWith(Number);
    return db.with(changed, history, seats).select({ enrolment: changed._.selectedFields, seatsTaken }).from(changed).prepare(name);
  }).execute(values);
  return rows[0];
}

export async function setCohortStatus(db: Db, cohortId: string, status: 'confirmed'): Promise<void> {
  await db
    .update(cohorts)
    .set({ status, version: sql`${cohorts.version} + 1`, updatedAt: new Date() })
    .where(eq(cohorts.id, cohortId));
}

const waitlistOrder = [asc(enrolments.queuedAt), asc(enrolments.id)];

/**
 * The first `n` people on the cohort's waitlist who may take a seat now, in order, each with where
 * their e-mails go (null once erased, when nothing is sent). Someone whose latest declaration is no
 * longer `eligible` (a later answer, or a review still open) keeps their place but is passed over
 * until it is (DOMAIN: only a person whose latest declaration is eligible can hold a seat).
 */
export async function firstWaitlisted(
  db: Db,
  cohortId: string,
  n: number,
): Promise<{ enrolment: EnrolmentRow; recipient: { email: string; firstName: string } | null }[]> {
  const rows = await prepared(db, 'first_waitlisted', (db, name) =>
    db
      .select({ enrolment: enrolments, email: participants.email, firstName: participants.firstName, erasedAt: participants.erasedAt })
      .from(enrolments)
      .innerJoin(participants, eq(participants.id, enrolments.participantId))
      .where(
        and(
          eq(enrolments.cohortId, sql.placeholder('cohortId')),
          eq(enrolments.status, constant('waitlisted')),
          eligibleToEnrol(enrolments.participantId, enrolments.courseId),
        ),
      )
      .orderBy(...waitlistOrder)
      .limit(sql.placeholder('n'))
      .prepare(name),
  ).execute({ cohortId, n });
  return rows.map((r) => ({ enrolment: r.enrolment, recipient: r.erasedAt ? null : { email: r.email, firstName: r.firstName } }));
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
  const rows = await prepared(db, 'waitlist_positions', (db, name) =>
    db
      .select({ id: enrolments.id, position: sql<number>`row_number() over (order by ${enrolments.queuedAt}, ${enrolments.id})`.mapWith(Number) })
      .from(enrolments)
      .where(and(eq(enrolments.cohortId, sql.placeholder('cohortId')), eq(enrolments.status, 'waitlisted')))
      .prepare(name),
  ).execute({ cohortId });
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

/** Cohorts whose first session has started and that still have people waiting or offered a seat (read without a lock). */
export async function startedCohortsWithWaiting(db: Db, now: Date): Promise<string[]> {
  const rows = await db
    .selectDistinct({ cohortId: enrolments.cohortId })
    .from(enrolments)
    .innerJoin(cohorts, eq(cohorts.id, enrolments.cohortId))
    .where(and(inArray(enrolments.status, ['waitlisted', 'offered']), lte(cohorts.firstSessionAt, now)));
  return rows.map((r) => r.cohortId);
}

/** The cohort's waitlisted and offered enrolments, locked (the caller holds the cohort lock). */
export async function lockWaiting(db: Db, cohortId: string): Promise<EnrolmentRow[]> {
  return db
    .select()
    .from(enrolments)
    .where(and(eq(enrolments.cohortId, cohortId), inArray(enrolments.status, ['waitlisted', 'offered'])))
    .orderBy(...waitlistOrder)
    .for('update');
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
  return prepared(db, 'sessions_of_cohort', (db, name) =>
    db
      .select()
      .from(cohortSessions)
      .where(eq(cohortSessions.cohortId, sql.placeholder('cohortId')))
      .orderBy(asc(cohortSessions.position))
      .prepare(name),
  ).execute({ cohortId });
}

export async function findSessionById(db: Db, id: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(cohortSessions).where(eq(cohortSessions.id, id)).limit(1);
  return row;
}

export type RosterRow = { enrolment: EnrolmentRow; participant: ParticipantRow };

/** queued_at to the microsecond, as text: a JS Date would lose the microseconds a keyset cursor needs. */
const queuedAtKey = sql<string>`${enrolments.queuedAt}::text`;

/** One roster line's attendance: every session of the cohort in order, with this enrolment's mark (or null). */
export type RosterAttendance = { sessionId: string; position: number; status: AttendanceRow['status'] | null }[];

export type RosterPageRow = {
  enrolment: EnrolmentRow;
  participant: Pick<ParticipantRow, 'id' | 'firstName' | 'lastName' | 'email' | 'phone'>;
  queuedAtKey: string;
  /** The place in the cohort's waitlist (waitlisted enrolments only). */
  waitlistPosition: number | null;
  attendance: RosterAttendance;
};

/**
 * A keyset page of the cohort's enrolments in the order people came (queuedAt, id), with each person,
 * their place in the waitlist (the same order among the waitlisted) and their attendance at every
 * session: one statement.
 */
export async function listRoster(
  db: Db,
  cohortId: string,
  opts: { limit: number; status?: EnrolmentStatus; after?: { queuedAtKey: string; id: string } },
): Promise<RosterPageRow[]> {
  // Prepared once per shape (status filter, cursor), every value a parameter.
  const name = `roster_page_${opts.status ? 's' : '_'}${opts.after ? 'a' : '_'}`;
  return prepared(db, name, (db, name) => {
    const p = sql.placeholder;
    const where: (SQL | undefined)[] = [eq(enrolments.cohortId, p('cohortId'))];
    if (opts.status) where.push(eq(enrolments.status, p('status')));
    if (opts.after) where.push(sql`(${enrolments.queuedAt}, ${enrolments.id}) > (${p('afterKey')}::timestamptz, ${p('afterId')}::uuid)`);
    const waitlist = db.$with('waitlist').as(
      db
        .select({ id: sql<string>`${enrolments.id}`.as('waitlisted_id'), position: sql<number>`row_number() over (order by ${enrolments.queuedAt}, ${enrolments.id})::int`.as('position') })
        .from(enrolments)
        .where(and(eq(enrolments.cohortId, p('cohortId')), eq(enrolments.status, 'waitlisted'))),
    );
    return db
      .with(waitlist)
      .select({
        enrolment: enrolments,
        participant: {
          id: participants.id,
          firstName: participants.firstName,
          lastName: participants.lastName,
          email: participants.email,
          phone: participants.phone,
        },
        queuedAtKey,
        waitlistPosition: waitlist.position,
        attendance: sql<RosterAttendance>`coalesce((select json_agg(json_build_object('sessionId', ${cohortSessions.id}, 'position', ${cohortSessions.position},
            'status', ${attendance.status}) order by ${cohortSessions.position})
          from ${cohortSessions} left join ${attendance} on ${attendance.sessionId} = ${cohortSessions.id} and ${attendance.enrolmentId} = ${enrolments.id}
          where ${cohortSessions.cohortId} = ${enrolments.cohortId}), '[]'::json)`,
      })
      .from(enrolments)
      .innerJoin(participants, eq(participants.id, enrolments.participantId))
      .leftJoin(waitlist, eq(waitlist.id, enrolments.id))
      .where(and(...where))
      .orderBy(...waitlistOrder)
      .limit(p('limit'))
      .prepare(name);
  }).execute({ cohortId, status: opts.status, afterKey: opts.after?.queuedAtKey, afterId: opts.after?.id, limit: opts.limit });
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
  return prepared(db, 'attendance_of_enrolments', (db, name) =>
    db.select().from(attendance).where(anyId(attendance.enrolmentId, 'enrolmentIds')).prepare(name),
  ).execute({ enrolmentIds });
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

/** The ids of a person's live enrolments (waitlisted, offered, confirmed), on any course, oldest first. */
export async function liveEnrolmentIdsOf(db: Db, participantId: string): Promise<string[]> {
  const rows = await db
    .select({ id: enrolments.id })
    .from(enrolments)
    .where(and(eq(enrolments.participantId, participantId), inArray(enrolments.status, [...LIVE_ENROLMENT_STATUSES])))
    .orderBy(asc(enrolments.queuedAt), asc(enrolments.id));
  return rows.map((r) => r.id);
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
