import { and, eq, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { can } from '@harbour/shared';
import type { Db } from '../../db/client';
import { prepared } from '../../db/prepared';
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
  return assignedTo(actor.id);
}

export const assignedTo = (userId: string | Placeholder) =>
  sql<boolean>`exists (select 1 from ${cohortFacilitators} where ${cohortFacilitators.cohortId} = ${cohorts.id} and ${cohortFacilitators.userId} = ${userId})`;

/**
 * The cohort, if this actor may see it; otherwise 404 (never 403: a facilitator must not learn that a
 * cohort they are not assigned to exists).
 */
export async function findVisibleCohort(db: Db, actor: StaffActor, cohortId: string, opts: { forUpdate?: boolean } = {}): Promise<CohortRow> {
  let row: { cohort: CohortRow; visible: boolean } | undefined;
  if (opts.forUpdate) {
    [row] = await db.select({ cohort: cohorts, visible: cohortVisibleTo(actor) }).from(cohorts).where(eq(cohorts.id, cohortId)).limit(1).for('update');
  } else {
    // The read path, prepared: one statement for those who see every cohort, one for facilitators.
    const all = seesAllCohorts(actor);
    [row] = await prepared(db, all ? 'visible_cohort_all' : 'visible_cohort_assigned', (db, name) =>
      db
        .select({ cohort: cohorts, visible: all ? sql<boolean>`true` : assignedTo(sql.placeholder('userId')) })
        .from(cohorts)
        .where(eq(cohorts.id, sql.placeholder('cohortId')))
        .limit(1)
        .prepare(name),
    ).execute({ cohortId, userId: actor.id });
  }
  if (!row?.visible) throw notFound('cohort');
  return row.cohort;
}
