// Safeguarding concerns: raised by facilitators (for their own cohorts) and coordinators; read and
// resolved by safeguarding leads and admins only. Texts are encrypted at rest. Every read is on the
// audit trail: the routes are flagged `audit: 'read'` (one event per request, denied ones too), and a
// list also records each concern it showed (entity safeguarding_concern), so "who saw concern X" is answerable.
import type {
  RaiseSafeguardingConcernBody,
  ResolveSafeguardingConcernBody,
  SafeguardingConcern,
  SafeguardingConcernListQuery,
  SafeguardingConcernReceipt,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { auditEvents } from '../../db/schema/index';
import { AppError, invalidState, notFound } from '../../lib/app-error';
import { consoleLink } from '../../lib/console-link';
import { decodeCursor, toPage } from '../../lib/cursor';
import { ENCRYPTED_FIELDS, decryptField, decryptOptional, encryptField } from '../../lib/encryption';
import type { StaffActor } from '../../plugins/auth';
import type { AuditEventInput } from '../audit/audit.service';
import { isAssignedFacilitator, seesAllCohorts } from '../cohorts/cohort-access';
import { enqueue } from '../outbox/outbox.service';
import { findParticipantById } from '../participants/participants.repo';
import { listActiveStaffWithRole } from '../users/users.repo';
import {
  cohortExists,
  findConcernById,
  findConcernWithNames,
  insertConcern,
  listConcerns,
  participantInCohort,
  participantInFacilitatorsCohorts,
  updateConcern,
  type ConcernWithNames,
} from './safeguarding.repo';

/** Who reads, from where: recorded with each concern shown. */
export type ReadContext = Pick<AuditEventInput, 'actorKind' | 'actorId' | 'actorRoles' | 'ip' | 'requestId'>;

export const CONCERN_READ_ACTION = 'safeguardingConcern.read';

function toConcern(r: ConcernWithNames): SafeguardingConcern {
  const c = r.concern;
  return {
    id: c.id,
    participant:
      c.participantId === null
        ? null
        : { id: c.participantId, firstName: r.participantFirstName ?? '', lastName: r.participantLastName ?? '', erased: r.participantErasedAt !== null },
    cohort: c.cohortId === null ? null : { id: c.cohortId, title: r.cohortTitle ?? '' },
    raisedBy: { id: c.raisedBy, name: r.raisedByName },
    raisedAt: c.raisedAt.toISOString(),
    summary: decryptField(c.summaryEnc, ENCRYPTED_FIELDS.safeguardingSummary),
    status: c.status,
    resolvedBy: c.resolvedBy === null ? null : { id: c.resolvedBy, name: r.resolvedByName ?? '' },
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    resolution: decryptOptional(c.resolutionEnc, ENCRYPTED_FIELDS.safeguardingResolution),
  };
}

/** One statement for all the concerns shown, inside the caller's transaction. */
async function recordReads(db: Db, context: ReadContext, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const at = new Date();
  await db.insert(auditEvents).values(
    ids.map((id) => ({
      at,
      actorKind: context.actorKind,
      actorId: context.actorId ?? null,
      actorRoles: [...(context.actorRoles ?? [])],
      action: CONCERN_READ_ACTION,
      entityType: 'safeguarding_concern',
      entityId: id,
      outcome: 'success' as const,
      statusCode: 200,
      ip: context.ip ?? null,
      requestId: context.requestId ?? null,
    })),
  );
}

/**
 * Tells the safeguarding leads (the admins, when there is no active lead) that a concern is waiting:
 * when it was raised and where to read it, nothing else. In the transaction that records it.
 */
async function tellConcernReaders(tx: Db, raisedAt: Date, publicUrl: string | undefined): Promise<void> {
  const leads = await listActiveStaffWithRole(tx, 'safeguarding_lead');
  const readers = leads.length > 0 ? leads : await listActiveStaffWithRole(tx, 'admin');
  const link = consoleLink(publicUrl, '/admin/safeguarding');
  for (const { email } of readers) {
    await enqueue(tx, { kind: 'email', to: email, template: 'concern_raised', data: { raisedAt, link } }, raisedAt);
  }
}

/**
 * A facilitator may raise a concern only about their assigned cohorts and people enrolled in them;
 * anything else is 404 (they must not learn what exists). Others: the participant and cohort must
 * exist, and when both are named the participant must be enrolled in the cohort (422).
 */
export async function raiseConcern(
  db: Db,
  actor: StaffActor,
  body: RaiseSafeguardingConcernBody,
  opts: { publicUrl?: string } = {},
): Promise<SafeguardingConcernReceipt> {
  return db.transaction(async (tx) => {
    const scoped = !seesAllCohorts(actor);
    if (body.cohortId !== undefined) {
      if (!(await cohortExists(tx, body.cohortId))) throw notFound('cohort');
      if (scoped && !(await isAssignedFacilitator(tx, body.cohortId, actor.id))) throw notFound('cohort');
    }
    if (body.participantId !== undefined) {
      if (!(await findParticipantById(tx, body.participantId))) throw notFound('participant');
      if (scoped && !(await participantInFacilitatorsCohorts(tx, body.participantId, actor.id, body.cohortId))) throw notFound('participant');
      if (!scoped && body.cohortId !== undefined && !(await participantInCohort(tx, body.participantId, body.cohortId))) {
        throw new AppError('RULE_VIOLATION', 422, 'This participant is not enrolled in this cohort.', {
          errors: [{ path: 'participantId', message: 'Name a participant of the cohort, or leave the cohort out.' }],
        });
      }
    }
    const row = await insertConcern(tx, {
      participantId: body.participantId ?? null,
      cohortId: body.cohortId ?? null,
      raisedBy: actor.id,
      raisedAt: new Date(),
      summaryEnc: encryptField(body.summary, ENCRYPTED_FIELDS.safeguardingSummary),
      status: 'open',
    });
    await tellConcernReaders(tx, row.raisedAt, opts.publicUrl);
    return { id: row.id, status: row.status, raisedAt: row.raisedAt.toISOString() };
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listConcernPage(
  db: Db,
  context: ReadContext,
  query: SafeguardingConcernListQuery,
): Promise<{ items: SafeguardingConcern[]; nextCursor: string | null }> {
  let before: { raisedAt: Date; id: string } | undefined;
  if (query.cursor) {
    const [raisedAt, id] = decodeCursor(query.cursor, 2);
    const at = new Date(String(raisedAt));
    if (Number.isNaN(at.getTime()) || !UUID.test(String(id))) {
      throw new AppError('VALIDATION_FAILED', 400, 'The cursor is not valid.', {
        errors: [{ path: 'cursor', message: 'Use the nextCursor of a previous page.' }],
      });
    }
    before = { raisedAt: at, id: String(id) };
  }
  return db.transaction(async (tx) => {
    const rows = await listConcerns(tx, {
      limit: query.limit + 1,
      status: query.status,
      participantId: query.participantId,
      cohortId: query.cohortId,
      before,
    });
    const page = toPage(rows, query.limit, (r) => [r.concern.raisedAt.toISOString(), r.concern.id]);
    const items = page.items.map(toConcern);
    await recordReads(tx, context, items.map((c) => c.id));
    return { items, nextCursor: page.nextCursor };
  });
}

/** The route's audit flag records this read (entity safeguarding_concern, this id). */
export async function getConcern(db: Db, id: string): Promise<SafeguardingConcern> {
  const row = await findConcernWithNames(db, id);
  if (!row) throw notFound('safeguarding concern');
  return toConcern(row);
}

/** Open → resolved, with what was done. Resolving twice is 409 INVALID_STATE. */
export async function resolveConcern(
  db: Db,
  actor: StaffActor,
  id: string,
  body: ResolveSafeguardingConcernBody,
): Promise<SafeguardingConcern> {
  return db.transaction(async (tx) => {
    const current = await findConcernById(tx, id, { forUpdate: true });
    if (!current) throw notFound('safeguarding concern');
    if (current.status !== 'open') throw invalidState('This concern has already been resolved.');
    await updateConcern(tx, id, {
      status: 'resolved',
      resolvedBy: actor.id,
      resolvedAt: new Date(),
      resolutionEnc: encryptField(body.resolution, ENCRYPTED_FIELDS.safeguardingResolution),
    });
    const row = await findConcernWithNames(tx, id);
    if (!row) throw new Error('concern missing after update');
    return toConcern(row);
  });
}
