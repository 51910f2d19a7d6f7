import type {
  CreateParticipantBody,
  Participant,
  ParticipantListItem,
  ParticipantListQuery,
  UpdateParticipantBody,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { AppError, notFound } from '../../lib/app-error';
import { decodeCursor, toPage } from '../../lib/cursor';
import type { StaffActor } from '../../plugins/auth';
import {
  PARTICIPANT_EMAIL_KEY,
  findLatestDeclarationSummary,
  findParticipantIdByEmail,
  findParticipantWithLatestDeclaration,
  insertParticipant,
  isUniqueViolation,
  latestOutcomes,
  listParticipants,
  updateParticipant,
  type ParticipantRow,
} from './participants.repo';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function duplicateEmail(existingId: string | undefined): AppError {
  return new AppError('DUPLICATE_EMAIL', 409, 'A participant with this e-mail address already exists.', existingId ? { existingId } : {});
}

function baseFields(row: ParticipantRow) {
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    relationship: row.relationship as Participant['relationship'],
    preferredContact: row.preferredContact as Participant['preferredContact'],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

type DeclarationSummary = Awaited<ReturnType<typeof findLatestDeclarationSummary>>;

function participantOf(row: ParticipantRow, latest: DeclarationSummary | null): Participant {
  return { ...baseFields(row), latestDeclaration: latest ? { ...latest, createdAt: latest.createdAt.toISOString() } : null };
}

async function toParticipant(db: Db, row: ParticipantRow): Promise<Participant> {
  return participantOf(row, await findLatestDeclarationSummary(db, row.id));
}

/**
 * The unique index is the authority (race-safe); the look-up first only gives a friendlier answer
 * and, after a lost race, the id of the winner.
 */
export async function createParticipant(db: Db, actor: StaffActor, body: CreateParticipantBody): Promise<Participant> {
  const existingId = await findParticipantIdByEmail(db, body.email);
  if (existingId) throw duplicateEmail(existingId);
  const row = await unlessEmailTaken(db, body.email, (sp) =>
    insertParticipant(sp, {
      firstName: body.firstName,
      lastName: body.lastName,
      email: body.email,
      phone: body.phone ?? null,
      relationship: body.relationship,
      preferredContact: body.preferredContact,
      createdBy: actor.id,
    }),
  );
  return { ...baseFields(row), latestDeclaration: null };
}

/**
 * A write the unique e-mail index may refuse (another request took the address between our look-up
 * and the write), in a savepoint of its own: the refusal rolls back only the write, so the request's
 * transaction can still find the winner and answer 409 naming it. Without the savepoint PostgreSQL
 * refuses every later statement of the transaction, and the look-up failed with a 500.
 */
async function unlessEmailTaken<T>(db: Db, email: string | undefined, write: (db: Db) => Promise<T>): Promise<T> {
  if (email === undefined) return write(db); // the address does not change: nothing for the index to refuse
  try {
    return await db.transaction((sp) => write(sp));
  } catch (err) {
    if (isUniqueViolation(err, PARTICIPANT_EMAIL_KEY)) throw duplicateEmail(await findParticipantIdByEmail(db, email));
    throw err;
  }
}

export async function getParticipant(db: Db, id: string): Promise<Participant> {
  const found = await findParticipantWithLatestDeclaration(db, id);
  if (!found) throw notFound('participant');
  return participantOf(found.participant, found.latest);
}

export async function changeParticipant(db: Db, id: string, body: UpdateParticipantBody): Promise<Participant> {
  if (body.email !== undefined) {
    const existingId = await findParticipantIdByEmail(db, body.email);
    if (existingId && existingId !== id) throw duplicateEmail(existingId);
  }
  const row = await unlessEmailTaken(db, body.email, (sp) =>
    updateParticipant(sp, id, {
      ...(body.firstName !== undefined && { firstName: body.firstName }),
      ...(body.lastName !== undefined && { lastName: body.lastName }),
      ...(body.email !== undefined && { email: body.email }),
      ...(body.phone !== undefined && { phone: body.phone }),
      ...(body.relationship !== undefined && { relationship: body.relationship }),
      ...(body.preferredContact !== undefined && { preferredContact: body.preferredContact }),
    }),
  );
  if (!row) throw notFound('participant');
  return toParticipant(db, row);
}

/** Two queries per page whatever its size: the participants, then their latest outcomes. */
export async function listParticipantPage(db: Db, query: ParticipantListQuery): Promise<{ items: ParticipantListItem[]; nextCursor: string | null }> {
  let after: { lastName: string; firstName: string; id: string } | undefined;
  if (query.cursor) {
    const [lastName = '', firstName = '', id = ''] = decodeCursor(query.cursor, 3).map(String);
    if (!UUID.test(id)) {
      throw new AppError('VALIDATION_FAILED', 400, 'The cursor is not valid.', {
        errors: [{ path: 'cursor', message: 'Use the nextCursor of a previous page.' }],
      });
    }
    after = { lastName, firstName, id };
  }
  const rows = await listParticipants(db, { limit: query.limit + 1, q: query.q || undefined, after });
  const page = toPage(rows, query.limit, (r) => [r.sortLast, r.sortFirst, r.id]);
  const outcomes = await latestOutcomes(db, page.items.map((r) => r.id));
  return {
    items: page.items.map((r) => ({ ...baseFields(r), latestOutcome: outcomes.get(r.id) ?? null })),
    nextCursor: page.nextCursor,
  };
}
