import { and, arrayContains, asc, eq, gt, gte, inArray, isNull, lt, lte, not, or, sql, type Placeholder, type SQL, type SQLWrapper } from 'drizzle-orm';
import { LIVE_ENROLMENT_STATUSES, type CohortStatus, type EnrolmentStatus } from '@harbour/shared';
import type { Db } from '../../db/client';
import { inConstants, limitStep, prepared } from '../../db/prepared';
import { ENCRYPTED_FIELDS, encryptField } from '../../lib/encryption';
import { cohortFacilitators, cohorts, cohortSessions, courses, enrolmentEvents, enrolments, users } from '../../db/schema/index';
import type { CohortRow } from './cohort-access';

export type { CohortRow };
export type NewCohortRow = typeof cohorts.$inferInsert;
export type CohortSessionRow = typeof cohortSessions.$inferSelect;

/**
 * The one definition of "at risk" (DOMAIN: viability): open, fewer confirmed seats than its minimum,
 * and its first session within the course's `atRiskDays` of `now` (or already past). Used both to
 * answer `atRisk` and to filter lists by it. Needs `courses` joined.
 */
export function atRiskSql(now: Date | Placeholder): SQL<boolean> {
  const at = now instanceof Date ? sql`${now.toISOString()}::timestamptz` : sql`${now}::timestamptz`;
  return sql<boolean>`(${cohorts.status} = 'open'
    and ${cohorts.firstSessionAt} is not null
    and ${cohorts.firstSessionAt} <= ${at} + make_interval(days => ${courses.atRiskDays})
    and (select count(*) from ${enrolments} where ${enrolments.cohortId} = ${cohorts.id} and ${enrolments.status} = 'confirmed') < ${cohorts.minParticipants})`;
}

/** A session as `cohortDetailColumns` carries it (times as JSON text: ISO 8601 with an offset). */
export type CohortSessionJson = { id: string; position: number; startsAt: string; endsAt: string };

type FacilitatorJson = { id: string; name: string };

/** Facilitators as the answer lists them, by name then id, from their `id` and `name` columns. */
const facilitatorList = (id: SQLWrapper, name: SQLWrapper) =>
  sql<FacilitatorJson[]>`json_agg(json_build_object('id', ${id}, 'name', ${name}) order by ${name}, ${id})`;

/**
 * What a cohort's answer needs besides its row and its facilitators, as columns of the same statement:
 * its sessions and its live enrolments counted by status ([confirmed, offered, waitlisted]).
 */
const cohortDetailColumns = {
  sessions: sql<CohortSessionJson[]>`coalesce((select json_agg(json_build_object('id', ${cohortSessions.id}, 'position', ${cohortSessions.position},
      'startsAt', ${cohortSessions.startsAt}, 'endsAt', ${cohortSessions.endsAt}) order by ${cohortSessions.position})
    from ${cohortSessions} where ${cohortSessions.cohortId} = ${cohorts.id}), '[]'::json)`,
  counts: sql<[number, number, number] | null>`(select array[count(*) filter (where ${enrolments.status} = 'confirmed'),
      count(*) filter (where ${enrolments.status} = 'offered'), count(*) filter (where ${enrolments.status} = 'waitlisted')]::int[]
    from ${enrolments} where ${enrolments.cohortId} = ${cohorts.id} and ${inConstants(enrolments.status, LIVE_ENROLMENT_STATUSES)})`,
};

/**
 * One cohort's facilitators, each name by the users' primary key (`offset 0` keeps the lookup a
 * lookup: as a plain join the planner hashes every staff row). A page of cohorts reads the whole
 * page's facilitators in one join instead (listCohorts).
 */
const oneCohortFacilitators = sql<FacilitatorJson[]>`coalesce((select ${facilitatorList(sql`staff.id`, sql`staff.name`)}
    from ${cohortFacilitators} cross join lateral (select ${users.id}, ${users.name} from ${users} where ${users.id} = ${cohortFacilitators.userId} offset 0) staff
    where ${cohortFacilitators.cohortId} = ${cohorts.id}), '[]'::json)`;

export type CohortWithRisk = {
  cohort: CohortRow;
  atRisk: boolean;
  sessions: CohortSessionJson[];
  counts: [number, number, number] | null;
  facilitators: FacilitatorJson[];
};

const withRiskColumns = (now: Date | Placeholder) => ({ cohort: cohorts, atRisk: atRiskSql(now), ...cohortDetailColumns });

