import { randomUUID } from 'node:crypto';
import {
  LIVE_ENROLMENT_STATUSES,
  canReferralTransition,
  type ChangeReferralStatusBody,
  type CreateReferralBody,
  type EnrolmentStatus,
  type PartnerReferral,
  type Referral,
  type ReferralListQuery,
  type ReferralStatus,
  type StaffReferral,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { inTransaction } from '../../db/in-transaction';
import { AppError, invalidState, notFound } from '../../lib/app-error';
import { decodeCursor, toPage } from '../../lib/cursor';
import { ENCRYPTED_FIELDS, decryptOptional, encryptOptional } from '../../lib/encryption';
import type { StaffActor } from '../../plugins/auth';
import { referralReceivedMail } from '../notifications/notifications.service';
import { enqueue, toOutboxWrite, type WebhookMessage } from '../outbox/outbox.service';
import type { PartnerActor } from '../partners/partner-auth';
import {
  findEnrolmentForLink,
  findParticipantForLink,
  findReferralById,
  insertReferralEvent,
  insertReferralWithFirstEvent,
  listReferrals,
  sessionDatesOfEnrolments,
  updateReferral,
  type ReferralRow,
  type ReferralWithPartner,
} from './referrals.repo';

export type ReferralCaller = StaffActor | PartnerActor;

type SessionDates = Map<string, { startsAt: Date; endsAt: Date }[]>;

const SHOWS_COHORT: readonly ReferralStatus[] = ['enrolled', 'completed'];

function cohortOf(row: ReferralRow, dates: SessionDates): PartnerReferral['cohort'] {
  if (!SHOWS_COHORT.includes(row.status) || !row.enrolmentId) return null;
  const sessions = dates.get(row.enrolmentId) ?? [];
  return { sessions: sessions.map((s) => ({ startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() })) };
}

/** What a partner may see: status and, once enrolled, the session dates. Nothing else. */
export function toPartnerReferral(row: ReferralRow, dates: SessionDates): PartnerReferral {
  return {
    id: row.id,
    status: row.status,
    cohort: cohortOf(row, dates),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toStaffReferral({ referral: row, partnerName }: ReferralWithPartner, dates: SessionDates): StaffReferral {
  return {
    ...toPartnerReferral(row, dates),
    partner: { id: row.partnerId, name: partnerName },
    person: { firstName: row.personFirstName, lastName: row.personLastName, email: row.personEmail, phone: row.personPhone },
    relationship: row.relationship,
    consentToShare: true,
    referrer: { name: row.referrerName, email: row.referrerEmail, phone: row.referrerPhone },
    note: decryptOptional(row.note, ENCRYPTED_FIELDS.referralNote),
    declineReason: row.declineReason,
    participantId: row.participantId,
    enrolmentId: row.enrolmentId,
    statusChangedAt: row.statusChangedAt.toISOString(),
  };
}

async function datesFor(db: Db, rows: ReferralRow[]): Promise<SessionDates> {
  const ids = rows.filter((r) => SHOWS_COHORT.includes(r.status) && r.enrolmentId).map((r) => r.enrolmentId as string);
  return sessionDatesOfEnrolments(db, ids);
}

/**
 * The single place a referral change leaves Harbour: a `referral.status_changed` webhook to the
 * partner, written to the outbox in the same transaction as the change (so a rollback sends nothing).
 * Thin on purpose: ids, status and time, never personal data; the partner reads the rest by GET.
 */
export async function onReferralChanged(tx: Db, referral: ReferralRow, previousStatus: ReferralStatus | null): Promise<void> {
  await enqueue(tx, referralChanged(referral, previousStatus));
}

function referralChanged(
  referral: Pick<ReferralRow, 'id' | 'partnerId' | 'status' | 'statusChangedAt'>,
  previousStatus: ReferralStatus | null,
): WebhookMessage {
  return {
    kind: 'webhook',
    topic: 'referral.status_changed',
    partnerId: referral.partnerId,
    payload: {
      referralId: referral.id,
      status: referral.status,
      previousStatus,
      changedAt: referral.statusChangedAt.toISOString(),
    },
  };
}

/**
 * Erasure of the referred person (data-protection): the partner hears, by a thin `referral.erased`
 * webhook (the referral id only), in the erasure's transaction, that the referral's details are gone.
 */
export async function onReferralErased(tx: Db, referral: { id: string; partnerId: string }, now: Date = new Date()): Promise<void> {
  await enqueue(tx, { kind: 'webhook', topic: 'referral.erased', partnerId: referral.partnerId, payload: { referralId: referral.id } }, now);
}

export async function createReferral(db: Db, partner: PartnerActor, body: CreateReferralBody): Promise<PartnerReferral> {
  if (body.consentToShare !== true) {
    throw new AppError('CONSENT_REQUIRED', 422, 'A referral needs the person’s consent to share their details: send consentToShare: true.', {
      errors: [{ path: 'consentToShare', message: 'Must be true.' }],
    });
  }
  const id = randomUUID();
  const now = new Date();
  const values = {
    id,
    partnerId: partner.partnerId,
    apiKeyId: partner.keyId,
    status: 'received' as const,
    personFirstName: body.person.firstName,
    personLastName: body.person.lastName,
    personEmail: body.person.email ?? null,
    personPhone: body.person.phone ?? null,
    relationship: body.relationship,
    consentToShare: true,
    referrerName: body.referrer.name,
    referrerEmail: body.referrer.email,
    referrerPhone: body.referrer.phone ?? null,
    note: encryptOptional(body.note, ENCRYPTED_FIELDS.referralNote),
    statusChangedAt: now,
  };
  // The partner's webhook and the referrer's acknowledgement are written by the referral's own statement.
  const messages = [referralChanged(values, null), referralReceivedMail(values)].map((m) => toOutboxWrite(m, now));
  return inTransaction(db, async (tx) => {
    const row = await insertReferralWithFirstEvent(
      tx,
      values,
      { fromStatus: null, toStatus: 'received', actorKind: 'partner', actorId: partner.keyId },
      messages,
      now,
    );
    return toPartnerReferral(row, new Map());
  });
}

function keysetOf(cursor: string | undefined) {
  if (!cursor) return undefined;
  const [createdAt, id] = decodeCursor(cursor, 2);
  return { createdAt: new Date(String(createdAt)), id: String(id) };
}

/** Staff see every referral (filter by partner if they like); a partner only its own. */
export async function listReferralPage(db: Db, caller: ReferralCaller, query: ReferralListQuery) {
  const rows = await listReferrals(db, {
    limit: query.limit + 1,
    partnerId: caller.kind === 'partner' ? caller.partnerId : query.partnerId,
    status: query.status,
    after: keysetOf(query.cursor),
  });
  const page = toPage(rows, query.limit, (r) => [r.referral.createdAt.toISOString(), r.referral.id]);
  const dates = await datesFor(db, page.items.map((r) => r.referral));
  const items: Referral[] = page.items.map((r) => (caller.kind === 'partner' ? toPartnerReferral(r.referral, dates) : toStaffReferral(r, dates)));
  return { items, nextCursor: page.nextCursor };
}

/** Another partner's referral is answered exactly like one that does not exist. */
export async function getReferral(db: Db, caller: ReferralCaller, id: string): Promise<Referral> {
  const found = await findReferralById(db, id);
  if (!found || (caller.kind === 'partner' && found.referral.partnerId !== caller.partnerId)) throw notFound('referral');
  const dates = await datesFor(db, [found.referral]);
  return caller.kind === 'partner' ? toPartnerReferral(found.referral, dates) : toStaffReferral(found, dates);
}

/** An enrolment a referral may be linked to: live, or completed. */
const LINKABLE_ENROLMENT: readonly EnrolmentStatus[] = [...LIVE_ENROLMENT_STATUSES, 'completed'];

const linkProblem = (path: string, message: string) =>
  new AppError('RULE_VIOLATION', 422, 'The referral cannot be linked to that participant and enrolment.', { errors: [{ path, message }] });

/** Staff move a referral along its life cycle (shared rule: canReferralTransition). */
export async function changeReferralStatus(db: Db, actor: StaffActor, id: string, body: ChangeReferralStatusBody): Promise<StaffReferral> {
  return db.transaction(async (tx) => {
    const found = await findReferralById(tx, id, { forUpdate: true });
    if (!found) throw notFound('referral');
    const from = found.referral.status;
    if (!canReferralTransition(from, body.status)) {
      throw invalidState(`A referral that is ${from} cannot become ${body.status}.`);
    }

    const values: Parameters<typeof updateReferral>[2] = { status: body.status, statusChangedAt: new Date() };
    if (body.status === 'enrolled') {
      const participant = await findParticipantForLink(tx, body.participantId);
      if (!participant || participant.erasedAt) throw linkProblem('participantId', 'No such participant.');
      const enrolment = await findEnrolmentForLink(tx, body.enrolmentId);
      if (!enrolment) throw linkProblem('enrolmentId', 'No such enrolment.');
      if (enrolment.participantId !== participant.id) throw linkProblem('enrolmentId', 'This enrolment belongs to another participant.');
      if (!LINKABLE_ENROLMENT.includes(enrolment.status)) {
        throw linkProblem('enrolmentId', 'This enrolment has ended.');
      }
      values.participantId = participant.id;
      values.enrolmentId = enrolment.id;
    }
    if (body.status === 'declined') values.declineReason = body.reason;

    const row = await updateReferral(tx, id, values);
    await insertReferralEvent(tx, {
      referralId: id,
      fromStatus: from,
      toStatus: body.status,
      reason: body.status === 'declined' ? body.reason : null,
      actorKind: 'staff',
      actorId: actor.id,
    });
    await onReferralChanged(tx, row, from);
    const dates = await datesFor(tx, [row]);
    return toStaffReferral({ referral: row, partnerName: found.partnerName }, dates);
  });
}
