import { and, asc, desc, eq, exists, gt, isNull, max, notExists, sql, type Placeholder, type SQL, type SQLWrapper } from 'drizzle-orm';
import { alias, QueryBuilder } from 'drizzle-orm/pg-core';
import type { EligibilityOutcome } from '@harbour/shared';
import type { Db } from '../../db/client';
import { constant } from '../../db/prepared';
import { courses, declarations, declarationVersions, participants, users } from '../../db/schema/index';

export type DeclarationRow = typeof declarations.$inferSelect;
export type NewDeclarationRow = typeof declarations.$inferInsert;
export type DeclarationVersionRow = typeof declarationVersions.$inferSelect;
export type NewDeclarationVersionRow = typeof declarationVersions.$inferInsert;

/** The participant's latest declaration (newest by createdAt, then id): the one that counts. */
export async function findLatestDeclaration(db: Db, participantId: string): Promise<DeclarationRow | undefined> {
  const [row] = await db
    .select()
    .from(declarations)
    .where(eq(declarations.participantId, participantId))
    .orderBy(desc(declarations.createdAt), desc(declarations.id))
    .limit(1);
  return row;
}

const laterVersion = alias(declarationVersions, 'later_version');

/**
 * True iff the participant's latest declaration (newest by createdAt, then id) is 'eligible', was made
 * under a version of this course, and that version is still good: it is the current one, or no newer
 * version of the course asks for re-declaration. As SQL over a participant id column, so the
 * enrolment's other checks can be answered by the same statement.
 */
export function eligibleToEnrol(participantId: SQLWrapper, courseId: string | Placeholder | SQLWrapper): SQL<boolean> {
  const qb = new QueryBuilder();
  const superseded = qb
    .select({ one: sql`1` })
    .from(laterVersion)
    .where(
      and(
        eq(laterVersion.courseId, courseId),
        gt(laterVersion.version, declarationVersions.version),
        eq(laterVersion.requiresRedeclaration, constant(true)),
      ),
    );
  const latest = qb
    .select({
      eligible: sql`${declarations.outcome} = 'eligible' and ${declarationVersions.courseId} = ${courseId} and not ${exists(superseded)}`,
    })
    .from(declarations)
    .innerJoin(declarationVersions, eq(declarationVersions.id, declarations.declarationVersionId))
    .where(eq(declarations.participantId, participantId))
    .orderBy(desc(declarations.createdAt), desc(declarations.id))
    .limit(1);
  // No declaration at all: not eligible.
  return sql<boolean>`coalesce((${latest}), false)`;
}

/** The same rule for one person, in one statement. */
export async function isEligibleToEnrol(db: Db, participantId: string, courseId: string): Promise<boolean> {
  const [row] = await db.select({ eligible: eligibleToEnrol(participants.id, courseId) }).from(participants).where(eq(participants.id, participantId));
  return row?.eligible === true;
}

export async function findDeclarationById(db: Db, id: string): Promise<DeclarationRow | undefined> {
  const [row] = await db.select().from(declarations).where(eq(declarations.id, id)).limit(1);
  return row;
}

/** createdAt is the moment of the insert (not of the transaction's start), so order follows the locks. */
export async function insertDeclaration(db: Db, values: Omit<NewDeclarationRow, 'createdAt'>): Promise<DeclarationRow> {
  const [row] = await db
    .insert(declarations)
    .values({ ...values, createdAt: sql`clock_timestamp()` })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findCurrentVersion(db: Db, courseId: string): Promise<DeclarationVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(declarationVersions)
    .where(eq(declarationVersions.courseId, courseId))
    .orderBy(desc(declarationVersions.version))
    .limit(1);
  return row;
}

export async function findVersionById(db: Db, id: string): Promise<DeclarationVersionRow | undefined> {
  const [row] = await db.select().from(declarationVersions).where(eq(declarationVersions.id, id)).limit(1);
  return row;
}

export async function maxVersionNumber(db: Db, courseId: string): Promise<number> {
  const [row] = await db
    .select({ v: max(declarationVersions.version) })
    .from(declarationVersions)
    .where(eq(declarationVersions.courseId, courseId));
  return row?.v ?? 0;
}

