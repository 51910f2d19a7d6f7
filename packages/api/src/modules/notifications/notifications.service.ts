// E-mails caused by changes elsewhere (enrolments, cohorts, referrals), each written to the outbox
// with the transaction of the change, so a rollback sends nothing. Wording is the templates' job
// (neutral, never the course's subject); nothing here passes a cohort's title or course name.
import type { Db } from '../../db/client';
import type { CohortRow } from '../cohorts/cohort-access';
import { listSessions, waitlistPositionOf, type EnrolmentRow } from '../enrolments/enrolments.repo';
import { enqueue, type EmailMessage } from '../outbox/outbox.service';
import { findRecipient, listRecipientsOfEnrolments } from './notifications.repo';

/** The transaction of an enrolment change and the (locked) cohort it happens in. */
export interface EnrolmentChangeContext {
  tx: Db;
  cohort: CohortRow;
  now: Date;
  /**
   * The cohort's session times, once read in this transaction: they cannot change while the cohort
   * row is locked, so every e-mail of the transaction uses the one read.
   */
  sessionTimes?: { startsAt: Date; endsAt: Date }[];
}

/** Where an e-mail to a person goes. */
export interface Recipient {
  email: string;
  firstName: string;
}

/** What the caller already read in this transaction, so it is not read again. */
export interface KnownForMail {
  /** The person's address and name; null when they were erased (nothing is sent). */
  recipient?: Recipient | null;
  /** The enrolment's place on the waitlist, when it is waitlisted. */
  waitlistPosition?: number;
  /** The waitlist closed because the sessions began (the person is told that, not that an offer lapsed). */
  cohortStarted?: boolean;
}

async function sessionTimesOf(ctx: EnrolmentChangeContext) {
  ctx.sessionTimes ??= (await listSessions(ctx.tx, ctx.cohort.id)).map((s) => ({ startsAt: s.startsAt, endsAt: s.endsAt }));
  return ctx.sessionTimes;
}

/**
 * Tells the person about their enrolment's new status, when it is one they need to hear about:
 * confirmed (directly or by accepting an offer), waitlisted (with their place), offered (with the
 * expiry), expired; and, when the sessions began while they waited, that no place came free. Called
 * once per change, by seats.ts (`admit`, `changeStatus`), which every enrolment status change goes through.
 */
export async function mailEnrolmentStatus(ctx: EnrolmentChangeContext, enrolment: EnrolmentRow, known: KnownForMail = {}): Promise<void> {
  const { tx, cohort, now } = ctx;
  const status = enrolment.status;
  const closed = known.cohortStarted === true && (status === 'expired' || status === 'removed');
  const ended = status === 'withdrawn' || status === 'declined' || status === 'removed';
  if (!closed && !ended && status !== 'confirmed' && status !== 'waitlisted' && status !== 'offered' && status !== 'expired') return;
  const to = known.recipient === undefined ? await findRecipient(tx, enrolment.participantId) : known.recipient;
  if (!to) return;
  const { firstName } = to;
  // Every e-mail about an enrolment goes to the person, and carries their id (erasure finds it by that).
  const address = { kind: 'email', to: to.email, participantId: enrolment.participantId } as const;
  if (closed) {
    await enqueue(tx, { ...address, template: 'waitlist_closed', data: { firstName } }, now);
    return;
  }
  if (ended) {
    await enqueue(tx, { ...address, template: 'place_ended', data: { firstName, how: status } }, now);
    return;
  }
  switch (status) {
    case 'confirmed':
      await enqueue(
        tx,
        {
          ...address,
          template: 'enrolment_confirmed',
          data: { firstName, sessions: await sessionTimesOf(ctx), deliveryMode: cohort.deliveryMode, venue: cohort.venue, joiningLink: cohort.joiningLink },
        },
        now,
      );
      return;
    case 'waitlisted': {
      const position = known.waitlistPosition ?? (await waitlistPositionOf(tx, enrolment));
      await enqueue(tx, { ...address, template: 'waitlisted', data: { firstName, position } }, now);
      return;
    }
    case 'offered':
      if (!enrolment.offerExpiresAt) throw new Error('an offer without an expiry');
      await enqueue(
        tx,
        { ...address, template: 'seat_offered', data: { firstName, offerExpiresAt: enrolment.offerExpiresAt, sessions: await sessionTimesOf(ctx) } },
        now,
      );
      return;
    case 'expired':
      await enqueue(tx, { ...address, template: 'offer_expired', data: { firstName } }, now);
      return;
  }
}

/** Tells everyone whose live enrolment was removed by the cancellation (after refunds were marked). */
export async function mailCohortCancelled(tx: Db, cohort: CohortRow, removedEnrolmentIds: string[], now: Date): Promise<number> {
  const people = await listRecipientsOfEnrolments(tx, removedEnrolmentIds);
  for (const p of people) {
    await enqueue(
      tx,
      { kind: 'email', to: p.email, participantId: p.participantId, template: 'cohort_cancelled', data: { firstName: p.firstName, firstSessionAt: cohort.firstSessionAt, refundDue: p.refundDue } },
      now,
    );
  }
  return people.length;
}

/** The acknowledgement to the person at the partner organisation who made the referral. */
export function referralReceivedMail(referral: { id: string; referrerName: string; referrerEmail: string }): EmailMessage {
  return { kind: 'email', to: referral.referrerEmail, template: 'referral_received', data: { referrerName: referral.referrerName, reference: referral.id } };
}
