import { and, asc, count, eq, gt, gte, inArray, lt, lte, not, or, sql, type SQL } from 'drizzle-orm';
import { LIVE_ENROLMENT_STATUSES, type CohortStatus, type EnrolmentStatus } from '@harbour/shared';
import type { Db } from '../../db/client';
import { cohortFacilitators, cohorts, cohortSessions, courses, enrolmentEvents, enrolments, users } from '../../db/schema/index';
import type { CohortRow } from './cohort-access';

export type { CohortRow };
export type NewCohortRow = typeof cohorts.$inferInsert;
export type CohortSessionRow = typeof cohortSessions.$inferSelect;
export type CohortWithRisk = { cohort: CohortRow; atRisk: boolean };

/**
 * The one definition of "at risk" (DOMAIN: viability): open, fewer confirmed seats than its minimum,
 * and its first session within the course's `atRiskDays` of `now` (or already past). Used both to
 * answer `atRisk` and to filter lists by it. Needs `courses` joined.
 */
export function atRiskSql(now: Date): SQL<boolean> {
  return sql<boolean>`(${cohorts.status} = 'open'
    and ${cohorts.firstSessionAt} is not null
    and ${cohorts.firstSessionAt} <= ${now.toISOString()}::timestamptz + make_interval(days => ${courses.atRiskDays})
    and (select count(*) from ${enrolments} where ${enrolments.cohortId} = ${cohorts.id} and ${enrolments.status} = 'confirmed') < ${cohorts.minParticipants})`;
}

const withRiskColumns = (now: Date) => ({ cohort: cohorts, atRisk: atRiskSql(now) });

export async function findCohortWithRisk(db: Db, id: string, now: Date): Promise<CohortWithRisk | undefined> {
  const [row] = await db
    .select(withRiskColumns(now))
    .from(cohorts)
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(cohorts.id, id))
    .limit(1);
  return row;
}

export interface CohortListFilter {
  statuses?: CohortStatus[];
  courseId?: string;
  from?: Date;
  to?: Date;
  atRisk?: boolean;
  /** Only cohorts this user is assigned to as facilitator. */
  facilitatorId?: string;
}

/** Keyset page ordered by (firstSessionAt, id); `after` is the last row's key. */
export async function listCohorts(
  db: Db,
  opts: { now: Date; filter: CohortListFilter; limit: number; after?: { firstSessionAt: Date; id: string } },
): Promise<CohortWithRisk[]> {
  const { filter, after, now } = opts;
  const conditions: (SQL | undefined)[] = [
    filter.statuses?.length ? inArray(cohorts.status, filter.statuses) : undefined,
    filter.courseId ? eq(cohorts.courseId, filter.courseId) : undefined,
    filter.from ? gte(cohorts.firstSessionAt, filter.from) : undefined,
    filter.to ? lt(cohorts.firstSessionAt, filter.to) : undefined,
    filter.atRisk === undefined ? undefined : filter.atRisk ? atRiskSql(now) : not(atRiskSql(now)),
    filter.facilitatorId
      ? inArray(
          cohorts.id,
          db.select({ id: cohortFacilitators.cohortId }).from(cohortFacilitators).where(eq(cohortFacilitators.userId, filter.facilitatorId)),
        )
      : undefined,
    after
      ? or(gt(cohorts.firstSessionAt, after.firstSessionAt), and(eq(cohorts.firstSessionAt, after.firstSessionAt), gt(cohorts.id, after.id)))
      : undefined,
  ];
  return db
    .select(withRiskColumns(now))
    .from(cohorts)
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(and(...conditions))
    .orderBy(asc(cohorts.firstSessionAt), asc(cohorts.id))
    .limit(opts.limit);
}

