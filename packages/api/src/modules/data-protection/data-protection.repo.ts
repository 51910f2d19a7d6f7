import { and, arrayContains, asc, desc, eq, inArray, isNotNull, isNull, lt, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  attendance,
  auditEvents,
  cohortSessions,
  cohorts,
  declarations,
  declarationVersions,
  enrolmentEvents,
  enrolments,
  outboxAttempts,
  outboxMessages,
  partners,
  participants,
  referrals,
  users,
} from '../../db/schema/index';
import { SHREDDED } from '../../lib/encryption';

export type ParticipantRow = typeof participants.$inferSelect;

/** The participant, erased or not (a tombstone is still a row). */
export async function findParticipantIncludingErased(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<ParticipantRow | undefined> {
  const query = db.select().from(participants).where(eq(participants.id, id)).limit(1);
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  return row;
}

/** Every declaration of the person, newest first, with its version number and who entered it. */
export async function listAllDeclarations(db: Db, participantId: string) {
  return db
    .select({ declaration: declarations, version: declarationVersions.version, enteredByName: users.name })
    .from(declarations)
    .innerJoin(declarationVersions, eq(declarationVersions.id, declarations.declarationVersionId))
    .leftJoin(users, eq(users.id, declarations.enteredBy))
    .where(eq(declarations.participantId, participantId))
    .orderBy(desc(declarations.createdAt), desc(declarations.id));
}

export async function findDeclarationVersions(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: declarationVersions.id, version: declarationVersions.version, text: declarationVersions.text, sha256: declarationVersions.sha256 })
    .from(declarationVersions)
    .where(inArray(declarationVersions.id, ids))
    .orderBy(asc(declarationVersions.version));
}

/** Every enrolment of the person with its cohort, oldest first. */
export async function listEnrolmentsWithCohort(db: Db, participantId: string) {
  return db
    .select({
      enrolment: enrolments,
      cohort: {
        id: cohorts.id,
        title: cohorts.title,
        status: cohorts.status,
        firstSessionAt: cohorts.firstSessionAt,
        lastSessionEndsAt: cohorts.lastSessionEndsAt,
      },
    })
    .from(enrolments)
    .innerJoin(cohorts, eq(cohorts.id, enrolments.cohortId))
    .where(eq(enrolments.participantId, participantId))
    .orderBy(asc(enrolments.createdAt), asc(enrolments.id));
}

export async function listEventsOf(db: Db, enrolmentIds: string[]) {
  if (enrolmentIds.length === 0) return [];
  return db
    .select({ event: enrolmentEvents, actorName: users.name })
    .from(enrolmentEvents)
    .leftJoin(users, eq(users.id, enrolmentEvents.actorId))
    .where(inArray(enrolmentEvents.enrolmentId, enrolmentIds))
    .orderBy(asc(enrolmentEvents.at), asc(enrolmentEvents.id));
}

export async function listAttendanceOf(db: Db, enrolmentIds: string[]) {
  if (enrolmentIds.length === 0) return [];
  return db
    .select({
      enrolmentId: attendance.enrolmentId,
      sessionId: attendance.sessionId,
      status: attendance.status,
      recordedAt: attendance.recordedAt,
      position: cohortSessions.position,
      startsAt: cohortSessions.startsAt,
    })
    .from(attendance)
    .innerJoin(cohortSessions, eq(cohortSessions.id, attendance.sessionId))
    .where(inArray(attendance.enrolmentId, enrolmentIds))
    .orderBy(asc(cohortSessions.startsAt));
}

/** The audit trail about the person's record (reads and changes, and lists that showed them), oldest first, with staff names. */
export async function listAccessEvents(db: Db, participantId: string) {
  return db
    .select({
      at: auditEvents.at,
      actorKind: auditEvents.actorKind,
      actorId: auditEvents.actorId,
      actorName: users.name,
      action: auditEvents.action,
      outcome: auditEvents.outcome,
    })
    .from(auditEvents)
    .leftJoin(users, and(eq(auditEvents.actorKind, 'staff'), eq(users.id, auditEvents.actorId)))
    .where(
      or(
        and(eq(auditEvents.entityType, 'participant'), eq(auditEvents.entityId, participantId)),
        arrayContains(auditEvents.subjectIds, [participantId]),
      ),
    )
    .orderBy(asc(auditEvents.at), asc(auditEvents.id));
}

