import {
  COHORT_STATUSES,
  can,
  canTransition,
  formatLondon,
  validateSchedule,
  validateSizeLimits,
  type CancelCohortBody,
  type Cohort,
  type FacilitatorList,
  type CohortCancellation,
  type CohortStatus,
  type CourseRules,
  type CreateCohortBody,
  type ListCohortsQuery,
  type ReplaceSessionsBody,
  type RuleViolation,
  type SetFacilitatorsBody,
  type UpdateCohortBody,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { AppError, invalidState, notFound, type FieldError } from '../../lib/app-error';
import { decodeCursor, toPage } from '../../lib/cursor';
import type { StaffActor } from '../../plugins/auth';
import { findCourseById } from '../courses/courses.repo';
import { rulesOf } from '../courses/courses.service';
import { listSessions } from '../enrolments/enrolments.repo';
import { reseatCohort } from '../enrolments/enrolments.service';
import { mailCohortCancelled } from '../notifications/notifications.service';
import { cohortCalendarIcs } from './calendar';
import { findVisibleCohort, seesAllCohorts } from './cohort-access';
import {
  findCohortWithRisk,
  findUsersByIds,
  listActiveFacilitators,
  firstSessionStartedBy,
  insertCohort,
  lastSessionEndedBy,
  listCohorts,
  lockLiveEnrolments,
  markPaidForRefund,
  removeEnrolments,
  replaceFacilitators,
  replaceSessions,
  transitionCohortsWhere,
  updateCohort,
  type CohortRow,
  type CohortWithRisk,
  type NewCohortRow,
} from './cohorts.repo';

// ---------------------------------------------------------------------------------------------
// Answers

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A cohort row and what belongs to it (read in the same statement), as the API answers it. */
export function toCohort({ cohort: row, atRisk, sessions, counts, facilitators }: CohortWithRisk): Cohort {
  const [confirmed, offered, waitlisted] = counts ?? [0, 0, 0];
  return {
    id: row.id,
    courseId: row.courseId,
    title: row.title,
    status: row.status,
    minParticipants: row.minParticipants,
    maxParticipants: row.maxParticipants,
    deliveryMode: row.deliveryMode,
    venue: row.venue,
    joiningLink: row.joiningLink,
    enrolmentDeadline: iso(row.enrolmentDeadline),
    firstSessionAt: iso(row.firstSessionAt),
    lastSessionEndsAt: iso(row.lastSessionEndsAt),
    sessions: sessions.map((s) => {
      const startsAt = new Date(s.startsAt);
      return {
        id: s.id,
        position: s.position,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(s.endsAt).toISOString(),
        startsAtLondon: formatLondon(startsAt),
      };
    }),
    facilitators,
    confirmedCount: confirmed,
    offeredCount: offered,
    waitlistCount: waitlisted,
    seatsTaken: row.seatsTaken,
    seatsFree: Math.max(0, row.maxParticipants - row.seatsTaken),
    atRisk,
    cancelReason: row.cancelReason,
    publishedAt: iso(row.publishedAt),
    cancelledAt: iso(row.cancelledAt),
    completedAt: iso(row.completedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

async function cohortAnswer(db: Db, id: string): Promise<Cohort> {
  const row = await findCohortWithRisk(db, id, new Date());
  if (!row) throw notFound('cohort');
  return toCohort(row);
}

// ---------------------------------------------------------------------------------------------
// Rules

const toFieldErrors = (violations: RuleViolation[], prefix = ''): FieldError[] =>
  violations.map((v) => ({ path: prefix ? `${prefix}.${v.path}` : v.path, message: v.message }));

/** The course's rules, its row share-locked: a change of the rules waits for this cohort's change, then sees it. */
async function courseRules(db: Db, courseId: string): Promise<CourseRules> {
  const course = await findCourseById(db, courseId, { lock: 'share' });
  if (!course) throw new AppError('NOT_FOUND', 404, 'The course was not found.');
  return rulesOf(course);
}

function checkSchedule(rules: CourseRules, sessions: { startsAt: string }[], opts: { now: Date; requireFuture: boolean; allowSameDay?: boolean }) {
  const result = validateSchedule(rules, sessions, opts);
  if (!result.ok) {
    throw new AppError('SCHEDULE_INVALID', 422, 'The sessions do not fit the course’s schedule rules. See errors.', {
      errors: toFieldErrors(result.violations),
    });
  }
  return result.sessions;
}

/**
 * Sessions on the same day are the admin's decision (DOMAIN: "on different days unless the admin says
 * otherwise"): a departure from the course's rules, for whoever may change them.
 */
function checkSameDayAllowed(actor: StaffActor | undefined, allowSameDay: boolean | undefined): void {
  if (allowSameDay && actor && !can(actor.roles, 'courses:write')) {
    throw new AppError('FORBIDDEN', 403, 'Only an admin can allow sessions on the same day.', {
      errors: [{ path: 'allowSameDay', message: 'Ask an admin, or put the sessions on different days.' }],
    });
  }
}

function checkSize(rules: CourseRules, limits: { minParticipants?: number | null; maxParticipants?: number | null }, seatsTaken = 0) {
  const result = validateSizeLimits(rules, limits);
  if (!result.ok) {
    throw new AppError('SIZE_LIMITS_INVALID', 422, 'The size limits do not fit the course. See errors.', {
      errors: toFieldErrors(result.violations),
    });
  }
  if (result.maxParticipants < seatsTaken) {
    throw new AppError('SIZE_LIMITS_INVALID', 422, 'The maximum is below the seats already taken.', {
      errors: [
        {
          path: 'maxParticipants',
          message: `${seatsTaken} seats are already taken; the maximum cannot be lower than that.`,
        },
      ],
    });
  }
  return result;
}

/** What an open (published) cohort must have to be delivered: a venue in person, a joining link online. */
function deliveryProblems(c: { deliveryMode: 'online' | 'in_person'; venue: string | null; joiningLink: string | null }): FieldError[] {
  if (c.deliveryMode === 'in_person' && !c.venue) return [{ path: 'venue', message: 'An in-person cohort needs a venue.' }];
  if (c.deliveryMode === 'online' && !c.joiningLink) return [{ path: 'joiningLink', message: 'An online cohort needs a joining link.' }];
  return [];
}

function deadlineProblems(deadline: Date | null, firstSessionAt: Date | null): FieldError[] {
  if (deadline && firstSessionAt && deadline.getTime() > firstSessionAt.getTime()) {
    return [{ path: 'enrolmentDeadline', message: 'Enrolment must close no later than the start of the first session.' }];
  }
  return [];
}

function ruleViolation(detail: string, errors: FieldError[]): AppError {
  return new AppError('RULE_VIOLATION', 422, detail, { errors });
}

/**
 * If-Match against the cohort's version. `required`: a missing header is 428; otherwise a missing
 * header means "whatever is current". A stale or unreadable tag is 409.
 */
function checkIfMatch(row: CohortRow, ifMatch: string | undefined, required: boolean) {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    if (required) {
      throw new AppError('PRECONDITION_REQUIRED', 428, 'Send the If-Match header with the ETag of the cohort you read.');
    }
    return;
  }
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(etagOf(row))) return;
  throw new AppError('ETAG_MISMATCH', 409, 'The cohort has changed since you read it. Reload it and try again.', {
    headers: { etag: etagOf(row) },
  });
}

export const etagOf = (c: { version: number }) => `"${c.version}"`;

function ensureState(row: CohortRow, to: CohortStatus, action: string) {
  if (!canTransition(row.status, to)) throw invalidState(`A ${row.status.replace('_', ' ')} cohort cannot be ${action}.`);
}

// ---------------------------------------------------------------------------------------------
// Reads

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listCohortPage(db: Db, actor: StaffActor, query: ListCohortsQuery) {
  let after: { firstSessionAt: Date; id: string } | undefined;
  if (query.cursor) {
    const [firstSessionAt, id] = decodeCursor(query.cursor, 2);
    const at = new Date(String(firstSessionAt));
    if (Number.isNaN(at.getTime()) || !UUID.test(String(id))) {
      throw new AppError('VALIDATION_FAILED', 400, 'The cursor is not valid.', {
        errors: [{ path: 'cursor', message: 'Use the nextCursor of a previous page.' }],
      });
    }
    after = { firstSessionAt: at, id: String(id) };
  }
  const rows = await listCohorts(db, {
    now: new Date(),
    filter: {
      statuses: query.status,
      courseId: query.courseId,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      atRisk: query.atRisk,
      facilitatorId: seesAllCohorts(actor) ? undefined : actor.id,
    },
    limit: query.limit + 1,
    after,
  });
  const page = toPage(rows, query.limit, (r) => [r.cohort.firstSessionAt?.toISOString() ?? '', r.cohort.id]);
  return { items: page.items.map(toCohort), nextCursor: page.nextCursor };
}

export async function getCohort(db: Db, actor: StaffActor, id: string): Promise<Cohort> {
  await findVisibleCohort(db, actor, id);
  return cohortAnswer(db, id);
}

export async function cohortCalendar(db: Db, actor: StaffActor, id: string): Promise<string> {
  const row = await findVisibleCohort(db, actor, id);
  return cohortCalendarIcs(row, await listSessions(db, id));
}

// ---------------------------------------------------------------------------------------------
// Writes

/**
 * A new cohort starts as a draft. Its venue or joining link may still be missing (they are often
 * not known yet); publishing requires them.
 */
export async function createCohort(db: Db, body: CreateCohortBody, actor?: StaffActor, now = new Date()): Promise<Cohort> {
  checkSameDayAllowed(actor, body.allowSameDay);
  return db.transaction(async (tx) => {
    const rules = await courseRules(tx, body.courseId);
    const size = checkSize(rules, body);
    const sessions = checkSchedule(rules, body.sessions, { now, requireFuture: false, allowSameDay: body.allowSameDay });
    const firstSessionAt = sessions[0]?.startsAt ?? null;
    const deadline = body.enrolmentDeadline ? new Date(body.enrolmentDeadline) : null;
    const problems = deadlineProblems(deadline, firstSessionAt);
    if (problems.length) throw ruleViolation('The enrolment deadline does not fit the schedule.', problems);

    const row = await insertCohort(tx, {
      courseId: body.courseId,
      title: body.title,
      status: 'draft',
      minParticipants: size.minParticipants,
      maxParticipants: size.maxParticipants,
      deliveryMode: body.deliveryMode,
      venue: body.venue ?? null,
      joiningLink: body.joiningLink ?? null,
      enrolmentDeadline: deadline,
      firstSessionAt,
      lastSessionEndsAt: sessions[sessions.length - 1]?.endsAt ?? null,
    });
    await replaceSessions(tx, row.id, sessions);
    return cohortAnswer(tx, row.id);
  });
}

const CLOSED: readonly CohortStatus[] = ['completed', 'cancelled'];

export async function changeCohort(db: Db, actor: StaffActor, id: string, body: UpdateCohortBody, ifMatch: string | undefined): Promise<Cohort> {
  return db.transaction(async (tx) => {
    const row = await findVisibleCohort(tx, actor, id, { forUpdate: true });
    checkIfMatch(row, ifMatch, true);
    if (CLOSED.includes(row.status)) throw invalidState(`A ${row.status} cohort cannot be changed.`);

    const changes: Partial<NewCohortRow> = {};
    if (body.minParticipants !== undefined || body.maxParticipants !== undefined) {
      const size = checkSize(
        await courseRules(tx, row.courseId),
        { minParticipants: body.minParticipants ?? row.minParticipants, maxParticipants: body.maxParticipants ?? row.maxParticipants },
        row.seatsTaken,
      );
      changes.minParticipants = size.minParticipants;
      changes.maxParticipants = size.maxParticipants;
    }
    if (body.title !== undefined) changes.title = body.title;
    if (body.deliveryMode !== undefined) changes.deliveryMode = body.deliveryMode;
    if (body.venue !== undefined) changes.venue = body.venue;
    if (body.joiningLink !== undefined) changes.joiningLink = body.joiningLink;
    if (body.enrolmentDeadline !== undefined) changes.enrolmentDeadline = body.enrolmentDeadline ? new Date(body.enrolmentDeadline) : null;

    const merged = { ...row, ...changes };
    const problems = [
      // Once published, people rely on where (or how) to join: it cannot be taken away.
      ...(merged.status === 'draft' ? [] : deliveryProblems(merged)),
      ...deadlineProblems(merged.enrolmentDeadline, merged.firstSessionAt),
    ];
    if (problems.length) throw ruleViolation('The change breaks a rule of the cohort. See errors.', problems);

    await updateCohort(tx, id, changes);
    // A bigger cohort has seats for the people waiting; a lower minimum may make it viable.
    if (changes.maxParticipants !== undefined) await reseatCohort(tx, id);
    return cohortAnswer(tx, id);
  });
}

const RESCHEDULABLE: readonly CohortStatus[] = ['draft', 'open'];

export async function rescheduleCohort(
  db: Db,
  actor: StaffActor,
  id: string,
  body: ReplaceSessionsBody,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<Cohort> {
  return db.transaction(async (tx) => {
    const row = await findVisibleCohort(tx, actor, id, { forUpdate: true });
    checkIfMatch(row, ifMatch, false);
    if (!RESCHEDULABLE.includes(row.status)) throw invalidState(`The sessions of a ${row.status.replace('_', ' ')} cohort cannot be replaced.`);
    checkSameDayAllowed(actor, body.allowSameDay);

    const sessions = checkSchedule(await courseRules(tx, row.courseId), body.sessions, {
      now,
      requireFuture: row.status === 'open',
      allowSameDay: body.allowSameDay,
    });
    const firstSessionAt = sessions[0]?.startsAt ?? null;
    const problems = deadlineProblems(row.enrolmentDeadline, firstSessionAt);
    if (problems.length) throw ruleViolation('The enrolment deadline would fall after the first session. Change it first.', problems);

    await replaceSessions(tx, id, sessions);
    await updateCohort(tx, id, { firstSessionAt, lastSessionEndsAt: sessions[sessions.length - 1]?.endsAt ?? null });
    return cohortAnswer(tx, id);
  });
}

/** draft → open: every session in the future, the delivery details present, enrolment not yet closed. */
export async function publishCohort(db: Db, actor: StaffActor, id: string, ifMatch: string | undefined, now = new Date()): Promise<Cohort> {
  return db.transaction(async (tx) => {
    const row = await findVisibleCohort(tx, actor, id, { forUpdate: true });
    checkIfMatch(row, ifMatch, false);
    ensureState(row, 'open', 'published');

    const sessions = await listSessions(tx, id);
    // Same-day sessions were allowed (or not) when the schedule was set; here: still the course's shape, all ahead.
    const schedule = validateSchedule(
      await courseRules(tx, row.courseId),
      sessions.map((s) => ({ startsAt: s.startsAt })),
      { now, requireFuture: true, allowSameDay: true },
    );
    const problems = [
      ...(schedule.ok ? [] : toFieldErrors(schedule.violations)),
      ...deliveryProblems(row),
      ...(row.enrolmentDeadline && row.enrolmentDeadline.getTime() <= now.getTime()
        ? [{ path: 'enrolmentDeadline', message: 'The enrolment deadline has passed.' }]
        : []),
    ];
    if (problems.length) throw ruleViolation('The cohort is not ready to publish. See errors.', problems);

    await updateCohort(tx, id, { status: 'open', publishedAt: now });
    return cohortAnswer(tx, id);
  });
}

/**
 * draft/open/confirmed → cancelled, all or nothing: every live enrolment is removed (with its history
 * row), the seats are freed, every paid fee for the cohort is marked as owed back, and each person
 * removed is e-mailed (through the outbox, in this transaction).
 */
export async function cancelCohort(
  db: Db,
  actor: StaffActor,
  id: string,
  body: CancelCohortBody,
  ifMatch: string | undefined,
  now = new Date(),
): Promise<CohortCancellation> {
  return db.transaction(async (tx) => {
    const row = await findVisibleCohort(tx, actor, id, { forUpdate: true });
    checkIfMatch(row, ifMatch, false);
    ensureState(row, 'cancelled', 'cancelled');

    const live = await lockLiveEnrolments(tx, id);
    await removeEnrolments(tx, live, { actorId: actor.id, note: 'cohort cancelled', at: now });
    const refundsDue = await markPaidForRefund(tx, id, now);
    await updateCohort(tx, id, { status: 'cancelled', cancelReason: body.reason, cancelledAt: now, seatsTaken: 0 });
    // Everyone who lost their place or waitlist place is told (DOMAIN: cancel notifies everyone enrolled).
    await mailCohortCancelled(tx, row, live.map((e) => e.id), now);
    return { cohort: await cohortAnswer(tx, id), peopleAffected: live.length, refundsDue };
  });
}

/** in_progress → completed once the last session has ended (DOMAIN draws no other way to completion). */
export async function completeCohort(db: Db, actor: StaffActor, id: string, ifMatch: string | undefined, now = new Date()): Promise<Cohort> {
  return db.transaction(async (tx) => {
    const row = await findVisibleCohort(tx, actor, id, { forUpdate: true });
    checkIfMatch(row, ifMatch, false);
    ensureState(row, 'completed', 'completed');
    if (row.lastSessionEndsAt && row.lastSessionEndsAt.getTime() > now.getTime()) {
      throw invalidState(`The last session ends on ${formatLondon(row.lastSessionEndsAt)}: the cohort can be completed after that.`);
    }
    await updateCohort(tx, id, { status: 'completed', completedAt: now });
    return cohortAnswer(tx, id);
  });
}

/** Who can be given a cohort to facilitate (for a coordinator's choice: ids and names only). */
export async function listFacilitatorChoices(db: Db): Promise<FacilitatorList> {
  return { items: await listActiveFacilitators(db) };
}

export async function assignFacilitators(
  db: Db,
  actor: StaffActor,
  id: string,
  body: SetFacilitatorsBody,
  ifMatch: string | undefined,
): Promise<Cohort> {
  return db.transaction(async (tx) => {
    const row = await findVisibleCohort(tx, actor, id, { forUpdate: true });
    checkIfMatch(row, ifMatch, false);
    const userIds = [...new Set(body.userIds)];
    const found = new Map((await findUsersByIds(tx, userIds)).map((u) => [u.id, u]));
    const problems: FieldError[] = [];
    body.userIds.forEach((userId, i) => {
      const user = found.get(userId);
      if (!user || user.disabledAt) problems.push({ path: `userIds.${i}`, message: 'No active staff member has this id.' });
      else if (!user.roles.includes('facilitator')) problems.push({ path: `userIds.${i}`, message: 'This staff member does not have the facilitator role.' });
    });
    if (problems.length) throw ruleViolation('Only active staff with the facilitator role can facilitate a cohort.', problems);

    await replaceFacilitators(tx, id, userIds);
    await updateCohort(tx, id, {});
    return cohortAnswer(tx, id);
  });
}

// ---------------------------------------------------------------------------------------------
// Scheduled job

const fromStatusesTo = (to: CohortStatus) => COHORT_STATUSES.filter((s) => canTransition(s, to));

/**
 * Moves cohorts along with time, and nothing else: confirmed → in_progress once the first session has
 * started, in_progress → completed once the last one has ended (in that order, so a cohort the job
 * missed entirely still ends up completed). Open cohorts are NOT started (DOMAIN draws only
 * confirmed → in_progress): one still below its minimum stays open and flagged at risk for a
 * coordinator to cancel or move people. Safe to run concurrently with the API: each UPDATE re-checks
 * the status under the row lock.
 */
export async function advanceCohortStates(db: Db, now: Date): Promise<{ started: string[]; completed: string[] }> {
  return db.transaction(async (tx) => {
    const started = await transitionCohortsWhere(tx, fromStatusesTo('in_progress'), 'in_progress', firstSessionStartedBy(now));
    const completed = await transitionCohortsWhere(tx, fromStatusesTo('completed'), 'completed', lastSessionEndedBy(now), { completedAt: now });
    return { started, completed };
  });
}
