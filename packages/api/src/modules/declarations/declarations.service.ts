import {
  DEFAULT_DECLARATION_QUESTIONS,
  DEFAULT_DECLARATION_TEXT,
  INELIGIBLE_SIGNPOSTING,
  evaluateEligibility,
  type CreateDeclarationBody,
  type CreateDeclarationVersionBody,
  type Declaration,
  type DeclarationQuestion,
  type DeclarationQueueItem,
  type DeclarationQueueQuery,
  type DeclarationRecord,
  type DeclarationVersion,
  type ReviewDeclarationBody,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { AppError, notFound } from '../../lib/app-error';
import { sha256Hex } from '../../lib/crypto';
import { decodeCursor, toPage } from '../../lib/cursor';
import type { StaffActor } from '../../plugins/auth';
import { releasePlacesOfIneligible } from '../enrolments/enrolments.service';
import { findParticipantById } from '../participants/participants.repo';
import { decodeAnswers, decodeReviewNote, encodeAnswers, encodeReviewNote } from './answers-codec';
import {
  courseExists,
  findCurrentVersion,
  findDeclarationById,
  findLatestDeclaration,
  findVersionById,
  insertDeclaration,
  insertVersionIfAbsent,
  listLatestDeclarationsWithOutcome,
  listParticipantDeclarations,
  lockCourse,
  type DeclarationKey,
  type DeclarationRow,
  type DeclarationVersionRow,
  type DeclarationWithVersion,
} from './declarations.repo';

// ---------------------------------------------------------------- declaration versions

/** The exact bytes hashed: text and questions (key, label, in order) as JSON. */
export function canonicalDeclarationForm(text: string, questions: readonly DeclarationQuestion[]): string {
  return JSON.stringify({ text, questions: questions.map((q) => ({ key: q.key, label: q.label })) });
}

export function declarationSha256(text: string, questions: readonly DeclarationQuestion[]): string {
  return sha256Hex(canonicalDeclarationForm(text, questions));
}

export function toDeclarationVersion(row: DeclarationVersionRow): DeclarationVersion {
  return {
    id: row.id,
    courseId: row.courseId,
    version: row.version,
    text: row.text,
    questions: row.questions.map((q) => ({ key: q.key, label: q.label })),
    sha256: row.sha256,
    requiresRedeclaration: row.requiresRedeclaration,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * The course's current declaration version; on first need, version 1 from the default wording.
 * Safe to call concurrently and on every start (the seed calls it). Throws 404 for an unknown course.
 */
export async function ensureDeclarationVersion(db: Db, courseId: string): Promise<DeclarationVersionRow> {
  const current = await findCurrentVersion(db, courseId);
  if (current) return current;
  if (!(await courseExists(db, courseId))) throw notFound('course');
  await insertVersionIfAbsent(db, {
    courseId,
    version: 1,
    text: DEFAULT_DECLARATION_TEXT,
    questions: DEFAULT_DECLARATION_QUESTIONS,
    sha256: declarationSha256(DEFAULT_DECLARATION_TEXT, DEFAULT_DECLARATION_QUESTIONS),
    requiresRedeclaration: false,
  });
  // Whoever won the race, version 1 (or a later one) now exists.
  const created = await findCurrentVersion(db, courseId);
  if (!created) throw new Error('declaration version missing after insert');
  return created;
}

export async function getCurrentDeclarationVersion(db: Db, courseId: string): Promise<DeclarationVersion> {
  return toDeclarationVersion(await ensureDeclarationVersion(db, courseId));
}

/** The next version of the course's wording (admin). The same wording as the current one → 409 DUPLICATE. */
export async function createDeclarationVersion(db: Db, body: CreateDeclarationVersionBody): Promise<DeclarationVersion> {
  return db.transaction(async (tx) => {
    if (!(await lockCourse(tx, body.courseId))) throw notFound('course');
    const current = await findCurrentVersion(tx, body.courseId);
    const sha256 = declarationSha256(body.text, body.questions);
    if (current && current.sha256 === sha256) {
      throw new AppError('DUPLICATE', 409, 'This wording is the same as the current version.');
    }
    const row = await insertVersionIfAbsent(tx, {
      courseId: body.courseId,
      version: (current?.version ?? 0) + 1,
      text: body.text,
      questions: body.questions,
      sha256,
      requiresRedeclaration: body.requiresRedeclaration,
    });
    if (!row) throw new AppError('CONFLICT', 409, 'Another version was created at the same time. Try again.');
    return toDeclarationVersion(row);
  });
}

// ---------------------------------------------------------------- declarations

function staffRef(id: string | null, name: string | null) {
  return id && name !== null ? { id, name } : null;
}

function toDeclaration(row: DeclarationRow, version: number, enteredBy: { id: string; name: string } | null): Declaration {
  return {
    id: row.id,
    participantId: row.participantId,
    declarationVersionId: row.declarationVersionId,
    version,
    channel: row.channel,
    outcome: row.outcome,
    reasons: row.reasons,
    // The kind explanation and other support, only ever with an ineligible outcome.
    ...(row.outcome === 'ineligible' && { signposting: INELIGIBLE_SIGNPOSTING }),
    enteredBy,
    reviewOfId: row.reviewOfId,
    reviewNote: decodeReviewNote(row.reviewNote),
    createdAt: row.createdAt.toISOString(),
  };
}

function toRecord(row: DeclarationWithVersion): DeclarationRecord {
  return {
    id: row.id,
    participantId: row.participantId,
    declarationVersionId: row.declarationVersionId,
    version: row.version,
    channel: row.channel,
    outcome: row.outcome,
    reasons: row.reasons,
    answers: decodeAnswers(row.answers),
    enteredBy: staffRef(row.enteredBy, row.enteredByName),
    reviewOfId: row.reviewOfId,
    reviewNote: decodeReviewNote(row.reviewNote),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Page keys for declarations: the createdAt (text, full precision) and id of the last row. */
function keyFromCursor(cursor: string | undefined): DeclarationKey | undefined {
  if (!cursor) return undefined;
  const [createdAt = '', id = ''] = decodeCursor(cursor, 2).map(String);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(createdAt) || !UUID.test(id)) {
    throw new AppError('VALIDATION_FAILED', 400, 'The cursor is not valid.', {
      errors: [{ path: 'cursor', message: 'Use the nextCursor of a previous page.' }],
    });
  }
  return { createdAt, id };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An ineligible outcome ends the places the person held (DOMAIN), in the declaration's transaction. */
async function withReleasedPlaces(tx: Db, actor: StaffActor, declaration: Declaration): Promise<Declaration> {
  if (declaration.outcome !== 'ineligible') return declaration;
  return { ...declaration, releasedPlaces: await releasePlacesOfIneligible(tx, actor, declaration.participantId) };
}

/**
 * Records a declaration made under the course's CURRENT wording, evaluated by the shared rule only.
 * An unknown declarationVersionId is 404 NOT_FOUND; a known but superseded one is 422
 * DECLARATION_VERSION_NOT_CURRENT. The participant row is locked so a review and a new declaration
 * of the same person never interleave.
 */
export async function recordDeclaration(db: Db, actor: StaffActor, participantId: string, body: CreateDeclarationBody): Promise<Declaration> {
  return db.transaction(async (tx) => {
    if (!(await findParticipantById(tx, participantId, { forUpdate: true }))) throw notFound('participant');
    const version = await findVersionById(tx, body.declarationVersionId);
    if (!version) throw notFound('declaration version');
    const current = await findCurrentVersion(tx, version.courseId);
    if (current?.id !== version.id) {
      throw new AppError(
        'DECLARATION_VERSION_NOT_CURRENT',
        422,
        `This wording (version ${version.version}) has been replaced. Show the current version and ask again.`,
        { currentVersionId: current?.id },
      );
    }
    const result = evaluateEligibility(body.answers);
    const row = await insertDeclaration(tx, {
      participantId,
      declarationVersionId: version.id,
      channel: body.channel,
      answers: encodeAnswers(body.answers),
      outcome: result.outcome,
      reasons: result.reasons,
      enteredBy: actor.id,
    });
    return withReleasedPlaces(tx, actor, toDeclaration(row, version.version, { id: actor.id, name: actor.name }));
  });
}

export async function listDeclarationHistory(
  db: Db,
  participantId: string,
  query: { limit: number; cursor?: string },
): Promise<{ items: DeclarationRecord[]; nextCursor: string | null }> {
  const before = keyFromCursor(query.cursor);
  if (!(await findParticipantById(db, participantId))) throw notFound('participant');
  const rows = await listParticipantDeclarations(db, participantId, { limit: query.limit + 1, before });
  const page = toPage(rows, query.limit, (r) => [r.key, r.id]);
  return { items: page.items.map(toRecord), nextCursor: page.nextCursor };
}

/**
 * A coordinator resolves a needs_review declaration that is still the participant's latest, by a NEW
 * staff-entered declaration (same version and answers); the reviewed row is never changed.
 * Otherwise 409 REVIEW_NOT_NEEDED.
 */
export async function reviewDeclaration(db: Db, actor: StaffActor, declarationId: string, body: ReviewDeclarationBody): Promise<Declaration> {
  return db.transaction(async (tx) => {
    const reviewed = await findDeclarationById(tx, declarationId);
    if (!reviewed) throw notFound('declaration');
    if (!(await findParticipantById(tx, reviewed.participantId, { forUpdate: true }))) throw notFound('declaration');
    const latest = await findLatestDeclaration(tx, reviewed.participantId);
    if (reviewed.outcome !== 'needs_review') {
      throw new AppError('REVIEW_NOT_NEEDED', 409, `This declaration is ${reviewed.outcome.replace('_', ' ')}: there is nothing to review.`);
    }
    if (latest?.id !== reviewed.id) {
      throw new AppError('REVIEW_NOT_NEEDED', 409, 'A newer declaration has replaced this one: review that one instead.');
    }
    const version = await findVersionById(tx, reviewed.declarationVersionId);
    if (!version) throw new Error('declaration version missing');
    const row = await insertDeclaration(tx, {
      participantId: reviewed.participantId,
      declarationVersionId: reviewed.declarationVersionId,
      channel: 'staff',
      // Through the codec both ways: the stored form may be bound to its row (encryption at rest).
      answers: encodeAnswers(decodeAnswers(reviewed.answers)),
      outcome: body.outcome,
      reasons: body.outcome === 'eligible' ? [] : reviewed.reasons,
      reviewOfId: reviewed.id,
      reviewNote: encodeReviewNote(body.note),
      enteredBy: actor.id,
    });
    return withReleasedPlaces(tx, actor, toDeclaration(row, version.version, { id: actor.id, name: actor.name }));
  });
}

/** The review queue (or any outcome): latest declarations with that outcome, oldest first. */
export async function listDeclarationQueue(
  db: Db,
  query: DeclarationQueueQuery,
): Promise<{ items: DeclarationQueueItem[]; nextCursor: string | null }> {
  const after = keyFromCursor(query.cursor);
  const rows = await listLatestDeclarationsWithOutcome(db, { outcome: query.outcome, limit: query.limit + 1, after });
  const page = toPage(rows, query.limit, (r) => [r.key, r.id]);
  return {
    items: page.items.map((r) => ({
      id: r.id,
      participant: { id: r.participantId, firstName: r.firstName, lastName: r.lastName },
      version: r.version,
      channel: r.channel,
      outcome: r.outcome,
      reasons: r.reasons,
      enteredBy: staffRef(r.enteredBy, r.enteredByName),
      createdAt: r.createdAt.toISOString(),
    })),
    nextCursor: page.nextCursor,
  };
}
