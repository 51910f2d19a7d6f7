// Seats and the waitlist. Every change of an enrolment's status goes through `changeStatus` (or
// `admit` for a new one), which is the only code that knows which statuses hold a seat and keeps
// cohorts.seats_taken (= confirmed + live offers) right in the same transaction. Callers hold the
// cohort row lock (taken once, first) for the whole transaction. Being the one path, it is also where
// the person is told (by e-mail through the outbox, in the same transaction) of the changes they hear about.
import { holdsSeat, type EnrolmentStatus } from '@harbour/shared';
import type { Db } from '../../db/client';
import { AppError } from '../../lib/app-error';
import type { CohortRow } from '../cohorts/cohort-access';
import { mailEnrolmentStatus } from '../notifications/notifications.service';
import {
  addSeatsTaken,
  clockNow,
  countConfirmed,
  firstWaitlisted,
  insertEnrolment,
  insertEnrolmentEvent,
  lapsedOffers,
  setCohortStatus,
  updateEnrolmentFrom,
  type EnrolmentRow,
  type NewEnrolmentRow,
} from './enrolments.repo';

/** Who caused a change, as written in the enrolment's history. */
export type EnrolmentActor = { kind: 'staff'; id: string } | { kind: 'system' };
export const SYSTEM: EnrolmentActor = { kind: 'system' };

/** A transaction's view of one locked cohort. `cohort.seatsTaken` is kept current by this module. */
export interface SeatContext {
  tx: Db;
  cohort: CohortRow;
  offerHours: number;
  now: Date;
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

async function applySeatDelta(ctx: SeatContext, delta: number): Promise<void> {
  if (delta === 0) return;
  ctx.cohort.seatsTaken = await addSeatsTaken(ctx.tx, ctx.cohort.id, delta);
}

async function recordEvent(
  ctx: SeatContext,
  enrolmentId: string,
  from: EnrolmentStatus | null,
  to: EnrolmentStatus,
  actor: EnrolmentActor,
  note?: string | null,
): Promise<void> {
  await insertEnrolmentEvent(ctx.tx, {
    enrolmentId,
    fromStatus: from,
    toStatus: to,
    actorKind: actor.kind,
    actorId: actor.kind === 'staff' ? actor.id : null,
    note: note ?? null,
    at: clockNow,
  });
}

/** Moves an enrolment from its current status to `to`, with its history row and the seat count. */
export async function changeStatus(
  ctx: SeatContext,
  enrolment: EnrolmentRow,
  to: EnrolmentStatus,
  actor: EnrolmentActor,
  opts: { note?: string | null; set?: Partial<NewEnrolmentRow> } = {},
): Promise<EnrolmentRow> {
  const from = enrolment.status;
  const delta = seatDelta(from, to);
  // Free the seat before anything can take it, so the CHECK never sees a transient over-count.
  if (delta < 0) await applySeatDelta(ctx, delta);
  const updated = await updateEnrolmentFrom(ctx.tx, enrolment.id, from, { ...opts.set, status: to, updatedAt: ctx.now });
  if (!updated) throw new AppError('CONFLICT', 409, 'The enrolment changed while this was being done. Try again.');
  if (delta > 0) await applySeatDelta(ctx, delta);
  await recordEvent(ctx, enrolment.id, from, to, actor, opts.note);
  await mailEnrolmentStatus(ctx, updated);
  return updated;
}

/**
 * A new enrolment: `confirmed` when a seat is free and nobody is waiting for one, else `waitlisted`
 * at the back of the queue.
 */
export async function admit(
  ctx: SeatContext,
  values: { participantId: string; createdBy: string | null },
  actor: EnrolmentActor,
): Promise<EnrolmentRow> {
  let status: EnrolmentStatus = 'waitlisted';
  if (freeSeats(ctx.cohort) > 0) {
    const waiting = await firstWaitlisted(ctx.tx, ctx.cohort.id, 1);
    if (waiting.length === 0) status = 'confirmed';
  }
  const delta = seatDelta(null, status);
  const row = await insertEnrolment(ctx.tx, {
    cohortId: ctx.cohort.id,
    courseId: ctx.cohort.courseId,
    participantId: values.participantId,
    createdBy: values.createdBy,
    status,
    queuedAt: clockNow,
    confirmedAt: status === 'confirmed' ? ctx.now : null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
  await applySeatDelta(ctx, delta);
  await recordEvent(ctx, row.id, null, status, actor);
  await mailEnrolmentStatus(ctx, row);
  if (status === 'confirmed') await confirmCohortIfViable(ctx);
  return row;
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
      await changeStatus(ctx, next, 'offered', actor, {
        note: 'A seat became free.',
        set: { offeredAt: ctx.now, offerExpiresAt: new Date(ctx.now.getTime() + ctx.offerHours * 3_600_000) },
      }),
    );
  }
  return offered;
}

/** Marks the cohort's lapsed offers `expired` and offers their seats on. Answers the ids that expired. */
export async function expireLapsedOffers(ctx: SeatContext): Promise<string[]> {
  const lapsed = await lapsedOffers(ctx.tx, ctx.cohort.id, ctx.now);
  for (const offer of lapsed) {
    await changeStatus(ctx, offer, 'expired', SYSTEM, { note: 'The offer was not answered in time.', set: { endedAt: ctx.now } });
  }
  if (lapsed.length > 0) await offerFreeSeats(ctx);
  return lapsed.map((o) => o.id);
}

/** An open cohort whose confirmed seats reach its minimum becomes `confirmed` (it never goes back). */
export async function confirmCohortIfViable(ctx: SeatContext): Promise<void> {
  if (ctx.cohort.status !== 'open') return;
  if ((await countConfirmed(ctx.tx, ctx.cohort.id)) < ctx.cohort.minParticipants) return;
  await setCohortStatus(ctx.tx, ctx.cohort.id, 'confirmed');
  ctx.cohort.status = 'confirmed';
  ctx.cohort.version += 1;
}

// ---------------------------------------------------------------------------------------------
// Transactions that survive real concurrency

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/** The SQLSTATE of a database error, through drizzle's wrapper. */
export function sqlStateOf(err: unknown): { code?: string; constraint?: string } {
  if (err instanceof AppError) return {};
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint } = e as { code?: unknown; constraint?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      return { code, constraint: typeof constraint === 'string' ? constraint : undefined };
    }
  }
  return {};
}

export const MAX_TRANSACTION_ATTEMPTS = 5;

/**
 * `db.transaction(fn)`, run again (a bounded number of times, with a short random pause) when
 * PostgreSQL aborts it as a serialization failure or deadlock victim. `fn` must use only `tx`.
 */
export async function transactionWithRetry<T>(
  db: Db,
  fn: (tx: Db) => Promise<T>,
  opts: { attempts?: number; onRetry?: (attempt: number, code: string) => void } = {},
): Promise<T> {
  const attempts = opts.attempts ?? MAX_TRANSACTION_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => fn(tx as unknown as Db));
    } catch (err) {
      const { code } = sqlStateOf(err);
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw err;
      opts.onRetry?.(attempt, code);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