/** When a cohort ended for retention: its last session's end, or its cancellation. */
const cohortEnd = sql`CASE WHEN ${cohorts.status} = 'cancelled' THEN coalesce(${cohorts.cancelledAt}, ${cohorts.lastSessionEndsAt}) ELSE ${cohorts.lastSessionEndsAt} END`;

/** Ids of the person's enrolments that still hold or wait for a place in a cohort that has not ended. */
export async function liveEnrolmentIds(db: Db, participantId: string, now: Date): Promise<string[]> {
  const rows = await db
    .select({ id: enrolments.id })
    .from(enrolments)
    .innerJoin(cohorts, eq(cohorts.id, enrolments.cohortId))
    .where(
      and(
        eq(enrolments.participantId, participantId),
        inArray(enrolments.status, ['waitlisted', 'offered', 'confirmed']),
        notInArray(cohorts.status, ['completed', 'cancelled']),
        or(isNull(cohorts.lastSessionEndsAt), sql`${cohorts.lastSessionEndsAt} > ${now.toISOString()}::timestamptz`),
      ),
    );
  return rows.map((r) => r.id);
}

/**
 * Participants not yet erased whose last activity is before `cutoff`: the end of their last cohort,
 * or (for those who never took one) their last declaration or change. Anyone with a cohort that
 * has no end yet, or ends after the cutoff, is kept.
 */
export async function listParticipantIdsInactiveSince(db: Db, cutoff: Date, onlyId?: string): Promise<string[]> {
  const at = sql`${cutoff.toISOString()}::timestamptz`;
  const rows = await db
    .select({ id: participants.id })
    .from(participants)
    .where(
      and(
        onlyId ? eq(participants.id, onlyId) : undefined,
        isNull(participants.erasedAt),
        sql`${participants.updatedAt} < ${at}`,
        sql`NOT EXISTS (SELECT 1 FROM ${declarations} WHERE ${declarations.participantId} = ${participants.id} AND ${declarations.createdAt} >= ${at})`,
        sql`NOT EXISTS (SELECT 1 FROM ${enrolments} INNER JOIN ${cohorts} ON ${cohorts.id} = ${enrolments.cohortId}
              WHERE ${enrolments.participantId} = ${participants.id} AND (${cohortEnd} IS NULL OR ${cohortEnd} >= ${at}))`,
      ),
    )
    .orderBy(asc(participants.id));
  return rows.map((r) => r.id);
}

/** Lets this transaction change declarations (the immutability trigger's one exception). */
export async function allowErasure(db: Db): Promise<void> {
  await db.execute(sql`SELECT set_config('harbour.erasure', 'on', true)`);
}

/** Answers and review notes replaced by the shredded marker. Needs allowErasure first. */
export async function shredDeclarations(db: Db, participantId: string): Promise<void> {
  await db
    .update(declarations)
    .set({ answers: SHREDDED, reviewNote: sql`CASE WHEN ${declarations.reviewNote} IS NULL THEN NULL ELSE ${SHREDDED} END` })
    .where(eq(declarations.participantId, participantId));
}

/** Free text on the person's enrolments (payment notes, reasons in the history) removed; the rest stays as statistics. */
export async function blankEnrolmentNotes(db: Db, participantId: string, now: Date): Promise<void> {
  const mine = db.select({ id: enrolments.id }).from(enrolments).where(eq(enrolments.participantId, participantId));
  await db
    .update(enrolments)
    .set({ paymentNote: null, updatedAt: now })
    .where(and(eq(enrolments.participantId, participantId), isNotNull(enrolments.paymentNote)));
  await db.update(enrolmentEvents).set({ note: null }).where(and(inArray(enrolmentEvents.enrolmentId, mine), isNotNull(enrolmentEvents.note)));
}

/** The tombstone: personal fields replaced, erasedAt set. */
export async function tombstoneParticipant(db: Db, id: string, now: Date): Promise<ParticipantRow | undefined> {
  const [row] = await db
    .update(participants)
    .set({
      firstName: 'Erased',
      lastName: 'Erased',
      email: `erased+${id}@invalid`,
      phone: null,
      preferredContact: 'email',
      erasedAt: now,
      updatedAt: now,
    })
    .where(and(eq(participants.id, id), isNull(participants.erasedAt)))
    .returning();
  return row;
}

