// E-mails caused by changes elsewhere (enrolments, cohorts, referrals), each written to the outbox
// with the transaction of the change, so a rollback sends nothing. Wording is the templates' job
// (neutral, never the course's subject); nothing here passes a cohort's title or course name.
import type { Db } from '../../db/client';
import type { CohortRow } from '../cohorts/cohort-access';
import { listSessions, waitlistPositionOf, type EnrolmentRow } from '../enrolments/enrolments.repo';
import { enqueue } from '../outbox/outbox.service';
import { findRecipient, listRecipientsOfEnrolments } from './notifications.repo';

/** The transaction of an enrolment change and the (locked) cohort it happens in. */
export interface EnrolmentChangeContext {
  tx: Db;
  cohort: CohortRow;
  now: Date;
}

const times = async (tx: Db, cohortId: string) =>
  (await listSessions(tx, cohortId)).map((s) => ({ startsAt: s.startsAt, endsAt: s.endsAt }));

/**
 * Tells the person about their enrolment's new status, when it is one they need to hear about:
 * confirmed (directly or by accepting an offer), waitlisted (with their place), offered (with the
 * expiry), expired. Called once per change, by seats.ts (`admit`, `changeStatus`), which every
 * enrolment status change goes through.
 */
export async function mailEnrolmentStatus(ctx: EnrolmentChangeContext, enrolment: EnrolmentRow): Promise<void> {
  const { tx, cohort, now } = ctx;
  const status = enrolment.status;
  if (status !== 'confirmed' && status !== 'waitlisted' && status !== 'offered' && status !== 'expired') return;
  const to = await findRecipient(tx, enrolment.participantId);
  if (!to) return;
  const { firstName } = to;
  switch (status) {
    case 'confirmed':
      await enqueue(
        tx,
        {
          kind: 'email',
          to: to.email,
          template: 'enrolment_confirmed',
          data: { firstName, sessions: await times(tx, cohort.id), deliveryMode: cohort.deliveryMode, venue: cohort.venue, joiningLink: cohort.joiningLink },
        },
        now,
      );
      return;
    case 'waitlisted':
      await enqueue(tx, { kind: 'email', to: to.email, template: 'waitlisted', data: { firstName, position: await waitlistPositionOf(tx, enrolment) } }, now);
      return;
    case 'offered':
      if (!enrolment.offerExpiresAt) throw new Error('an offer without an expiry');
      await enqueue(
        tx,
        { kind: 'email', to: to.email, template: 'seat_offered', data: { firstName, offerExpiresAt: enrolment.offerExpiresAt, sessions: await times(tx, cohort.id) } },
        now,
      );
      return;
    case 'expired':
      await enqueue(tx, { kind: 'email', to: to.email, template: 'offer_expired', data: { firstName } }, now);
      return;
  }
}

/** Tells everyone whose live enrolment was removed by the cancellation (after refunds were marked). */
export async function mailCohortCancelled(tx: Db, cohort: CohortRow, removedEnrolmentIds: string[], now: Date): Promise<number> {
  const people = await listRecipientsOfEnrolments(tx, removedEnrolmentIds);
  for (const p of people) {
    await enqueue(
      tx,
      { kind: 'email', to: p.email, template: 'cohort_cancelled', data: { firstName: p.firstName, firstSessionAt: cohort.firstSessionAt, refundDue: p.refundDue } },
      now,
    );
  }
  return people.length;
}

/** The acknowledgement to the person at the partner organisation who made the referral. */
export async function mailReferralReceived(
  tx: Db,
  referral: { id: string; referrerName: string; referrerEmail: string },
  now: Date = new Date(),
): Promise<void> {
  await enqueue(
    tx,
    { kind: 'email', to: referral.referrerEmail, template: 'referral_received', data: { referrerName: referral.referrerName, reference: referral.id } },
    now,
  );
}
