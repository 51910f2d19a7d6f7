import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { SafeguardingStatus } from '@harbour/shared';
import type { Db } from '../../db/client';
import { cohortFacilitators, cohorts, enrolments, participants, safeguardingConcerns, users } from '../../db/schema/index';

export type SafeguardingConcernRow = typeof safeguardingConcerns.$inferSelect;
export type NewSafeguardingConcernRow = typeof safeguardingConcerns.$inferInsert;

export async function insertConcern(db: Db, values: NewSafeguardingConcernRow): Promise<SafeguardingConcernRow> {
  const [row] = await db.insert(safeguardingConcerns).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findConcernById(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<SafeguardingConcernRow | undefined> {
  const query = db.select().from(safeguardingConcerns).where(eq(safeguardingConcerns.id, id)).limit(1);
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  return row;
}

export async function updateConcern(db: Db, id: string, values: Partial<NewSafeguardingConcernRow>): Promise<SafeguardingConcernRow | undefined> {
  const [row] = await db.update(safeguardingConcerns).set(values).where(eq(safeguardingConcerns.id, id)).returning();
  return row;
}

/** True when the participant is (or was) enrolled in a cohort this facilitator is assigned to (or in `cohortId` only). */
export async function participantInFacilitatorsCohorts(db: Db, participantId: string, userId: string, cohortId?: string): Promise<boolean> {
  const conditions: SQL[] = [eq(enrolments.participantId, participantId), eq(cohortFacilitators.userId, userId)];
  if (cohortId) conditions.push(eq(enrolments.cohortId, cohortId));
  const [row] = await db
    .select({ one: sql`1` })
    .from(enrolments)
    .innerJoin(cohortFacilitators, eq(cohortFacilitators.cohortId, enrolments.cohortId))
    .where(and(...conditions))
    .limit(1);
  return row !== undefined;
}

export async function participantInCohort(db: Db, participantId: string, cohortId: string): Promise<boolean> {
  const [row] = await db
    .select({ one: sql`1` })
    .from(enrolments)
    .where(and(eq(enrolments.participantId, participantId), eq(enrolments.cohortId, cohortId)))
    .limit(1);
  return row !== undefined;
}

export async function cohortExists(db: Db, cohortId: string): Promise<boolean> {
  const [row] = await db.select({ id: cohorts.id }).from(cohorts).where(eq(cohorts.id, cohortId)).limit(1);
  return row !== undefined;
}

const raiser = alias(users, 'raiser');
const resolver = alias(users, 'resolver');

/** A concern with the names that go with it, in one query. */
const withNames = {
  concern: safeguardingConcerns,
  participantFirstName: participants.firstName,
  participantLastName: participants.lastName,
  participantErasedAt: participants.erasedAt,
  cohortTitle: cohorts.title,
  raisedByName: raiser.name,
  resolvedByName: resolver.name,
};

export type ConcernWithNames = {
  concern: SafeguardingConcernRow;
  participantFirstName: string | null;
  participantLastName: string | null;
  participantErasedAt: Date | null;
  cohortTitle: string | null;
  raisedByName: string;
  resolvedByName: string | null;
};

function selectWithNames(db: Db) {
  return db
    .select(withNames)
    .from(safeguardingConcerns)
    .leftJoin(participants, eq(participants.id, safeguardingConcerns.participantId))
    .leftJoin(cohorts, eq(cohorts.id, safeguardingConcerns.cohortId))
    .innerJoin(raiser, eq(raiser.id, safeguardingConcerns.raisedBy))
    .leftJoin(resolver, eq(resolver.id, safeguardingConcerns.resolvedBy));
}

export async function findConcernWithNames(db: Db, id: string): Promise<ConcernWithNames | undefined> {
  const [row] = await selectWithNames(db).where(eq(safeguardingConcerns.id, id)).limit(1);
  return row;
}

export type ConcernKey = { raisedAt: Date; id: string };

/** Newest first (keyset on raisedAt, id). */
export async function listConcerns(
  db: Db,
  opts: { limit: number; status?: SafeguardingStatus; participantId?: string; cohortId?: string; before?: ConcernKey },
): Promise<ConcernWithNames[]> {
  const conditions: SQL[] = [];
  if (opts.status) conditions.push(eq(safeguardingConcerns.status, opts.status));
  if (opts.participantId) conditions.push(eq(safeguardingConcerns.participantId, opts.participantId));
  if (opts.cohortId) conditions.push(eq(safeguardingConcerns.cohortId, opts.cohortId));
  if (opts.before) {
    conditions.push(
      sql`(${safeguardingConcerns.raisedAt}, ${safeguardingConcerns.id}) < (${opts.before.raisedAt.toISOString()}::timestamptz, ${opts.before.id}::uuid)`,
    );
  }
  return selectWithNames(db)
    .where(and(...conditions))
    .orderBy(desc(safeguardingConcerns.raisedAt), desc(safeguardingConcerns.id))
    .limit(opts.limit);
}

/** Resolved concerns past their retention (resolved before `cutoff`), by id. */
export async function listConcernIdsResolvedBefore(db: Db, cutoff: Date): Promise<string[]> {
  const rows = await db
    .select({ id: safeguardingConcerns.id })
    .from(safeguardingConcerns)
    .where(and(eq(safeguardingConcerns.status, 'resolved'), lt(safeguardingConcerns.resolvedAt, cutoff)))
    .orderBy(safeguardingConcerns.id);
  return rows.map((r) => r.id);
}

/** Deletes resolved concerns past their retention; answers their ids. */
export async function deleteConcernsResolvedBefore(db: Db, cutoff: Date): Promise<string[]> {
  const rows = await db
    .delete(safeguardingConcerns)
    .where(and(eq(safeguardingConcerns.status, 'resolved'), lt(safeguardingConcerns.resolvedAt, cutoff)))
    .returning({ id: safeguardingConcerns.id });
  return rows.map((r) => r.id).sort();
}