/** Referrals linked to the person, with the referring partner's name, oldest first. */
export async function listReferralsOf(db: Db, participantId: string) {
  return db
    .select({ referral: referrals, partnerName: partners.name })
    .from(referrals)
    .innerJoin(partners, eq(partners.id, referrals.partnerId))
    .where(eq(referrals.participantId, participantId))
    .orderBy(asc(referrals.createdAt), asc(referrals.id));
}

/** The person's details on referrals linked to them replaced as on the tombstone; answers each referral with its partner. */
export async function blankReferrals(db: Db, participantId: string, now: Date): Promise<{ id: string; partnerId: string }[]> {
  return blankReferralsWhere(db, eq(referrals.participantId, participantId), now);
}

/**
 * Referrals that never became anyone's (no participant linked), unchanged since `cutoff`, not yet
 * blanked (a blanked one carries its own tombstone address).
 */
const unlinkedUnchangedSince = (cutoff: Date) =>
  and(
    isNull(referrals.participantId),
    lt(referrals.statusChangedAt, cutoff),
    sql`${referrals.personEmail} IS DISTINCT FROM ('erased+' || ${referrals.id}::text || '@invalid')`,
  )!;

export async function listUnlinkedReferralIdsUnchangedSince(db: Db, cutoff: Date): Promise<string[]> {
  const rows = await db
    .select({ id: referrals.id })
    .from(referrals)
    .where(unlinkedUnchangedSince(cutoff))
    .orderBy(asc(referrals.statusChangedAt), asc(referrals.id));
  return rows.map((r) => r.id);
}

/** Those referrals blanked (re-checked in the statement); answers each with its partner. */
export async function blankUnlinkedReferralsUnchangedSince(db: Db, cutoff: Date, now: Date): Promise<{ id: string; partnerId: string }[]> {
  return blankReferralsWhere(db, unlinkedUnchangedSince(cutoff), now);
}

async function blankReferralsWhere(db: Db, where: SQL, now: Date): Promise<{ id: string; partnerId: string }[]> {
  const rows = await db
    .update(referrals)
    .set({
      personFirstName: 'Erased',
      personLastName: 'Erased',
      personEmail: sql`'erased+' || ${referrals.id}::text || '@invalid'`,
      personPhone: null,
      note: null,
      updatedAt: now,
    })
    .where(where)
    .returning({ id: referrals.id, partnerId: referrals.partnerId });
  return rows;
}

const OUTBOX_ERASED_NOTE = 'The recipient’s details were erased.';

/**
 * E-mails to the person in the outbox (written for them, to whatever address they had then, or to
 * their address now): the address replaced by the tombstone's, the rendered message (which carries
 * their name and session details) removed, any error text (which may quote the address) removed, and
 * whatever was still waiting cancelled. Answers how many messages.
 */
export async function blankOutboxEmails(db: Db, participantId: string, email: string, replacement: string, now: Date): Promise<number> {
  const rows = await db
    .update(outboxMessages)
    .set({
      recipient: replacement,
      payload: { erased: true },
      status: sql`CASE WHEN ${outboxMessages.status} IN ('pending','held') THEN 'cancelled' ELSE ${outboxMessages.status} END`,
      lastError: sql`CASE WHEN ${outboxMessages.status} IN ('pending','held') OR ${outboxMessages.lastError} IS NOT NULL THEN ${OUTBOX_ERASED_NOTE} ELSE NULL END`,
      updatedAt: now,
    })
    .where(
      and(
        eq(outboxMessages.kind, 'email'),
        or(eq(outboxMessages.participantId, participantId), sql`lower(${outboxMessages.recipient}) = lower(${email})`),
      ),
    )
    .returning({ id: outboxMessages.id });
  if (rows.length > 0) {
    await db
      .update(outboxAttempts)
      .set({ error: null })
      .where(
        and(
          inArray(
            outboxAttempts.messageId,
            rows.map((r) => r.id),
          ),
          isNotNull(outboxAttempts.error),
        ),
      );
  }
  return rows.length;
}
