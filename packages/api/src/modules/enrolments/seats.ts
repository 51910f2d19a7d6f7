// Seats and the waitlist. Every change of an enrolment's status goes through `changeStatus` (or
// `admit` for a new one), which is the only code that knows which statuses hold a seat and keeps
// cohorts.seats_taken (= confirmed + live offers) right in the same transaction. Callers hold the
// cohort row lock (taken once, first) for the whole transaction. Being the one path, it is also where
// the person is told (by e-mail through the outbox, in the same transaction) of the changes they hear about.
import { holdsSeat, type EnrolmentStatus } from '@harbour/shared';
import { AppError } from '../../lib/app-error';
import type { CohortRow } from '../cohorts/cohort-access';
import { mailEnrolmentStatus, type EnrolmentChangeContext, type Recipient } from '../notifications/notifications.service';
import {
  countConfirmed,
  firstWaitlisted,
  lapsedOffers,
  lockWaiting,
  setCohortStatus,
  waitlistPositionOf,
  writeEnrolmentChange,
  type EnrolmentChange,
  type EnrolmentRow,
  type NewEnrolmentRow,
} from './enrolments.repo';

/** Who caused a change, as written in the enrolment's history. */
export type EnrolmentActor = { kind: 'staff'; id: string } | { kind: 'system' };
export const SYSTEM: EnrolmentActor = { kind: 'system' };

/** A transaction's view of one locked cohort. `cohort.seatsTaken` is kept current by this module. */
export interface SeatContext extends EnrolmentChangeContext {
  offerHours: number;
  /**
   * The earliest expiry among the cohort's offers as read with the lock (null: it has none), so that
   * `expireLapsedOffers` can tell without a query that none has lapsed; unknown when left out.
   */
  nextOfferExpiresAt?: Date | null;
}

/**
 * How a status change moves the seat count: +1, 0 or -1. Lapsed offers are marked `expired` under
 * the lock before any seat decision (`expireLapsedOffers`), so here an `offered` enrolment holds a seat.
 */
export function seatDelta(from: EnrolmentStatus | null, to: EnrolmentStatus): number {
  return (holdsSeat(to) ? 1 : 0) - (from !== null && holdsSeat(from) ? 1 : 0);
}

export function freeSeats(cohort: Pick<CohortRow, 'maxParticipants' | 'seatsTaken'>): number {
  return Math.max(0, cohort.maxParticipants - cohort.seatsTaken);
}

/** Writes the change with its history row and its seat delta (one statement); keeps `ctx.cohort.seatsTaken` current. */
async function write(
  ctx: SeatContext,
  change: EnrolmentChange,
  from: EnrolmentStatus | null,
  to: EnrolmentStatus,
  actor: EnrolmentActor,
  note?: string | null,
): Promise<EnrolmentRow | undefined> {
  const delta = seatDelta(from, to);
  const written = await writeEnrolmentChange(
    ctx.tx,
    change,
    ctx.cohort.id,
    { fromStatus: from, toStatus: to, actorKind: actor.kind, actorId: actor.kind === 'staff' ? actor.id : null, note: note ?? null },
    delta,
  );
  if (written?.seatsTaken !== undefined) ctx.cohort.seatsTaken = written.seatsTaken;
  return written?.enrolment;
}

/** Moves an enrolment from its current status to `to`, with its history row and the seat count. */
export async function changeStatus(
  ctx: SeatContext,
  enrolment: EnrolmentRow,
  to: EnrolmentStatus,
  actor: EnrolmentActor,
  opts: { note?: string | null; set?: Partial<NewEnrolmentRow>; recipient?: Recipient | null; cohortStarted?: boolean } = {},
): Promise<EnrolmentRow> {
  const from = enrolment.status;
  const update = { id: enrolment.id, from, set: { ...opts.set, status: to, updatedAt: ctx.now } };
  const updated = await write(ctx, { update }, from, to, actor, opts.note);
  if (!updated) throw new AppError('CONFLICT', 409, 'The enrolment changed while this was being done. Try again.');
  await mailEnrolmentStatus(ctx, updated, { recipient: opts.recipient, cohortStarted: opts.cohortStarted });
  return updated;
}

/**
 * A new enrolment: `confirmed` when a seat is free and nobody is waiting for one, else `waitlisted`
 * at the back of the queue (answered with its place). `known` saves reads the caller has made in this
 * transaction: the person's address, and whether the waitlist is empty (read after lapsed offers were
 * processed, so the queue is as it is now).
 */
