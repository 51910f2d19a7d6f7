// Data protection: subject access export, erasure (a tombstone stays, the audit trail stays) and the
// retention rule that erases people some months after their last cohort ended.
import type { DeclarationRecord, ErasureResult, ExportedEnrolment, ParticipantExport } from '@harbour/shared';
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import type { Job } from '../../jobs/scheduler';
import { AppError, notFound } from '../../lib/app-error';
import { ENCRYPTED_FIELDS, decryptOptional } from '../../lib/encryption';
import type { StaffActor } from '../../plugins/auth';
import { recordAuditEvent } from '../audit/audit.service';
import { decodeAnswers, decodeReviewNote } from '../declarations/answers-codec';
import { toEnrolment, toEnrolmentEvent } from '../enrolments/enrolments.service';
import { findParticipantById } from '../participants/participants.repo';
import { onReferralErased } from '../referrals/referrals.service';
import { deleteConcernsResolvedBefore, listConcernIdsResolvedBefore } from '../safeguarding/safeguarding.repo';
import {
  allowErasure,
  blankOutboxEmails,
  blankReferrals,
  blankUnlinkedReferralsUnchangedSince,
  blankEnrolmentNotes,
  findDeclarationVersions,
  findParticipantIncludingErased,
  listAccessEvents,
  listAllDeclarations,
  listAttendanceOf,
  listEnrolmentsWithCohort,
  listEventsOf,
  listParticipantIdsInactiveSince,
  listReferralsOf,
  liveEnrolmentIds,
  shredDeclarations,
  tombstoneParticipant,
  listUnlinkedReferralIdsUnchangedSince,
} from './data-protection.repo';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// ---------------------------------------------------------------------------------------------
// Subject access export

/**
 * Everything held about a participant, read in one consistent snapshot: their details, declarations
 * (with the answers and the wording agreed to), enrolments with history and attendance, and who read
 * or changed their record. Never safeguarding concerns. Erased participants are 404.
 */