/** Inserts unless (courseId, version) exists; answers the row, or undefined when another writer won. */
export async function insertVersionIfAbsent(db: Db, values: NewDeclarationVersionRow): Promise<DeclarationVersionRow | undefined> {
  const [row] = await db.insert(declarationVersions).values(values).onConflictDoNothing().returning();
  return row;
}

/** Locks the course row: versions of one course are numbered one writer at a time. */
export async function lockCourse(db: Db, courseId: string): Promise<boolean> {
  const [row] = await db.select({ id: courses.id }).from(courses).where(eq(courses.id, courseId)).limit(1).for('update');
  return row !== undefined;
}

export async function courseExists(db: Db, courseId: string): Promise<boolean> {
  const [row] = await db.select({ id: courses.id }).from(courses).where(eq(courses.id, courseId)).limit(1);
  return row !== undefined;
}

/** A keyset position: the row's createdAt at full (microsecond) precision, as text, and its id. */
export type DeclarationKey = { createdAt: string; id: string };

// Microseconds matter: a JS Date would round them away and a page boundary could skip a row.
const createdAtKey = sql<string>`to_char(${declarations.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const withVersionAndEnteredBy = {
  declaration: declarations,
  version: declarationVersions.version,
  enteredByName: users.name,
  key: createdAtKey,
};

export type DeclarationWithVersion = DeclarationRow & { version: number; enteredByName: string | null; key: string };

function flatten(r: { declaration: DeclarationRow; version: number; enteredByName: string | null; key: string }): DeclarationWithVersion {
  return { ...r.declaration, version: r.version, enteredByName: r.enteredByName, key: r.key };
}

/** A participant's declarations, newest first (keyset on createdAt, id). */
export async function listParticipantDeclarations(
  db: Db,
  participantId: string,
  opts: { limit: number; before?: DeclarationKey },
): Promise<DeclarationWithVersion[]> {
  const conditions: SQL[] = [eq(declarations.participantId, participantId)];
  if (opts.before) {
    conditions.push(sql`(${declarations.createdAt}, ${declarations.id}) < (${opts.before.createdAt}::timestamptz, ${opts.before.id}::uuid)`);
  }
  const rows = await db
    .select(withVersionAndEnteredBy)
    .from(declarations)
    .innerJoin(declarationVersions, eq(declarationVersions.id, declarations.declarationVersionId))
    .leftJoin(users, eq(users.id, declarations.enteredBy))
    .where(and(...conditions))
    .orderBy(desc(declarations.createdAt), desc(declarations.id))
    .limit(opts.limit);
  return rows.map(flatten);
}

const newer = alias(declarations, 'newer');

/**
 * Declarations that are their participant's latest and have this outcome (the review queue), oldest
 * first (keyset on createdAt, id); erased participants left out.
 */
export async function listLatestDeclarationsWithOutcome(
  db: Db,
  opts: { outcome: EligibilityOutcome; limit: number; after?: DeclarationKey },
) {
  const conditions: SQL[] = [
    eq(declarations.outcome, opts.outcome),
    isNull(participants.erasedAt),
    notExists(
      db
        .select({ one: sql`1` })
        .from(newer)
        .where(
          and(
            eq(newer.participantId, declarations.participantId),
            sql`(${newer.createdAt}, ${newer.id}) > (${declarations.createdAt}, ${declarations.id})`,
          ),
        ),
    ),
  ];
  if (opts.after) {
    conditions.push(sql`(${declarations.createdAt}, ${declarations.id}) > (${opts.after.createdAt}::timestamptz, ${opts.after.id}::uuid)`);
  }
  const rows = await db
    .select({ ...withVersionAndEnteredBy, firstName: participants.firstName, lastName: participants.lastName })
    .from(declarations)
    .innerJoin(participants, eq(participants.id, declarations.participantId))
    .innerJoin(declarationVersions, eq(declarationVersions.id, declarations.declarationVersionId))
    .leftJoin(users, eq(users.id, declarations.enteredBy))
    .where(and(...conditions))
    .orderBy(asc(declarations.createdAt), asc(declarations.id))
    .limit(opts.limit);
  return rows.map((r) => ({ ...flatten(r), firstName: r.firstName, lastName: r.lastName }));
}
