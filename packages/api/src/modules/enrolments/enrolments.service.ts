import { decryptOptional, encryptOptional, ENCRYPTED_FIELDS } from '../../lib/encryption';
import { stringify } from 'csv-stringify/sync';
import {
  can,
  formatLondon,
  londonDateKey,
  neutraliseFormula,
  type AttendanceStatus,
  type Enrolment,
  type EnrolmentHistory,
  type EnrolmentStatus,
  type ParticipantEnrolmentList,
  type RecordAttendanceBody,
  type ReleasedPlace,
  type RosterPage,
  type RosterQuery,
  type SessionAttendanceList,
  type UpdateEnrolmentBody,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { AfterCommit } from '../../db/in-transaction';
import { AppError, forbidden, invalidState, notFound } from '../../lib/app-error';
import { decodeCursor, toPage } from '../../lib/cursor';
import type { StaffActor } from '../../plugins/auth';
import { isEligibleToEnrol } from '../declarations/declarations.repo';
import { findParticipantById } from '../participants/participants.repo';
import { findVisibleCohort, seesAllCohorts, type CohortRow } from '../cohorts/cohort-access';
import {
  attendanceOf,
  attendanceOfSession,
  cohortsWithLapsedOffers,
  findEnrolmentById,
  findEnrolmentChecks,
  findEnrolmentsByIds,
  findSessionById,
  listEnrolmentsOfParticipant,
  listEvents,
  liveEnrolmentIdsOf,
  listRoster,
  listRosterForExport,
  listSessions,
  lockCohortForSeats,
  startedCohortsWithWaiting,
  updateEnrolment,
  upsertAttendance,
  waitlistPositionOf,
  waitlistPositions,
  type AttendanceRow,
  type EnrolmentEventRow,
  type EnrolmentRow,
  type RosterRow,
  type SessionRow,
} from './enrolments.repo';
import {
  admit,
  changeStatus,
  closeWaitlist,
  confirmCohortIfViable,
  expireLapsedOffers,
  offerFreeSeats,
  sqlStateOf,
  transactionWithRetry,
  type EnrolmentActor,
  type SeatContext,
} from './seats';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toEnrolment(row: EnrolmentRow, waitlistPosition?: number): Enrolment {
  return {
    id: row.id,
    cohortId: row.cohortId,
    courseId: row.courseId,
    participantId: row.participantId,
    status: row.status,
    ...(row.status === 'waitlisted' && waitlistPosition !== undefined && { waitlistPosition }),
    queuedAt: row.queuedAt.toISOString(),
    offeredAt: iso(row.offeredAt),
    offerExpiresAt: iso(row.offerExpiresAt),
    confirmedAt: iso(row.confirmedAt),
    completedAt: iso(row.completedAt),
    endedAt: iso(row.endedAt),
    paymentStatus: row.paymentStatus,
    paymentNote: decryptOptional(row.paymentNote, ENCRYPTED_FIELDS.enrolmentPaymentNote),
    refundDue: row.refundDue,
    manualIssuedAt: iso(row.manualIssuedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function withPosition(db: Db, row: EnrolmentRow): Promise<Enrolment> {
  return toEnrolment(row, row.status === 'waitlisted' ? await waitlistPositionOf(db, row) : undefined);
}

const staffActor = (actor: StaffActor): EnrolmentActor => ({ kind: 'staff', id: actor.id });

/**
 * Takes the cohort row lock (the transaction's first and only one: every seat decision after it is
 * serialised on it) and answers the seat context, or undefined when there is no such cohort or the
 * actor may not see it (a system job passes no actor).
 */
async function lockSeats(
  tx: Db,
  by: { cohortId: string } | { enrolmentId: string },
  actor: StaffActor | null,
  now?: Date,
  holdPerson?: string,
): Promise<SeatContext | undefined> {
  const locked = await lockCohortForSeats(tx, by, actor && !seesAllCohorts(actor) ? actor.id : undefined, holdPerson);
  if (!locked?.visible) return undefined;
  const { cohort, offerHours, nextOfferExpiresAt } = locked;
  return { tx, cohort, offerHours, nextOfferExpiresAt, now: now ?? new Date() };
}

/** The enrolment's cohort, if the actor may see it; a cohort that is not theirs reads as "no such enrolment". */
async function visibleCohortOfEnrolment(db: Db, actor: StaffActor, cohortId: string, forUpdate = false): Promise<CohortRow> {
  try {
    return await findVisibleCohort(db, actor, cohortId, { forUpdate });
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw notFound('enrolment');
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Enrolling

/** Enrolment is possible while the cohort is open or confirmed and before its deadline. */
function enrolmentClosedReason(cohort: CohortRow, now: Date): string | null {
  if (cohort.status !== 'open' && cohort.status !== 'confirmed') {
    return `The cohort is ${cohort.status.replace('_', ' ')}: it does not take enrolments.`;
  }
  const deadline = cohort.enrolmentDeadline ?? cohort.firstSessionAt;
  if (deadline && now.getTime() >= deadline.getTime()) {
    return `Enrolment for this cohort closed on ${formatLondon(deadline)}.`;
  }
  return null;
}

export async function enrol(db: Db, actor: StaffActor, cohortId: string, participantId: string): Promise<Enrolment> {
  return transactionWithRetry(db, async (tx) => {
    // With the cohort, the person's row: their eligibility, read next, is as of any declaration made meanwhile.
    const ctx = await lockSeats(tx, { cohortId }, actor, undefined, participantId);
    if (!ctx) throw notFound('cohort');
    const { cohort } = ctx;
    const closed = enrolmentClosedReason(cohort, ctx.now);
    if (closed) throw invalidState(closed);

    const checks = await findEnrolmentChecks(tx, participantId, cohort);
    if (!checks || checks.participant.erasedAt) throw notFound('participant');
    if (!checks.eligible) throw notEligible();
    if (checks.alreadyEnrolled) throw alreadyEnrolled();

    const expired = await expireLapsedOffers(ctx);
    const { email, firstName } = checks.participant;
    let row: Awaited<ReturnType<typeof admit>>;
    try {
      row = await admit(ctx, { participantId, createdBy: actor.id }, staffActor(actor), {
        recipient: { email, firstName },
        // Offers made for lapsed ones moved the queue since it was read.
        waitlistEmpty: expired.length === 0 ? checks.waitlistEmpty : undefined,
      });
    } catch (err) {
      // Two requests for the same person into two cohorts of one course: the unique index decides.
      const { code, constraint } = sqlStateOf(err);
      if (code === '23505' && (!constraint || constraint === 'enrolments_one_live_per_course')) throw alreadyEnrolled();
      throw err;
    }
    return toEnrolment(row, row.waitlistPosition);
  });
}

const notEligible = () =>
  new AppError(
    'NOT_ELIGIBLE',
    422,
    'This person’s latest declaration does not make them eligible for this course. Review their declaration first.',
  );

const alreadyEnrolled = () =>
  new AppError('ALREADY_ENROLLED', 409, 'This person already has a place or a waitlist place on this course.');

// ---------------------------------------------------------------------------------------------
// Changing an enrolment (each under the cohort lock, then the enrolment's)

type Outcome<T> = { value: T } | { fail: AppError };

/**
 * Runs `fn` with the enrolment's cohort locked (first), its lapsed offers processed, and the enrolment
 * locked. A `fail` outcome commits what was done (e.g. an offer found lapsed is recorded as expired)
 * and then answers the error (AfterCommit: inside a route's audited transaction too).
 */
async function onEnrolment<T>(
  db: Db,
  actor: StaffActor,
  enrolmentId: string,
  fn: (ctx: SeatContext, enrolment: EnrolmentRow, justExpired: string[]) => Promise<Outcome<T>>,
): Promise<T> {
  return transactionWithRetry(db, async (tx) => {
    // The cohort is found through the enrolment and locked in the same statement.
    const ctx = await lockSeats(tx, { enrolmentId }, actor);
    if (!ctx) throw notFound('enrolment');
    const justExpired = await expireLapsedOffers(ctx);
    const enrolment = await findEnrolmentById(tx, enrolmentId, { forUpdate: true });
    if (!enrolment || enrolment.cohortId !== ctx.cohort.id) {
      throw new AppError('CONFLICT', 409, 'The enrolment changed while this was being done. Try again.');
    }
    const outcome = await fn(ctx, enrolment, justExpired);
    if ('fail' in outcome) throw new AfterCommit(outcome.fail);
    return outcome.value;
  });
}

const LIVE: readonly EnrolmentStatus[] = ['waitlisted', 'offered', 'confirmed'];

function wrongState(enrolment: EnrolmentRow, action: string): AppError {
  return invalidState(`An enrolment that is ${enrolment.status} cannot be ${action}.`);
}

async function endEnrolment(
  db: Db,
  actor: StaffActor,
  enrolmentId: string,
  to: 'withdrawn' | 'removed',
  reason: string | undefined,
): Promise<Enrolment> {
  return onEnrolment<Enrolment>(db, actor, enrolmentId, async (ctx, enrolment) => {
    if (!LIVE.includes(enrolment.status)) throw wrongState(enrolment, to);
    return { value: toEnrolment(await endPlace(ctx, enrolment, to, actor, reason)) };
  });
}

/** Ends a live place; the waitlist moves in the same transaction. */
async function endPlace(ctx: SeatContext, enrolment: EnrolmentRow, to: 'withdrawn' | 'removed', actor: StaffActor, note: string | undefined) {
  const ended = await changeStatus(ctx, enrolment, to, staffActor(actor), { note, set: { endedAt: ctx.now } });
  await offerFreeSeats(ctx);
  return ended;
}

export const withdrawEnrolment = (db: Db, actor: StaffActor, id: string, reason?: string) =>
  endEnrolment(db, actor, id, 'withdrawn', reason);
export const removeEnrolment = (db: Db, actor: StaffActor, id: string, reason?: string) =>
  endEnrolment(db, actor, id, 'removed', reason);

/**
 * DOMAIN: only a person whose latest declaration is eligible may hold a seat or a waitlist place. Called
 * in the transaction that records an ineligible declaration (or review), after the participant's row
 * is locked: each live enrolment is removed under its cohort's lock, with the reason in its history,
 * and the seat it frees is offered to the next person waiting. A deadlock with an enrolment of the
 * same person (which locks the cohort first) aborts one of the two, and the route's transaction runs again.
 */
export async function releasePlacesOfIneligible(tx: Db, actor: StaffActor, participantId: string): Promise<ReleasedPlace[]> {
  const released: ReleasedPlace[] = [];
  for (const enrolmentId of await liveEnrolmentIdsOf(tx, participantId)) {
    // Staff who record declarations see every cohort. An offer found lapsed under the lock is no longer a place.
    const place = await onEnrolment<ReleasedPlace | null>(tx, actor, enrolmentId, async (ctx, enrolment) => {
      if (!LIVE.includes(enrolment.status)) return { value: null };
      const previousStatus = enrolment.status as ReleasedPlace['previousStatus'];
      await endPlace(ctx, enrolment, 'removed', actor, 'Removed because their latest declaration makes them ineligible for the course.');
      return { value: { enrolmentId, cohortId: ctx.cohort.id, cohortTitle: ctx.cohort.title, previousStatus } };
    });
    if (place) released.push(place);
  }
  return released;
}

const offerNotLive = () =>
  new AppError('OFFER_NOT_LIVE', 409, 'This offer has expired; the seat has been offered to the next person on the waitlist.');

export async function acceptOffer(db: Db, actor: StaffActor, id: string): Promise<Enrolment> {
  return onEnrolment<Enrolment>(db, actor, id, async (ctx, enrolment) => {
    if (enrolment.status === 'expired') return { fail: offerNotLive() };
    if (enrolment.status !== 'offered') throw wrongState(enrolment, 'accepted');
    if (ctx.cohort.status !== 'open' && ctx.cohort.status !== 'confirmed') {
      throw invalidState(`The cohort is ${ctx.cohort.status.replace('_', ' ')}: its seats can no longer be taken.`);
    }
    if (!(await isEligibleToEnrol(ctx.tx, enrolment.participantId, enrolment.courseId))) throw notEligible();
    const confirmed = await changeStatus(ctx, enrolment, 'confirmed', staffActor(actor), { set: { confirmedAt: ctx.now } });
    await confirmCohortIfViable(ctx);
    return { value: toEnrolment(confirmed) };
  });
}

export async function declineOffer(db: Db, actor: StaffActor, id: string, reason?: string): Promise<Enrolment> {
  return onEnrolment<Enrolment>(db, actor, id, async (ctx, enrolment) => {
    if (enrolment.status === 'expired') return { fail: offerNotLive() };
    if (enrolment.status !== 'offered') throw wrongState(enrolment, 'declined');
    const declined = await changeStatus(ctx, enrolment, 'declined', staffActor(actor), { note: reason, set: { endedAt: ctx.now } });
    await offerFreeSeats(ctx);
    return { value: toEnrolment(declined) };
  });
}

/**
 * The coordinator marks a confirmed enrolment completed once the cohort has started. Nothing is
 * completed automatically, not even when every session is recorded as attended: completion is a
 * judgement (DOMAIN.md: "attended all sessions, or as the course admin decides").
 */
export async function completeEnrolment(db: Db, actor: StaffActor, id: string): Promise<Enrolment> {
  return onEnrolment<Enrolment>(db, actor, id, async (ctx, enrolment) => {
    if (enrolment.status !== 'confirmed') throw wrongState(enrolment, 'completed');
    const { cohort } = ctx;
    if (cohort.status === 'cancelled' || !cohort.firstSessionAt || cohort.firstSessionAt.getTime() > ctx.now.getTime()) {
      throw invalidState('An enrolment can be completed only once its cohort has started.');
    }
    const completed = await changeStatus(ctx, enrolment, 'completed', staffActor(actor), { set: { completedAt: ctx.now } });
    return { value: toEnrolment(completed) };
  });
}

/** For the in-process scheduler: every lapsed offer becomes `expired` and its seat goes to the next person. */
export async function expireOffers(db: Db, now: Date = new Date()): Promise<number> {
  let expired = 0;
  for (const cohortId of await cohortsWithLapsedOffers(db, now)) {
    expired += await transactionWithRetry(db, async (tx) => {
      const ctx = await lockSeats(tx, { cohortId }, null, now);
      if (!ctx) return 0;
      return (await expireLapsedOffers(ctx)).length;
    });
  }
  return expired;
}

/**
 * After a change of the cohort's size (the caller holds its row): seats the change freed go to the
 * people waiting, and an open cohort whose confirmed seats now reach its minimum is confirmed.
 */
export async function reseatCohort(tx: Db, cohortId: string, now = new Date()): Promise<void> {
  const ctx = await lockSeats(tx, { cohortId }, null, now);
  if (!ctx) return;
  await expireLapsedOffers(ctx);
  await offerFreeSeats(ctx);
  await confirmCohortIfViable(ctx);
}

/** For the scheduler: cohorts whose sessions have begun close their waitlists (seats.closeWaitlist). Answers how many people. */
export async function closeWaitlistsOfStartedCohorts(db: Db, now: Date = new Date()): Promise<number> {
  let closed = 0;
  for (const cohortId of await startedCohortsWithWaiting(db, now)) {
    closed += await transactionWithRetry(db, async (tx) => {
      const ctx = await lockSeats(tx, { cohortId }, null, now);
      if (!ctx?.cohort.firstSessionAt || ctx.cohort.firstSessionAt.getTime() > now.getTime()) return 0;
      return closeWaitlist(ctx);
    });
  }
  return closed;
}

// ---------------------------------------------------------------------------------------------
// Payment and manual

function paymentNoteSuffix(stored: string | null): string {
  const note = decryptOptional(stored, ENCRYPTED_FIELDS.enrolmentPaymentNote);
  return note ? `: ${note}` : '';
}

export async function updateEnrolmentDetails(db: Db, actor: StaffActor, id: string, body: UpdateEnrolmentBody): Promise<Enrolment> {
  const touchesPayment = body.paymentStatus !== undefined || body.paymentNote !== undefined;
  if (touchesPayment && !can(actor.roles, 'payments:write')) throw forbidden('Your role does not allow changing payments.');
  if (body.manualIssuedAt !== undefined && !can(actor.roles, 'manuals:write')) {
    throw forbidden('Your role does not allow recording manuals.');
  }
  return db.transaction(async (tx) => {
    const peek = await findEnrolmentById(tx, id);
    if (!peek) throw notFound('enrolment');
    await visibleCohortOfEnrolment(tx, actor, peek.cohortId);
    const current = await findEnrolmentById(tx, id, { forUpdate: true });
    if (!current) throw notFound('enrolment');

    const paymentStatus = body.paymentStatus ?? current.paymentStatus;
    const paymentNote =
      body.paymentNote === undefined ? decryptOptional(current.paymentNote, ENCRYPTED_FIELDS.enrolmentPaymentNote) : body.paymentNote || null;
    // A waiver needs its reason given with it (an older note may say something else), and keeps it.
    const waiving = body.paymentStatus === 'waived' && current.paymentStatus !== 'waived';
    if (paymentStatus === 'waived' && (!paymentNote || (waiving && !body.paymentNote))) {
      throw new AppError('RULE_VIOLATION', 422, 'A waived fee needs a reason in paymentNote.', {
        errors: [{ path: 'paymentNote', message: 'Give the reason for waiving the fee.' }],
      });
    }
    const updated = await updateEnrolment(tx, id, {
      paymentStatus,
      // Free-text notes are encrypted at rest.
      paymentNote: encryptOptional(paymentNote, ENCRYPTED_FIELDS.enrolmentPaymentNote),
      // A refund settles what a cancellation marked as owed.
      ...(body.paymentStatus === 'refunded' && { refundDue: false }),
      ...(body.manualIssuedAt !== undefined && { manualIssuedAt: body.manualIssuedAt ? new Date(body.manualIssuedAt) : null }),
      updatedAt: new Date(),
    });
    if (!updated) throw notFound('enrolment');
    return withPosition(tx, updated);
  });
}

// ---------------------------------------------------------------------------------------------
// Attendance

const ATTENDING: readonly EnrolmentStatus[] = ['confirmed', 'completed'];

export async function recordAttendance(
  db: Db,
  actor: StaffActor,
  sessionId: string,
  body: RecordAttendanceBody,
): Promise<SessionAttendanceList> {
  return transactionWithRetry(db, async (tx) => {
    const session = await findSessionById(tx, sessionId);
    if (!session) throw notFound('session');
    let cohort: CohortRow;
    try {
      // Locked so no enrolment of the cohort changes status while attendance is checked against it.
      cohort = await findVisibleCohort(tx, actor, session.cohortId, { forUpdate: true });
    } catch (err) {
      if (err instanceof AppError && err.status === 404) throw notFound('session');
      throw err;
    }
    const found = new Map((await findEnrolmentsByIds(tx, body.map((b) => b.enrolmentId))).map((e) => [e.id, e]));
    const seen = new Set<string>();
    const errors: { path: string; message: string }[] = [];
    body.forEach((entry, i) => {
      const path = `${i}.enrolmentId`;
      const enrolment = found.get(entry.enrolmentId);
      if (seen.has(entry.enrolmentId)) errors.push({ path, message: 'This enrolment appears more than once.' });
      else if (!enrolment || enrolment.cohortId !== cohort.id) errors.push({ path, message: 'Not an enrolment of this session’s cohort.' });
      else if (!ATTENDING.includes(enrolment.status)) {
        errors.push({ path, message: `Attendance is recorded only for confirmed delegates; this enrolment is ${enrolment.status}.` });
      }
      seen.add(entry.enrolmentId);
    });
    if (errors.length > 0) {
      throw new AppError('RULE_VIOLATION', 422, 'Attendance could not be recorded. See errors for what to correct.', { errors });
    }
    await upsertAttendance(
      tx,
      body.map((b) => ({ enrolmentId: b.enrolmentId, sessionId, status: b.status, recordedBy: actor.id })),
    );
    const rows = await attendanceOfSession(tx, sessionId);
    return {
      sessionId,
      items: rows.map((r) => ({ enrolmentId: r.enrolmentId, sessionId: r.sessionId, status: r.status, recordedAt: r.recordedAt.toISOString() })),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Reading: roster, history, export

function attendanceBySession(sessions: SessionRow[], rows: AttendanceRow[], enrolmentId: string) {
  const mine = new Map(rows.filter((r) => r.enrolmentId === enrolmentId).map((r) => [r.sessionId, r.status]));
  return sessions.map((s) => ({ sessionId: s.id, position: s.position, status: (mine.get(s.id) ?? null) as AttendanceStatus | null }));
}

const TIMESTAMP_KEY = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Roster and waitlist in the order people came, with contact, payment, manual and attendance: two queries (the cohort, the page). */
export async function listCohortEnrolments(db: Db, actor: StaffActor, cohortId: string, query: RosterQuery): Promise<RosterPage> {
  const cohort = await findVisibleCohort(db, actor, cohortId);
  let after: { queuedAtKey: string; id: string } | undefined;
  if (query.cursor) {
    const [queuedAtKey, id] = decodeCursor(query.cursor, 2);
    after = { queuedAtKey: String(queuedAtKey), id: String(id) };
    if (!TIMESTAMP_KEY.test(after.queuedAtKey) || !UUID.test(after.id)) {
      throw new AppError('VALIDATION_FAILED', 400, 'The cursor is not valid.', {
        errors: [{ path: 'cursor', message: 'Use the nextCursor of a previous page.' }],
      });
    }
  }
  const rows = await listRoster(db, cohort.id, { limit: query.limit + 1, status: query.status, after });
  const page = toPage(rows, query.limit, (r) => [r.queuedAtKey, r.enrolment.id]);
  return {
    items: page.items.map(({ enrolment, participant, waitlistPosition, attendance }) => ({
      ...toEnrolment(enrolment, waitlistPosition ?? undefined),
      participant,
      attendance,
    })),
    nextCursor: page.nextCursor,
  };
}

/**
 * A person's enrolments, newest first (two queries). Facilitators get only those in their cohorts; one
 * with none there gets 404, as for anyone who is not theirs.
 */
export async function listParticipantEnrolments(db: Db, actor: StaffActor, participantId: string): Promise<ParticipantEnrolmentList> {
  const participant = await findParticipantById(db, participantId);
  if (!participant || participant.erasedAt) throw notFound('participant');
  const all = seesAllCohorts(actor);
  const rows = await listEnrolmentsOfParticipant(db, participantId, all ? {} : { visibleTo: actor.id });
  if (!all && rows.length === 0) throw notFound('participant');
  return {
    participantId,
    items: rows.map(({ enrolment, cohort, waitlistPosition }) => ({
      id: enrolment.id,
      courseId: enrolment.courseId,
      cohort: { id: cohort.id, title: cohort.title, status: cohort.status, firstSessionAt: iso(cohort.firstSessionAt) },
      status: enrolment.status,
      ...(enrolment.status === 'waitlisted' && waitlistPosition !== null && { waitlistPosition }),
      offerExpiresAt: iso(enrolment.offerExpiresAt),
      paymentStatus: enrolment.paymentStatus,
      endedAt: iso(enrolment.endedAt),
      createdAt: enrolment.createdAt.toISOString(),
    })),
  };
}

export async function getEnrolmentHistory(db: Db, actor: StaffActor, id: string): Promise<EnrolmentHistory> {
  const enrolment = await findEnrolmentById(db, id);
  if (!enrolment) throw notFound('enrolment');
  await visibleCohortOfEnrolment(db, actor, enrolment.cohortId);
  const rows = await listEvents(db, id);
  return {
    enrolmentId: id,
    items: rows.map(toEnrolmentEvent),
  };
}

/** One row of an enrolment's history as the API answers it, its note decrypted. */
export function toEnrolmentEvent({ event, actorName }: { event: EnrolmentEventRow; actorName: string | null }): EnrolmentHistory['items'][number] {
  return {
    id: event.id,
    from: event.fromStatus,
    to: event.toStatus,
    actor: { kind: event.actorKind, id: event.actorId, ...(actorName !== null && { name: actorName }) },
    note: decryptOptional(event.note, ENCRYPTED_FIELDS.enrolmentEventNote),
    at: event.at.toISOString(),
  };
}

const STATUS_ORDER: Record<EnrolmentStatus, number> = {
  confirmed: 0,
  completed: 0,
  offered: 1,
  waitlisted: 2,
  declined: 3,
  expired: 3,
  withdrawn: 3,
  removed: 3,
};

const PAYMENT_LABELS = { unpaid: 'Unpaid', paid: 'Paid', waived: 'Waived', refunded: 'Refunded' } as const;
const ATTENDANCE_LABELS = { present: 'Present', absent: 'Absent', excused: 'Excused' } as const;

/** The roster as CSV for a register or spreadsheet; every cell is neutralised against formula injection. */
export async function exportRosterCsv(db: Db, actor: StaffActor, cohortId: string): Promise<{ filename: string; csv: string }> {
  const cohort = await findVisibleCohort(db, actor, cohortId);
  const [rows, positions, sessions] = await Promise.all([
    listRosterForExport(db, cohort.id),
    waitlistPositions(db, cohort.id),
    listSessions(db, cohort.id),
  ]);
  const marks = await attendanceOf(db, rows.map((r) => r.enrolment.id));
  const sorted = [...rows].sort((a, b) => rosterOrder(a, b, positions));
  const header = [
    'Name',
    'Email',
    'Phone',
    'Status',
    'Payment',
    'Manual issued',
    ...sessions.map((s) => `Session ${s.position} (${formatLondon(s.startsAt, { time: false })})`),
  ];
  const records = sorted.map(({ enrolment, participant }) => {
    const position = positions.get(enrolment.id);
    const attendance = attendanceBySession(sessions, marks, enrolment.id);
    return [
      `${participant.firstName} ${participant.lastName}`.trim(),
      participant.email,
      participant.phone ?? '',
      enrolment.status === 'waitlisted' && position ? `waitlisted (${position})` : enrolment.status,
      PAYMENT_LABELS[enrolment.paymentStatus] + paymentNoteSuffix(enrolment.paymentNote),
      enrolment.manualIssuedAt ? londonDateKey(enrolment.manualIssuedAt) : '',
      ...attendance.map((a) => (a.status ? ATTENDANCE_LABELS[a.status] : '')),
    ];
  });
  const csv = stringify([header, ...records], {
    cast: { string: (value) => neutraliseFormula(value) },
    record_delimiter: 'windows',
    bom: true,
  });
  return { filename: `roster-${cohort.id}.csv`, csv };
}

function rosterOrder(a: RosterRow, b: RosterRow, positions: Map<string, number>): number {
  const byStatus = STATUS_ORDER[a.enrolment.status] - STATUS_ORDER[b.enrolment.status];
  if (byStatus !== 0) return byStatus;
  if (a.enrolment.status === 'waitlisted') return (positions.get(a.enrolment.id) ?? 0) - (positions.get(b.enrolment.id) ?? 0);
  return `${a.participant.lastName} ${a.participant.firstName}`.localeCompare(`${b.participant.lastName} ${b.participant.firstName}`, 'en-GB');
}