export async function exportParticipant(db: Db, id: string, now = new Date()): Promise<ParticipantExport> {
  return db.transaction(
    async (tx) => {
      const p = await findParticipantById(tx, id);
      if (!p) throw notFound('participant');
      const declarationRows = await listAllDeclarations(tx, id);
      const versions = await findDeclarationVersions(tx, [...new Set(declarationRows.map((r) => r.declaration.declarationVersionId))]);
      const enrolmentRows = await listEnrolmentsWithCohort(tx, id);
      const enrolmentIds = enrolmentRows.map((r) => r.enrolment.id);
      const events = await listEventsOf(tx, enrolmentIds);
      const marks = await listAttendanceOf(tx, enrolmentIds);
      const access = await listAccessEvents(tx, id);
      const referralRows = await listReferralsOf(tx, id);

      const declarations: DeclarationRecord[] = declarationRows.map(({ declaration: d, version, enteredByName }) => ({
        id: d.id,
        participantId: d.participantId,
        declarationVersionId: d.declarationVersionId,
        version,
        channel: d.channel,
        outcome: d.outcome,
        reasons: d.reasons,
        answers: decodeAnswers(d.answers),
        enteredBy: d.enteredBy && enteredByName !== null ? { id: d.enteredBy, name: enteredByName } : null,
        reviewOfId: d.reviewOfId,
        reviewNote: decodeReviewNote(d.reviewNote),
        createdAt: d.createdAt.toISOString(),
      }));

      const enrolments: ExportedEnrolment[] = enrolmentRows.map(({ enrolment, cohort }) => ({
        ...toEnrolment(enrolment),
        cohort: { ...cohort, firstSessionAt: iso(cohort.firstSessionAt), lastSessionEndsAt: iso(cohort.lastSessionEndsAt) },
        history: events.filter((e) => e.event.enrolmentId === enrolment.id).map(toEnrolmentEvent),
        attendance: marks
          .filter((m) => m.enrolmentId === enrolment.id)
          .map((m) => ({
            sessionId: m.sessionId,
            position: m.position,
            startsAt: m.startsAt.toISOString(),
            status: m.status,
            recordedAt: m.recordedAt.toISOString(),
          })),
      }));

      return {
        exportedAt: now.toISOString(),
        participant: {
          id: p.id,
          firstName: p.firstName,
          lastName: p.lastName,
          email: p.email,
          phone: p.phone,
          relationship: p.relationship as ParticipantExport['participant']['relationship'],
          preferredContact: p.preferredContact as ParticipantExport['participant']['preferredContact'],
          createdAt: p.createdAt.toISOString(),
          updatedAt: p.updatedAt.toISOString(),
        },
        declarations,
        declarationVersions: versions,
        enrolments,
        referrals: referralRows.map(({ referral: r, partnerName }) => ({
          id: r.id,
          partner: { id: r.partnerId, name: partnerName },
          status: r.status,
          person: { firstName: r.personFirstName, lastName: r.personLastName, email: r.personEmail, phone: r.personPhone },
          relationship: r.relationship,
          consentToShare: r.consentToShare,
          note: decryptOptional(r.note, ENCRYPTED_FIELDS.referralNote),
          createdAt: r.createdAt.toISOString(),
        })),
        accessLog: access.map((a) => ({
          at: a.at.toISOString(),
          actor: { kind: a.actorKind, id: a.actorId, name: a.actorName },
          action: a.action,
          outcome: a.outcome,
        })),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

// ---------------------------------------------------------------------------------------------
// Erasure

/**
 * Erases one participant inside the caller's transaction: declaration answers and review notes
 * shredded, free-text enrolment notes removed, personal fields replaced (a tombstone with erasedAt),
 * their e-mails in the outbox blanked, and each referring partner told by a `referral.erased` webhook.
 * Enrolments, attendance and outcomes stay as anonymous statistics; the audit trail stays; safeguarding
 * concerns follow their own retention. Someone still holding or waiting for a place in a cohort that
 * has not ended → 409 INVALID_STATE (withdraw them first, so the waitlist moves on).
 */
async function eraseWithin(tx: Db, participantId: string, now: Date): Promise<ErasureResult> {
  const current = await findParticipantIncludingErased(tx, participantId, { forUpdate: true });
  if (!current || current.erasedAt) throw notFound('participant');
  if ((await liveEnrolmentIds(tx, participantId, now)).length > 0) {
    throw new AppError(
      'INVALID_STATE',
      409,
      'This person still holds or is waiting for a place in a cohort that has not ended. Withdraw them first, then erase.',
    );
  }
  await allowErasure(tx);
  await shredDeclarations(tx, participantId);
  await blankEnrolmentNotes(tx, participantId, now);
  const erasedReferrals = await blankReferrals(tx, participantId, now);
  const row = await tombstoneParticipant(tx, participantId, now);
  if (!row?.erasedAt) throw new Error('tombstone not written');
  await blankOutboxEmails(tx, participantId, current.email, row.email, now);
  // Each referring partner is told (thin webhook, the referral id only), in this transaction.
  for (const referral of erasedReferrals) await onReferralErased(tx, referral, now);
  return { id: row.id, erasedAt: row.erasedAt.toISOString() };
}

/** Erasure on request (admin). The route's audit trail records who erased whom. */
export async function eraseParticipant(db: Db, _actor: StaffActor, participantId: string, now = new Date()): Promise<ErasureResult> {
  return db.transaction((tx) => eraseWithin(tx, participantId, now));
}

// ---------------------------------------------------------------------------------------------
// Retention

/** `now` minus whole calendar months, the day clamped to the month's length (31 Mar − 1 month = 28/29 Feb). */
export function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

export const RETENTION_ERASURE_ACTION = 'participant.erased_by_retention';
export const RETENTION_CONCERN_DELETION_ACTION = 'safeguardingConcern.deleted_by_retention';
export const RETENTION_REFERRAL_ACTION = 'referral.erased_by_retention';

export interface RetentionOptions {
  dryRun: boolean;
  /** Default 24 (RETENTION_MONTHS). */
  retentionMonths?: number;
}

/**
 * Erases every participant whose last cohort ended (or, with no cohort, whose last declaration or
 * change was) more than `retentionMonths` before `now`. Each in its own transaction, recorded on the
 * audit trail as the system. With dryRun, only lists who would be erased.
 */
export async function eraseExpiredParticipants(
  db: Db,
  now: Date,
  { dryRun, retentionMonths = 24 }: RetentionOptions,
): Promise<{ participantIds: string[]; erased: number }> {
  const participantIds = await listParticipantIdsInactiveSince(db, monthsBefore(now, retentionMonths));
  if (dryRun) return { participantIds, erased: 0 };
  let erased = 0;
  for (const id of participantIds) {
    const done = await db.transaction(async (tx) => {
      // Re-checked under the lock: someone may have enrolled or been erased since the list was made.
      if (!(await listParticipantIdsInactiveSinceIncludes(tx, id, monthsBefore(now, retentionMonths)))) return false;
      await eraseWithin(tx, id, now);
      await recordAuditEvent(tx, { actorKind: 'system', action: RETENTION_ERASURE_ACTION, entityType: 'participant', entityId: id, outcome: 'success' });
      return true;
    });
    if (done) erased++;
  }
  return { participantIds, erased };
}

async function listParticipantIdsInactiveSinceIncludes(tx: Db, id: string, cutoff: Date): Promise<boolean> {
  await findParticipantIncludingErased(tx, id, { forUpdate: true });
  return (await listParticipantIdsInactiveSince(tx, cutoff, id)).includes(id);
}

/**
 * Safeguarding records follow their own rule: resolved concerns are deleted `retentionMonths`
 * (SAFEGUARDING_RETENTION_MONTHS, default 72) after resolution; open ones are never deleted.
 */
export async function deleteExpiredSafeguardingConcerns(
  db: Db,
  now: Date,
  { dryRun, retentionMonths = 72 }: RetentionOptions,
): Promise<{ concernIds: string[]; deleted: number }> {
  const cutoff = monthsBefore(now, retentionMonths);
  if (dryRun) return { concernIds: await listConcernIdsResolvedBefore(db, cutoff), deleted: 0 };
  return db.transaction(async (tx) => {
    const concernIds = await deleteConcernsResolvedBefore(tx, cutoff);
    for (const id of concernIds) {
      await recordAuditEvent(tx, { actorKind: 'system', action: RETENTION_CONCERN_DELETION_ACTION, entityType: 'safeguarding_concern', entityId: id, outcome: 'success' });
    }
    return { concernIds, deleted: concernIds.length };
  });
}

/**
 * Referrals that never became anyone's enrolment (no participant linked: received, contacted,
 * declined or withdrawn) and have not changed for `retentionMonths` (RETENTION_MONTHS): the referred
 * person's details and the note are blanked as on erasure, and the partner is told (referral.erased).
 * Linked referrals follow their participant.
 */
export async function eraseExpiredReferrals(
  db: Db,
  now: Date,
  { dryRun, retentionMonths = 24 }: RetentionOptions,
): Promise<{ referralIds: string[]; referralsErased: number }> {
  const cutoff = monthsBefore(now, retentionMonths);
  if (dryRun) return { referralIds: await listUnlinkedReferralIdsUnchangedSince(db, cutoff), referralsErased: 0 };
  return db.transaction(async (tx) => {
    const erased = await blankUnlinkedReferralsUnchangedSince(tx, cutoff, now);
    for (const referral of erased) {
      await onReferralErased(tx, referral, now);
      await recordAuditEvent(tx, { actorKind: 'system', action: RETENTION_REFERRAL_ACTION, entityType: 'referral', entityId: referral.id, outcome: 'success' });
    }
    return { referralIds: erased.map((r) => r.id), referralsErased: erased.length };
  });
}

export interface RetentionRun {
  participantIds: string[];
  erased: number;
  concernIds: string[];
  deleted: number;
  referralIds: string[];
  referralsErased: number;
}

/** Every retention rule with the configured periods. */
export async function runRetention(db: Db, config: Pick<Config, 'RETENTION_MONTHS' | 'SAFEGUARDING_RETENTION_MONTHS'>, now: Date, opts: { dryRun: boolean }): Promise<RetentionRun> {
  const people = await eraseExpiredParticipants(db, now, { dryRun: opts.dryRun, retentionMonths: config.RETENTION_MONTHS });
  const referrals = await eraseExpiredReferrals(db, now, { dryRun: opts.dryRun, retentionMonths: config.RETENTION_MONTHS });
  const concerns = await deleteExpiredSafeguardingConcerns(db, now, { dryRun: opts.dryRun, retentionMonths: config.SAFEGUARDING_RETENTION_MONTHS });
  return { ...people, ...referrals, ...concerns };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The daily retention job for the in-process scheduler (runs at most once a day per process). */
export function retentionJob(db: Db, config: Pick<Config, 'RETENTION_MONTHS' | 'SAFEGUARDING_RETENTION_MONTHS'>): Job {
  let lastRunAt = 0;
  return {
    name: 'retention',
    async run(now) {
      if (now.getTime() - lastRunAt < DAY_MS) return 0;
      lastRunAt = now.getTime();
      const result = await runRetention(db, config, now, { dryRun: false });
      return result.erased + result.deleted + result.referralsErased;
    },
  };
}