export async function insertCohort(db: Db, values: NewCohortRow): Promise<CohortRow> {
  const [row] = await db.insert(cohorts).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Every change bumps the version (the ETag) and `updatedAt`. */
export async function updateCohort(db: Db, id: string, values: Partial<NewCohortRow>): Promise<CohortRow | undefined> {
  const [row] = await db
    .update(cohorts)
    .set({ ...values, version: sql`${cohorts.version} + 1`, updatedAt: new Date() })
    .where(eq(cohorts.id, id))
    .returning();
  return row;
}

export async function listSessions(db: Db, cohortIds: string[]): Promise<CohortSessionRow[]> {
  if (cohortIds.length === 0) return [];
  return db
    .select()
    .from(cohortSessions)
    .where(inArray(cohortSessions.cohortId, cohortIds))
    .orderBy(asc(cohortSessions.cohortId), asc(cohortSessions.position));
}

/**
 * Writes the schedule by position: a session keeps its id (and so its calendar UID) when it moves;
 * positions beyond the new schedule are removed.
 */
export async function replaceSessions(db: Db, cohortId: string, sessions: { startsAt: Date; endsAt: Date }[]): Promise<void> {
  if (sessions.length > 0) {
    await db
      .insert(cohortSessions)
      .values(sessions.map((s, i) => ({ cohortId, position: i + 1, startsAt: s.startsAt, endsAt: s.endsAt })))
      .onConflictDoUpdate({
        target: [cohortSessions.cohortId, cohortSessions.position],
        set: { startsAt: sql`excluded.starts_at`, endsAt: sql`excluded.ends_at` },
      });
  }
  await db.delete(cohortSessions).where(and(eq(cohortSessions.cohortId, cohortId), gt(cohortSessions.position, sessions.length)));
}

export type EnrolmentCounts = { confirmed: number; offered: number; waitlisted: number };

/** Enrolments per cohort and live status, in one grouped query. */
export async function countEnrolments(db: Db, cohortIds: string[]): Promise<Map<string, EnrolmentCounts>> {
  const out = new Map<string, EnrolmentCounts>();
  if (cohortIds.length === 0) return out;
  const rows = await db
    .select({ cohortId: enrolments.cohortId, status: enrolments.status, n: count() })
    .from(enrolments)
    .where(and(inArray(enrolments.cohortId, cohortIds), inArray(enrolments.status, [...LIVE_ENROLMENT_STATUSES])))
    .groupBy(enrolments.cohortId, enrolments.status);
  for (const row of rows) {
    const counts = out.get(row.cohortId) ?? { confirmed: 0, offered: 0, waitlisted: 0 };
    if (row.status === 'confirmed' || row.status === 'offered' || row.status === 'waitlisted') counts[row.status] = row.n;
    out.set(row.cohortId, counts);
  }
  return out;
}

export async function listFacilitators(db: Db, cohortIds: string[]): Promise<{ cohortId: string; id: string; name: string }[]> {
  if (cohortIds.length === 0) return [];
  return db
    .select({ cohortId: cohortFacilitators.cohortId, id: users.id, name: users.name })
    .from(cohortFacilitators)
    .innerJoin(users, eq(users.id, cohortFacilitators.userId))
    .where(inArray(cohortFacilitators.cohortId, cohortIds))
    .orderBy(asc(users.name), asc(users.id));
}

export async function findUsersByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select({ id: users.id, roles: users.roles, disabledAt: users.disabledAt }).from(users).where(inArray(users.id, ids));
}

export async function replaceFacilitators(db: Db, cohortId: string, userIds: string[]): Promise<void> {
  await db.delete(cohortFacilitators).where(eq(cohortFacilitators.cohortId, cohortId));
  if (userIds.length > 0) await db.insert(cohortFacilitators).values(userIds.map((userId) => ({ cohortId, userId })));
}

/** The cohort's live enrolments (waitlisted, offered, confirmed), locked for the change that follows. */
export async function lockLiveEnrolments(db: Db, cohortId: string): Promise<{ id: string; status: EnrolmentStatus }[]> {
  return db
    .select({ id: enrolments.id, status: enrolments.status })
    .from(enrolments)
    .where(and(eq(enrolments.cohortId, cohortId), inArray(enrolments.status, [...LIVE_ENROLMENT_STATUSES])))
    .for('update');
}

/** Ends these enrolments as `removed` and writes one history row each. */
export async function removeEnrolments(
  db: Db,
  live: { id: string; status: EnrolmentStatus }[],
  event: { actorId: string; note: string; at: Date },
): Promise<void> {
  if (live.length === 0) return;
  await db
    .update(enrolments)
    .set({ status: 'removed', endedAt: event.at, updatedAt: event.at })
    .where(
      inArray(
        enrolments.id,
        live.map((e) => e.id),
      ),
    );
  await db.insert(enrolmentEvents).values(
    live.map((e) => ({
      enrolmentId: e.id,
      fromStatus: e.status,
      toStatus: 'removed' as const,
      actorKind: 'staff' as const,
      actorId: event.actorId,
      note: event.note,
      at: event.at,
    })),
  );
}

/** Marks every paid enrolment of the cohort as owed a refund; answers how many. */
export async function markPaidForRefund(db: Db, cohortId: string, at: Date): Promise<number> {
  const rows = await db
    .update(enrolments)
    .set({ refundDue: true, updatedAt: at })
    .where(and(eq(enrolments.cohortId, cohortId), eq(enrolments.paymentStatus, 'paid')))
    .returning({ id: enrolments.id });
  return rows.length;
}

/** Moves cohorts in one of `from` to `to` when `due` holds; answers the ids moved. */
export async function transitionCohortsWhere(
  db: Db,
  from: readonly CohortStatus[],
  to: CohortStatus,
  due: SQL | undefined,
  extra: Partial<NewCohortRow> = {},
): Promise<string[]> {
  if (from.length === 0) return [];
  const rows = await db
    .update(cohorts)
    .set({ ...extra, status: to, version: sql`${cohorts.version} + 1`, updatedAt: new Date() })
    .where(and(inArray(cohorts.status, [...from]), due))
    .returning({ id: cohorts.id });
  return rows.map((r) => r.id);
}

export const firstSessionStartedBy = (now: Date) => lte(cohorts.firstSessionAt, now);
export const lastSessionEndedBy = (now: Date) => lte(cohorts.lastSessionEndsAt, now);