export async function findCohortWithRisk(db: Db, id: string, now: Date): Promise<CohortWithRisk | undefined> {
  const [row] = await prepared(db, 'cohort_with_risk', (db, name) =>
    db
      .select({ ...withRiskColumns(sql.placeholder('now')), facilitators: oneCohortFacilitators })
      .from(cohorts)
      .innerJoin(courses, eq(courses.id, cohorts.courseId))
      .where(eq(cohorts.id, sql.placeholder('id')))
      .limit(1)
      .prepare(name),
  ).execute({ id, now: now.toISOString() });
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

/**
 * Keyset page ordered by (firstSessionAt, id); `after` is the last row's key. At least `limit` rows
 * when there are so many, and up to the next of `limitStep`'s steps. Prepared once per shape (which
 * filters are present) and step, every value a parameter.
 */
export async function listCohorts(
  db: Db,
  opts: { now: Date; filter: CohortListFilter; limit: number; after?: { firstSessionAt: Date; id: string } },
): Promise<CohortWithRisk[]> {
  const { filter, after, now } = opts;
  const p = sql.placeholder;
  const shape = {
    statuses: Boolean(filter.statuses?.length),
    courseId: Boolean(filter.courseId),
    from: Boolean(filter.from),
    to: Boolean(filter.to),
    atRisk: filter.atRisk === undefined ? 'any' : String(filter.atRisk),
    facilitatorId: Boolean(filter.facilitatorId),
    after: Boolean(after),
  };
  const limit = limitStep(opts.limit);
  const name = `cohort_page_${Object.values(shape)
    .map((v) => (v === true ? '1' : v === false ? '0' : v[0]))
    .join('')}_${limit.rows}`;
  return prepared(db, name, (db, name) => {
    const conditions: (SQL | undefined)[] = [
      shape.statuses ? sql`${cohorts.status} = ANY(${p('statuses')}::text[])` : undefined,
      shape.courseId ? eq(cohorts.courseId, p('courseId')) : undefined,
      shape.from ? gte(cohorts.firstSessionAt, p('from')) : undefined,
      shape.to ? lt(cohorts.firstSessionAt, p('to')) : undefined,
      shape.atRisk === 'any' ? undefined : shape.atRisk === 'true' ? atRiskSql(p('now')) : not(atRiskSql(p('now'))),
      shape.facilitatorId
        ? inArray(cohorts.id, db.select({ id: cohortFacilitators.cohortId }).from(cohortFacilitators).where(eq(cohortFacilitators.userId, p('facilitatorId'))))
        : undefined,
      shape.after
        ? or(gt(cohorts.firstSessionAt, p('afterAt')), and(eq(cohorts.firstSessionAt, p('afterAt')), gt(cohorts.id, p('afterId'))))
        : undefined,
    ];
    // The page's ids first; then each cohort's facilitators for the whole page in one join (looked up
    // per cohort, each name cost a scan of the staff table's page: PostgreSQL's choice for a table that
    // small, and a fifth of the statement's time).
    const page = db.$with('page').as(
      db
        .select({ id: cohorts.id })
        .from(cohorts)
        .innerJoin(courses, eq(courses.id, cohorts.courseId))
        .where(and(...conditions))
        .orderBy(asc(cohorts.firstSessionAt), asc(cohorts.id))
        .limit(limit.sql as unknown as number),
    );
    // A cohort of the page, by key (as a join, the planner hashed the page and scanned every cohort).
    const inPage = (cohortId: SQLWrapper) => sql`${cohortId} = any(array(select ${page.id} from ${page}))`;
    const staff = db.$with('page_facilitators').as(
      db
        .select({ cohortId: cohortFacilitators.cohortId, list: facilitatorList(users.id, users.name).as('list') })
        .from(cohortFacilitators)
        .innerJoin(users, eq(users.id, cohortFacilitators.userId))
        .where(inPage(cohortFacilitators.cohortId))
        .groupBy(cohortFacilitators.cohortId),
    );
    return db
      .with(page, staff)
      .select({ ...withRiskColumns(p('now')), facilitators: sql<FacilitatorJson[]>`coalesce(${staff.list}, '[]'::json)` })
      .from(cohorts)
      .innerJoin(courses, eq(courses.id, cohorts.courseId))
      .leftJoin(staff, eq(staff.cohortId, cohorts.id))
      .where(inPage(cohorts.id))
      .orderBy(asc(cohorts.firstSessionAt), asc(cohorts.id))
      .prepare(name);
  }).execute({
    now: now.toISOString(),
    statuses: filter.statuses,
    courseId: filter.courseId,
    from: filter.from?.toISOString(),
    to: filter.to?.toISOString(),
    facilitatorId: filter.facilitatorId,
    afterAt: after?.firstSessionAt.toISOString(),
    afterId: after?.id,
  });
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

/** Active staff with the facilitator role, by name (the cohort page's choice of facilitators). */
export async function listActiveFacilitators(db: Db): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(arrayContains(users.roles, ['facilitator']), isNull(users.disabledAt)))
    .orderBy(asc(users.name), asc(users.id))
    .limit(500);
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
    .where(and(eq(enrolments.cohortId, cohortId), inConstants(enrolments.status, LIVE_ENROLMENT_STATUSES)))
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
      note: encryptField(event.note, ENCRYPTED_FIELDS.enrolmentEventNote),
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
