import { and, eq, sql, type SQL } from 'drizzle-orm';
import { can } from '@harbour/shared';
import type { Db } from '../../db/client';
import { cohortFacilitators, cohorts } from '../../db/schema/index';
import { notFound } from '../../lib/app-error';
import type { StaffActor } from '../../plugins/auth';

export type CohortRow = typeof cohorts.$inferSelect;

/** Staff without `cohorts:read_all` (facilitators) only see cohorts they are assigned to. */
export function seesAllCohorts(actor: StaffActor): boolean {
  return can(actor.roles, 'cohorts:read_all');
}

export async function isAssignedFacilitator(db: Db, cohortId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: cohortFacilitators.userId })
    .from(cohortFacilitators)
    .where(and(eq(cohortFacilitators.cohortId, cohortId), eq(cohortFacilitators.userId, userId)))
    .limit(1);
  return Boolean(row);
}

/**
 * Whether the actor may see the `cohorts` row of the statement it is part of: folded into the
 * statement that reads (or locks) the cohort, so scoping costs no query of its own.
 */
export function cohortVisibleTo(actor: StaffActor): SQL<boolean> {
  if (seesAllCohorts(actor)) return sql<boolean>`true`;
  return sql<boolean>`exists (select 1 from ${cohortFacilitators} where ${cohortFacilitators.cohortId} = ${cohorts.id} and ${cohortFacilitators.userId} = ${actor.id})`;
}

/**
 * The cohort, if this actor may see it; otherwise 404 (never 403: a facilitator must not learn that a
 * cohort they are not assigned to exists).
 */
export async function findVisibleCohort(db: Db, actor: StaffActor, cohortId: string, opts: { forUpdate?: boolean } = {}): Promise<CohortRow> {
  const query = db.select({ cohort: cohorts, visible: cohortVisibleTo(actor) }).from(cohorts).where(eq(cohorts.id, cohortId)).limit(1);
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  if (!row?.visible) throw notFound('cohort');
  return row.cohort;
}