export async function admit(
  ctx: SeatContext,
  values: { participantId: string; createdBy: string | null },
  actor: EnrolmentActor,
  known: { recipient?: Recipient | null; waitlistEmpty?: boolean } = {},
): Promise<EnrolmentRow & { waitlistPosition?: number }> {
  let status: EnrolmentStatus = 'waitlisted';
  if (freeSeats(ctx.cohort) > 0) {
    const waitlistEmpty = known.waitlistEmpty ?? (await firstWaitlisted(ctx.tx, ctx.cohort.id, 1)).length === 0;
    if (waitlistEmpty) status = 'confirmed';
  }
  const insert = {
    cohortId: ctx.cohort.id,
    courseId: ctx.cohort.courseId,
    participantId: values.participantId,
    createdBy: values.createdBy,
    status,
    confirmedAt: status === 'confirmed' ? ctx.now : null,
    at: ctx.now,
  };
  const row = await write(ctx, { insert }, null, status, actor);
  if (!row) throw new Error('insert returned no row');
  const waitlistPosition = status === 'waitlisted' ? await waitlistPositionOf(ctx.tx, row) : undefined;
  await mailEnrolmentStatus(ctx, row, { recipient: known.recipient, waitlistPosition });
  if (status === 'confirmed') await confirmCohortIfViable(ctx);
  return { ...row, waitlistPosition };
}

/** Seats are offered while people can still join: the cohort is open or confirmed and has not started. */
function offersAllowed(ctx: SeatContext): boolean {
  const { status, firstSessionAt } = ctx.cohort;
  return (status === 'open' || status === 'confirmed') && (!firstSessionAt || firstSessionAt.getTime() > ctx.now.getTime());
}

/** Offers every free seat to the people at the front of the waitlist. Answers the offers made. */
export async function offerFreeSeats(ctx: SeatContext, actor: EnrolmentActor = SYSTEM): Promise<EnrolmentRow[]> {
  if (!offersAllowed(ctx)) return [];
  const free = freeSeats(ctx.cohort);
  if (free === 0) return [];
  const offered: EnrolmentRow[] = [];
  for (const next of await firstWaitlisted(ctx.tx, ctx.cohort.id, free)) {
    offered.push(
      await changeStatus(ctx, next.enrolment, 'offered', actor, {
        note: 'A seat became free.',
        set: { offeredAt: ctx.now, offerExpiresAt: new Date(ctx.now.getTime() + ctx.offerHours * 3_600_000) },
        recipient: next.recipient,
      }),
    );
  }
  return offered;
}

/**
 * Marks the cohort's lapsed offers `expired` and offers their seats on. Answers the ids that expired.
 * The database says which have lapsed; the expiry read with the lock only spares asking when none can have.
 */
export async function expireLapsedOffers(ctx: SeatContext): Promise<string[]> {
  const next = ctx.nextOfferExpiresAt;
  if (next === null || (next !== undefined && next.getTime() > ctx.now.getTime())) return [];
  const lapsed = await lapsedOffers(ctx.tx, ctx.cohort.id, ctx.now);
  for (const offer of lapsed) {
    await changeStatus(ctx, offer, 'expired', SYSTEM, { note: 'The offer was not answered in time.', set: { endedAt: ctx.now } });
  }
  if (lapsed.length > 0) await offerFreeSeats(ctx);
  // The offers are no longer as read with the lock.
  ctx.nextOfferExpiresAt = undefined;
  return lapsed.map((o) => o.id);
}

/**
 * The sessions have begun: nobody waits for this cohort any more. Waitlisted people are removed and
 * live offers expire (each told that no place came free in time), so that they are free to join
 * another cohort of the course. Answers how many.
 */
export async function closeWaitlist(ctx: SeatContext): Promise<number> {
  const waiting = await lockWaiting(ctx.tx, ctx.cohort.id);
  for (const e of waiting) {
    await changeStatus(ctx, e, e.status === 'offered' ? 'expired' : 'removed', SYSTEM, {
      note: 'The sessions began before a place came free.',
      set: { endedAt: ctx.now },
      cohortStarted: true,
    });
  }
  return waiting.length;
}

/**
 * An open cohort whose confirmed seats reach its minimum becomes `confirmed` (it never goes back).
 * Confirmed enrolments never outnumber the seats taken (confirmed + live offers), so while those are
 * below the minimum there is nothing to count.
 */
export async function confirmCohortIfViable(ctx: SeatContext): Promise<void> {
  if (ctx.cohort.status !== 'open') return;
  if (ctx.cohort.seatsTaken < ctx.cohort.minParticipants) return;
  if ((await countConfirmed(ctx.tx, ctx.cohort.id)) < ctx.cohort.minParticipants) return;
  await setCohortStatus(ctx.tx, ctx.cohort.id, 'confirmed');
  ctx.cohort.status = 'confirmed';
  ctx.cohort.version += 1;
}

// ---------------------------------------------------------------------------------------------
// Transactions that survive real concurrency: db/in-transaction.ts (also used by auditedWrite).

export { MAX_TRANSACTION_ATTEMPTS, sqlStateOf, transactionWithRetry } from '../../db/in-transaction';
