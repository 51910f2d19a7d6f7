import { and, asc, desc, eq, ilike, inArray, isNull, or, sql, type Column, type Placeholder, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { prepared } from '../../db/prepared';
import { declarations, declarationVersions, participants } from '../../db/schema/index';
import type { EligibilityOutcome } from '@harbour/shared';

export type ParticipantRow = typeof participants.$inferSelect;
export type NewParticipantRow = typeof participants.$inferInsert;

export const PARTICIPANT_EMAIL_KEY = 'participants_email_key';

/** A participant who has not been erased (erased ones are tombstones: not found). */
export async function findParticipantById(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<ParticipantRow | undefined> {
  if (opts.forUpdate) {
    const [row] = await db
      .select()
      .from(participants)
      .where(and(eq(participants.id, id), isNull(participants.erasedAt)))
      .limit(1)
      .for('update');
    return row;
  }
  const [row] = await prepared(db, 'participant_by_id', (db, name) =>
    db
      .select()
      .from(participants)
      .where(and(eq(participants.id, sql.placeholder('id')), isNull(participants.erasedAt)))
      .limit(1)
      .prepare(name),
  ).execute({ id });
  return row;
}

export async function findParticipantIdByEmail(db: Db, email: string): Promise<string | undefined> {
  const [row] = await db
    .select({ id: participants.id })
    .from(participants)
    .where(and(eq(participants.email, email), isNull(participants.erasedAt)))
    .limit(1);
  return row?.id;
}

export async function insertParticipant(db: Db, values: NewParticipantRow): Promise<ParticipantRow> {
  const [row] = await db.insert(participants).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateParticipant(db: Db, id: string, values: Partial<NewParticipantRow>): Promise<ParticipantRow | undefined> {
  const [row] = await db
    .update(participants)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(participants.id, id), isNull(participants.erasedAt)))
    .returning();
  return row;
}

const lowerLast = sql<string>`lower(${participants.lastName})`;
const lowerFirst = sql<string>`lower(${participants.firstName})`;

/** `%text%` for LIKE, with the wildcards in the text taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export type ParticipantKey = { lastName: string; firstName: string; id: string };

/**
 * Keyset page ordered by lower(last name), lower(first name), id; `q` matches (case-insensitively)
 * the first name, last name, "first last" or e-mail. Erased participants are never listed.
 */
export async function listParticipants(
  db: Db,
  opts: { limit: number; q?: string; after?: ParticipantKey },
): Promise<(ParticipantRow & { sortLast: string; sortFirst: string })[]> {
  const conditions: (SQL | undefined)[] = [isNull(participants.erasedAt)];
  if (opts.q) {
    const pattern = containsPattern(opts.q);
    conditions.push(
      or(
        ilike(participants.firstName, pattern),
        ilike(participants.lastName, pattern),
        ilike(sql`${participants.firstName} || ' ' || ${participants.lastName}`, pattern),
        ilike(participants.email, pattern),
      ),
    );
  }
  if (opts.after) {
    conditions.push(sql`(${lowerLast}, ${lowerFirst}, ${participants.id}) > (${opts.after.lastName}, ${opts.after.firstName}, ${opts.after.id}::uuid)`);
  }
  const rows = await db
    .select({ participant: participants, sortLast: lowerLast, sortFirst: lowerFirst })
    .from(participants)
    .where(and(...conditions))
    .orderBy(asc(lowerLast), asc(lowerFirst), asc(participants.id))
    .limit(opts.limit);
  return rows.map((r) => ({ ...r.participant, sortLast: r.sortLast, sortFirst: r.sortFirst }));
}

/** The latest declaration's outcome of each of these participants, in one query. */
export async function latestOutcomes(db: Db, participantIds: string[]): Promise<Map<string, EligibilityOutcome>> {
  if (participantIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([declarations.participantId], { participantId: declarations.participantId, outcome: declarations.outcome })
    .from(declarations)
    .where(inArray(declarations.participantId, participantIds))
    .orderBy(declarations.participantId, desc(declarations.createdAt), desc(declarations.id));
  return new Map(rows.map((r) => [r.participantId, r.outcome]));
}

/** The latest declaration of a participant (by createdAt, then id) with its version number. */
function latestDeclarationOf(db: Db, participantId: Column | Placeholder) {
  return db
    .select({
      id: declarations.id,
      outcome: declarations.outcome,
      reasons: declarations.reasons,
      declarationVersionId: declarations.declarationVersionId,
      version: declarationVersions.version,
      createdAt: declarations.createdAt,
    })
    .from(declarations)
    .innerJoin(declarationVersions, eq(declarationVersions.id, declarations.declarationVersionId))
    .where(eq(declarations.participantId, participantId))
    .orderBy(desc(declarations.createdAt), desc(declarations.id))
    .limit(1);
}

/** The participant's latest declaration with its version number, or undefined before the first. */
export async function findLatestDeclarationSummary(db: Db, participantId: string) {
  const [row] = await prepared(db, 'latest_declaration_summary', (db, name) =>
    latestDeclarationOf(db, sql.placeholder('participantId')).prepare(name),
  ).execute({ participantId });
  return row;
}

/** A participant (not erased) with their latest declaration summary (null before the first), in one statement. */
export async function findParticipantWithLatestDeclaration(db: Db, id: string) {
  const [row] = await prepared(db, 'participant_with_latest_declaration', (db, name) => {
    const latest = latestDeclarationOf(db, participants.id).as('latest');
    return db
      .select({ participant: participants, latest: latest._.selectedFields })
      .from(participants)
      .leftJoinLateral(latest, sql`true`)
      .where(and(eq(participants.id, sql.placeholder('id')), isNull(participants.erasedAt)))
      .limit(1)
      .prepare(name);
  }).execute({ id });
  return row;
}

/** True when `err` (or what it wraps) is PostgreSQL's unique violation on `constraint`. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint: name } = e as { code?: string; constraint?: string };
    if (code === '23505') return name === undefined || name === constraint;
  }
  return false;
}
