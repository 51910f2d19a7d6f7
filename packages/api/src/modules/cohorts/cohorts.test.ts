import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrolmentStatus, PaymentStatus } from '@harbour/shared';
import { cohortSessions, cohorts, enrolmentEvents, enrolments, users } from '../../db/schema/index';
import { ENCRYPTED_FIELDS, decryptField } from '../../lib/encryption';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import { createParticipants, defaultCourse, setCohort } from '../../test/factories';
import { advanceCohortStates } from './cohorts.service';

type Staff = Awaited<ReturnType<TestApp['staff']>>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestApp;
let coordinator: Staff;
let admin: Staff;
let courseId: string;

beforeAll(async () => {
  t = await buildTestApp();
  coordinator = await t.staff(['coordinator'], 'Cora Coordinator');
  admin = await t.staff(['admin']);
  courseId = (await defaultCourse(t)).id; // 3 sessions × 180 min, 8–12 people, at risk 14 days ahead
});
afterAll(async () => t.close());

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** 18:00 UTC on the day `days` from now. */
function day(days: number, hourUtc = 18): string {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hourUtc, 0, 0, 0);
  return d.toISOString();
}
const weekly = (firstDay: number, count = 3) => Array.from({ length: count }, (_, i) => ({ startsAt: day(firstDay + 7 * i) }));

const body = (over: Json = {}): Json => ({
  courseId,
  title: 'Tuesday evenings',
  deliveryMode: 'in_person',
  venue: 'Room 2, Quaker Meeting House',
  sessions: weekly(30),
  ...over,
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, who: Staff | null, payload?: Json, headers: Json = {}) =>
  t.app.inject({ method, url, payload: payload as object | undefined, headers: { ...(who?.auth ?? {}), ...headers } });

async function createCohort(over: Json = {}): Promise<Json> {
  const res = await call('POST', '/v1/cohorts', coordinator, body(over));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function publish(id: string): Promise<Json> {
  const res = await call('POST', `/v1/cohorts/${id}/publish`, coordinator);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

function expectProblem(res: { statusCode: number; headers: Json; json: () => Json }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
  return res.json();
}

async function countRows() {
  const db = t.database.db;
  return { cohorts: await db.$count(cohorts), sessions: await db.$count(cohortSessions) };
}

describe('creating a cohort', () => {
  it('creates a draft with its sessions, the course’s limits, zero counts and an ETag', async () => {
    const res = await call('POST', '/v1/cohorts', coordinator, body());
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(res.headers.etag).toBe('"1"');
    expect(c).toMatchObject({
      courseId,
      title: 'Tuesday evenings',
      status: 'draft',
      minParticipants: 8,
      maxParticipants: 12,
      deliveryMode: 'in_person',
      venue: 'Room 2, Quaker Meeting House',
      joiningLink: null,
      enrolmentDeadline: null,
      confirmedCount: 0,
      offeredCount: 0,
      waitlistCount: 0,
      seatsTaken: 0,
      seatsFree: 12,
      atRisk: false,
      cancelReason: null,
      facilitators: [],
      version: 1,
    });
    expect(c.sessions.map((s: Json) => s.position)).toEqual([1, 2, 3]);
    const [first] = c.sessions;
    expect(new Date(first.endsAt).getTime() - new Date(first.startsAt).getTime()).toBe(3 * HOUR);
    expect(c.firstSessionAt).toBe(first.startsAt);
    expect(c.lastSessionEndsAt).toBe(c.sessions[2].endsAt);
    expect(first.startsAtLondon).toMatch(/^\w+day \d{1,2} \w+ \d{4}, \d\d:\d\d$/);
  });

  it('stores a schedule across the October clock change as the right UTC instants', async () => {
    const c = await createCohort({
      sessions: [
        { startsAt: '2027-10-28T18:00:00+01:00' },
        { startsAt: '2027-10-30T18:00:00+01:00' }, // BST
        { startsAt: '2027-11-01T18:00:00Z' }, // GMT, after the change on 31 October
      ],
    });
    expect(c.sessions.map((s: Json) => s.startsAt)).toEqual(['2027-10-28T17:00:00.000Z', '2027-10-30T17:00:00.000Z', '2027-11-01T18:00:00.000Z']);
    expect(c.sessions.map((s: Json) => s.startsAtLondon)).toEqual([
      'Thursday 28 October 2027, 18:00',
      'Saturday 30 October 2027, 18:00',
      'Monday 1 November 2027, 18:00',
    ]);
    const rows = await t.database.db.select().from(cohortSessions).where(eq(cohortSessions.cohortId, c.id));
    const stored = rows.sort((a, b) => a.position - b.position).map((r) => [r.startsAt.toISOString(), r.endsAt.toISOString()]);
    expect(stored[2]).toEqual(['2027-11-01T18:00:00.000Z', '2027-11-01T21:00:00.000Z']);
  });

  it('narrows the size limits within the course, never widens them (422 SIZE_LIMITS_INVALID)', async () => {
    expect((await createCohort({ minParticipants: 8, maxParticipants: 10 })).maxParticipants).toBe(10);

    const wide = expectProblem(await call('POST', '/v1/cohorts', coordinator, body({ maxParticipants: 14 })), 422, 'SIZE_LIMITS_INVALID');
    expect(wide.errors).toContainEqual(expect.objectContaining({ path: 'maxParticipants' }));
    const low = expectProblem(await call('POST', '/v1/cohorts', coordinator, body({ minParticipants: 6 })), 422, 'SIZE_LIMITS_INVALID');
    expect(low.errors[0].path).toBe('minParticipants');
    const crossed = expectProblem(
      await call('POST', '/v1/cohorts', coordinator, body({ minParticipants: 11, maxParticipants: 9 })),
      422,
      'SIZE_LIMITS_INVALID',
    );
    expect(crossed.errors[0].path).toBe('minParticipants');
  });

  it('refuses a schedule that breaks the course’s rules (422 SCHEDULE_INVALID with errors)', async () => {
    const two = expectProblem(await call('POST', '/v1/cohorts', coordinator, body({ sessions: weekly(30, 2) })), 422, 'SCHEDULE_INVALID');
    expect(two.errors).toEqual([expect.objectContaining({ path: 'sessions' })]);

    const sameDay = [{ startsAt: day(30, 9) }, { startsAt: day(30, 13) }, { startsAt: day(37) }];
    const same = expectProblem(await call('POST', '/v1/cohorts', coordinator, body({ sessions: sameDay })), 422, 'SCHEDULE_INVALID');
    expect(same.errors).toEqual([expect.objectContaining({ path: 'sessions.1.startsAt' })]);
    // …unless the admin says so (a coordinator may not)
    const notTheirs = expectProblem(await call('POST', '/v1/cohorts', coordinator, body({ sessions: sameDay, allowSameDay: true })), 403, 'FORBIDDEN');
    expect(notTheirs.errors).toEqual([expect.objectContaining({ path: 'allowSameDay' })]);
    expect((await call('POST', '/v1/cohorts', admin, body({ sessions: sameDay, allowSameDay: true }))).statusCode).toBe(201);

    const overlapping = [{ startsAt: day(30, 9) }, { startsAt: day(30, 11) }, { startsAt: day(37) }];
    const overlap = expectProblem(
      await call('POST', '/v1/cohorts', admin, body({ sessions: overlapping, allowSameDay: true })),
      422,
      'SCHEDULE_INVALID',
    );
    expect(overlap.errors[0].path).toBe('sessions.1.startsAt');

    const backwards = [{ startsAt: day(37) }, { startsAt: day(30) }, { startsAt: day(44) }];
    expectProblem(await call('POST', '/v1/cohorts', coordinator, body({ sessions: backwards })), 422, 'SCHEDULE_INVALID');
  });

  it('answers 404 for an unknown course and 422 for an enrolment deadline after the first session', async () => {
    const unknown = expectProblem(
      await call('POST', '/v1/cohorts', coordinator, body({ courseId: '00000000-0000-4000-8000-000000000000' })),
      404,
      'NOT_FOUND',
    );
    expect(unknown.detail).toMatch(/course/);
    const late = expectProblem(
      await call('POST', '/v1/cohorts', coordinator, body({ enrolmentDeadline: day(31) })),
      422,
      'RULE_VIOLATION',
    );
    expect(late.errors[0].path).toBe('enrolmentDeadline');
  });

  it('refuses malformed bodies with 400: unknown fields, a non-https joining link, a time without offset', async () => {
    expectProblem(await call('POST', '/v1/cohorts', coordinator, body({ colour: 'blue' })), 400, 'VALIDATION_FAILED');
    expectProblem(
      await call('POST', '/v1/cohorts', coordinator, body({ deliveryMode: 'online', joiningLink: 'http://meet.example.org/x' })),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(await call('POST', '/v1/cohorts', coordinator, body({ sessions: [{ startsAt: '2027-01-14T18:00:00' }] })), 400, 'VALIDATION_FAILED');
    expectProblem(await call('POST', '/v1/cohorts', coordinator, body({ deliveryMode: 'by_post' })), 400, 'VALIDATION_FAILED');
  });

  it('leaves nothing half-written when a create is refused', async () => {
    const before = await countRows();
    await call('POST', '/v1/cohorts', coordinator, body({ sessions: weekly(30, 4) }));
    await call('POST', '/v1/cohorts', coordinator, body({ maxParticipants: 99 }));
    await call('POST', '/v1/cohorts', coordinator, body({ enrolmentDeadline: day(60) }));
    expect(await countRows()).toEqual(before);
  });
});

describe('reading and changing a cohort', () => {
  it('round-trips the ETag: If-Match required (428), stale refused (409), fresh accepted and bumped', async () => {
    const c = await createCohort();
    const read = await call('GET', `/v1/cohorts/${c.id}`, coordinator);
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json().id).toBe(c.id);

    expectProblem(await call('PATCH', `/v1/cohorts/${c.id}`, coordinator, { title: 'No tag' }), 428, 'PRECONDITION_REQUIRED');
    expectProblem(await call('PATCH', `/v1/cohorts/${c.id}`, coordinator, { title: 'Stale' }, { 'if-match': '"7"' }), 409, 'ETAG_MISMATCH');

    const ok = await call('PATCH', `/v1/cohorts/${c.id}`, coordinator, { title: 'Thursday mornings', maxParticipants: 10 }, { 'if-match': read.headers.etag });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    expect(ok.json()).toMatchObject({ title: 'Thursday mornings', maxParticipants: 10, version: 2 });

    // the tag read before the change is now stale
    expectProblem(await call('PATCH', `/v1/cohorts/${c.id}`, coordinator, { title: 'Lost update' }, { 'if-match': '"1"' }), 409, 'ETAG_MISMATCH');
    expect((await call('GET', `/v1/cohorts/${c.id}`, coordinator)).json().title).toBe('Thursday mornings');
  });

  it('never lowers the maximum below the seats already taken, nor widens it (422)', async () => {
    const c = await createCohort();
    await setCohort(t, c.id, { seatsTaken: 10 });
    const below = expectProblem(
      await call('PATCH', `/v1/cohorts/${c.id}`, coordinator, { maxParticipants: 9 }, { 'if-match': '"1"' }),
      422,
      'SIZE_LIMITS_INVALID',
    );
    expect(below.errors[0].path).toBe('maxParticipants');
    expectProblem(await call('PATCH', `/v1/cohorts/${c.id}`, coordinator, { maxParticipants: 13 }, { 'if-match': '"1"' }), 422, 'SIZE_LIMITS_INVALID');
    const ok = await call('PATCH', `/v1/cohorts/${c.id}`, coordinator, { maxParticipants: 10 }, { 'if-match': '"1"' });
    expect(ok.json()).toMatchObject({ maxParticipants: 10, seatsTaken: 10, seatsFree: 0 });
  });

  it('keeps the delivery details of a published cohort (422) and refuses changes once cancelled (409)', async () => {
    const c = await publish((await createCohort()).id);
    const removed = expectProblem(
      await call('PATCH', `/v1/cohorts/${c.id}`, coordinator, { venue: null }, { 'if-match': `"${c.version}"` }),
      422,
      'RULE_VIOLATION',
    );
    expect(removed.errors[0].path).toBe('venue');
    const online = expectProblem(
      await call('PATCH', `/v1/cohorts/${c.id}`, coordinator, { deliveryMode: 'online' }, { 'if-match': `"${c.version}"` }),
      422,
      'RULE_VIOLATION',
    );
    expect(online.errors[0].path).toBe('joiningLink');

    const cancelled = await call('POST', `/v1/cohorts/${c.id}/cancel`, coordinator, { reason: 'Venue closed' });
    const tag = cancelled.headers.etag as string;
    expectProblem(await call('PATCH', `/v1/cohorts/${c.id}`, coordinator, { title: 'Too late' }, { 'if-match': tag }), 409, 'INVALID_STATE');
  });

  it('answers 404 for an unknown cohort and 400 for an empty change', async () => {
    const missing = '00000000-0000-4000-8000-000000000001';
    expectProblem(await call('GET', `/v1/cohorts/${missing}`, coordinator), 404, 'NOT_FOUND');
    expectProblem(await call('PATCH', `/v1/cohorts/${missing}`, coordinator, { title: 'x' }, { 'if-match': '"1"' }), 404, 'NOT_FOUND');
    const c = await createCohort();
    expectProblem(await call('PATCH', `/v1/cohorts/${c.id}`, coordinator, {}, { 'if-match': '"1"' }), 400, 'VALIDATION_FAILED');
  });
});

describe('replacing the schedule', () => {
  it('replaces a draft’s sessions, keeping session ids by position, and moves first/last', async () => {
    const c = await createCohort();
    const res = await call('PUT', `/v1/cohorts/${c.id}/sessions`, coordinator, { sessions: weekly(50) });
    expect(res.statusCode).toBe(200);
    const moved = res.json();
    expect(moved.sessions.map((s: Json) => s.id)).toEqual(c.sessions.map((s: Json) => s.id));
    expect(moved.firstSessionAt).toBe(day(50));
    expect(moved.firstSessionAt).toBe(moved.sessions[0].startsAt);
    expect(moved.lastSessionEndsAt).toBe(moved.sessions[2].endsAt);
    expect(moved.version).toBe(2);
    const [row] = await t.database.db.select().from(cohorts).where(eq(cohorts.id, c.id));
    expect(row!.lastSessionEndsAt!.toISOString()).toBe(moved.sessions[2].endsAt);

    expectProblem(await call('PUT', `/v1/cohorts/${c.id}/sessions`, coordinator, { sessions: weekly(50, 2) }), 422, 'SCHEDULE_INVALID');
    expectProblem(await call('PUT', `/v1/cohorts/${c.id}/sessions`, coordinator, { sessions: weekly(60) }, { 'if-match': '"1"' }), 409, 'ETAG_MISMATCH');
  });

  it('requires every session of an open cohort in the future (422)', async () => {
    const c = await publish((await createCohort()).id);
    const past = [{ startsAt: day(-2) }, { startsAt: day(5) }, { startsAt: day(12) }];
    const res = expectProblem(await call('PUT', `/v1/cohorts/${c.id}/sessions`, coordinator, { sessions: past }), 422, 'SCHEDULE_INVALID');
    expect(res.errors).toEqual([expect.objectContaining({ path: 'sessions.0.startsAt' })]);
    expect((await call('PUT', `/v1/cohorts/${c.id}/sessions`, coordinator, { sessions: weekly(40) })).statusCode).toBe(200);
  });

  it('will not move the first session before the enrolment deadline (422)', async () => {
    const c = await createCohort({ enrolmentDeadline: day(25) });
    const res = expectProblem(await call('PUT', `/v1/cohorts/${c.id}/sessions`, coordinator, { sessions: weekly(20) }), 422, 'RULE_VIOLATION');
    expect(res.errors[0].path).toBe('enrolmentDeadline');
  });

  it('refuses once the cohort is confirmed or later (409 INVALID_STATE)', async () => {
    for (const status of ['confirmed', 'in_progress', 'completed', 'cancelled'] as const) {
      const c = await createCohort();
      await setCohort(t, c.id, { status });
      expectProblem(await call('PUT', `/v1/cohorts/${c.id}/sessions`, coordinator, { sessions: weekly(40) }), 409, 'INVALID_STATE');
    }
  });
});

describe('the cohort’s life', () => {
  it('publishes a draft whose sessions are ahead and delivery details complete; not twice (409)', async () => {
    const c = await createCohort();
    const res = await call('POST', `/v1/cohorts/${c.id}/publish`, coordinator);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'open', version: 2 });
    expect(res.json().publishedAt).not.toBeNull();
    expectProblem(await call('POST', `/v1/cohorts/${c.id}/publish`, coordinator), 409, 'INVALID_STATE');
  });

  it('will not publish without the joining link (online) or venue (in person), nor with a past session (422)', async () => {
    const online = await createCohort({ deliveryMode: 'online', venue: null });
    const noLink = expectProblem(await call('POST', `/v1/cohorts/${online.id}/publish`, coordinator), 422, 'RULE_VIOLATION');
    expect(noLink.errors).toEqual([expect.objectContaining({ path: 'joiningLink' })]);

    const inPerson = await createCohort({ venue: undefined });
    const noVenue = expectProblem(await call('POST', `/v1/cohorts/${inPerson.id}/publish`, coordinator), 422, 'RULE_VIOLATION');
    expect(noVenue.errors).toEqual([expect.objectContaining({ path: 'venue' })]);

    const past = await createCohort({ sessions: [{ startsAt: day(-1) }, { startsAt: day(6) }, { startsAt: day(13) }] });
    const stale = expectProblem(await call('POST', `/v1/cohorts/${past.id}/publish`, coordinator), 422, 'RULE_VIOLATION');
    expect(stale.errors).toEqual([expect.objectContaining({ path: 'sessions.0.startsAt' })]);
    expect((await call('GET', `/v1/cohorts/${past.id}`, coordinator)).json().status).toBe('draft');

    const fixed = await call('PATCH', `/v1/cohorts/${online.id}`, coordinator, { joiningLink: 'https://meet.example.org/room-4' }, { 'if-match': '"1"' });
    expect(fixed.statusCode).toBe(200);
    expect((await publish(online.id)).joiningLink).toBe('https://meet.example.org/room-4');
  });

  it('will not publish once the enrolment deadline has passed (422)', async () => {
    const c = await createCohort();
    await setCohort(t, c.id, { enrolmentDeadline: new Date(Date.now() - HOUR) });
    const res = expectProblem(await call('POST', `/v1/cohorts/${c.id}/publish`, coordinator), 422, 'RULE_VIOLATION');
    expect(res.errors).toEqual([expect.objectContaining({ path: 'enrolmentDeadline' })]);
  });

  it('completes only an in-progress cohort whose last session has ended (409 otherwise)', async () => {
    const c = await createCohort();
    expectProblem(await call('POST', `/v1/cohorts/${c.id}/complete`, coordinator), 409, 'INVALID_STATE');
    await setCohort(t, c.id, { status: 'confirmed' });
    expectProblem(await call('POST', `/v1/cohorts/${c.id}/complete`, coordinator), 409, 'INVALID_STATE');
    await setCohort(t, c.id, { status: 'in_progress' });
    const early = expectProblem(await call('POST', `/v1/cohorts/${c.id}/complete`, coordinator), 409, 'INVALID_STATE');
    expect(early.detail).toMatch(/last session ends on/);
    await setCohort(t, c.id, { lastSessionEndsAt: new Date(Date.now() - HOUR) });
    const res = await call('POST', `/v1/cohorts/${c.id}/complete`, coordinator);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('completed');
    expect(res.json().completedAt).not.toBeNull();
  });

  it('cancels in one go: live enrolments removed with history, seats freed, paid fees marked for refund', async () => {
    const c = await publish((await createCohort()).id);
    const people = await createParticipants(t, 5);
    const rows: [EnrolmentStatus, PaymentStatus][] = [
      ['confirmed', 'paid'],
      ['confirmed', 'unpaid'],
      ['offered', 'paid'],
      ['waitlisted', 'waived'],
      ['withdrawn', 'paid'],
    ];
    const inserted = await t.database.db
      .insert(enrolments)
      .values(
        rows.map(([status, paymentStatus], i) => ({
          cohortId: c.id,
          courseId,
          participantId: people[i]!.id,
          status,
          paymentStatus,
          offerExpiresAt: status === 'offered' ? new Date(Date.now() + 48 * HOUR) : null,
        })),
      )
      .returning();
    await setCohort(t, c.id, { seatsTaken: 3 });
    const before = (await call('GET', `/v1/cohorts/${c.id}`, coordinator)).json();
    expect(before).toMatchObject({ confirmedCount: 2, offeredCount: 1, waitlistCount: 1, seatsTaken: 3, seatsFree: 9 });

    expectProblem(await call('POST', `/v1/cohorts/${c.id}/cancel`, coordinator, {}), 400, 'VALIDATION_FAILED');
    const res = await call('POST', `/v1/cohorts/${c.id}/cancel`, coordinator, { reason: 'Too few people' });
    expect(res.statusCode).toBe(200);
    const out = res.json();
    expect(out.peopleAffected).toBe(4);
    expect(out.refundsDue).toBe(3);
    expect(out.cohort).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Too few people',
      seatsTaken: 0,
      seatsFree: 12,
      confirmedCount: 0,
      offeredCount: 0,
      waitlistCount: 0,
    });

    const ids = inserted.map((e) => e.id);
    const after = await t.database.db.select().from(enrolments).where(inArray(enrolments.id, ids));
    const byId = new Map(after.map((e) => [e.id, e]));
    expect(ids.map((id) => byId.get(id)!.status)).toEqual(['removed', 'removed', 'removed', 'removed', 'withdrawn']);
    expect(ids.map((id) => byId.get(id)!.refundDue)).toEqual([true, false, true, false, true]);

    const events = await t.database.db.select().from(enrolmentEvents).where(inArray(enrolmentEvents.enrolmentId, ids));
    expect(events).toHaveLength(4);
    for (const e of events) {
      expect(e).toMatchObject({ toStatus: 'removed', actorKind: 'staff', actorId: coordinator.id });
      expect(decryptField(e.note!, ENCRYPTED_FIELDS.enrolmentEventNote)).toBe('cohort cancelled');
    }
    expect(events.map((e) => e.fromStatus).sort()).toEqual(['confirmed', 'confirmed', 'offered', 'waitlisted']);

    expectProblem(await call('POST', `/v1/cohorts/${c.id}/cancel`, coordinator, { reason: 'Again' }), 409, 'INVALID_STATE');
  });

  it('cannot cancel an in-progress or completed cohort (409)', async () => {
    for (const status of ['in_progress', 'completed'] as const) {
      const c = await createCohort();
      await setCohort(t, c.id, { status });
      expectProblem(await call('POST', `/v1/cohorts/${c.id}/cancel`, coordinator, { reason: 'x' }), 409, 'INVALID_STATE');
    }
  });
});

describe('advanceCohortStates (the scheduled job)', () => {
  it('starts confirmed cohorts and completes in-progress ones by the clock, and leaves open ones alone', async () => {
    const confirmed = await createCohort({ sessions: weekly(40) });
    const open = await publish((await createCohort({ sessions: weekly(40) })).id);
    const running = await createCohort({ sessions: weekly(40) });
    const draft = await createCohort({ sessions: weekly(40) });
    await setCohort(t, confirmed.id, { status: 'confirmed' });
    await setCohort(t, running.id, { status: 'in_progress' });
    const first = new Date(confirmed.firstSessionAt).getTime();
    const lastEnd = new Date(confirmed.lastSessionEndsAt).getTime();

    const early = await advanceCohortStates(t.database.db, new Date(first - 60_000));
    expect(early.started).not.toContain(confirmed.id);

    const step1 = await advanceCohortStates(t.database.db, new Date(first + 60_000));
    expect(step1.started).toContain(confirmed.id);
    expect(step1.completed).not.toContain(running.id);
    const status = async (id: string) => (await call('GET', `/v1/cohorts/${id}`, coordinator)).json();
    expect((await status(confirmed.id)).status).toBe('in_progress');
    expect((await status(confirmed.id)).version).toBe(2);
    expect((await status(open.id)).status).toBe('open');
    expect((await status(draft.id)).status).toBe('draft');

    const step2 = await advanceCohortStates(t.database.db, new Date(lastEnd + 60_000));
    expect(step2.completed).toEqual(expect.arrayContaining([confirmed.id, running.id]));
    expect((await status(confirmed.id)).status).toBe('completed');
    expect((await status(running.id)).completedAt).toBe(new Date(lastEnd + 60_000).toISOString());
    expect((await status(open.id)).status).toBe('open');
  });
});

describe('listing cohorts', () => {
  let listCourseId: string;
  const made: Json[] = [];

  beforeAll(async () => {
    const course = await call('POST', '/v1/courses', admin, {
      name: 'List test course',
      rules: { sessionCount: 1, sessionMinutes: 60, minParticipants: 2, maxParticipants: 6, feePence: 0, offerHours: 48, atRiskDays: 14 },
    });
    expect(course.statusCode, course.body).toBe(201);
    listCourseId = course.json().id;
    // first sessions 5, 10, 20, 30, 40, 50 days ahead
    for (const d of [30, 5, 50, 10, 40, 20]) {
      made.push(await createCohort({ courseId: listCourseId, title: `In ${d} days`, sessions: [{ startsAt: day(d) }] }));
    }
  });

  const list = async (query: string, who: Staff = coordinator) => {
    const res = await call('GET', `/v1/cohorts?courseId=${listCourseId}&${query}`, who);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Json[]; nextCursor: string | null };
  };
  const titles = (page: { items: Json[] }) => page.items.map((c) => c.title);

  it('orders by first session and walks every page once with the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...titles(page));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['In 5 days', 'In 10 days', 'In 20 days', 'In 30 days', 'In 40 days', 'In 50 days']);
    expect(pages).toBe(3);
    expectProblem(await call('GET', '/v1/cohorts?cursor=not-a-cursor', coordinator), 400, 'VALIDATION_FAILED');
  });

  it('filters by status (one or several), and by first session from/to', async () => {
    const in5 = made.find((c) => c.title === 'In 5 days')!;
    const in10 = made.find((c) => c.title === 'In 10 days')!;
    const in30 = made.find((c) => c.title === 'In 30 days')!;
    for (const c of [in5, in10, in30]) await call('POST', `/v1/cohorts/${c.id}/publish`, coordinator);
    await call('POST', `/v1/cohorts/${in30.id}/cancel`, coordinator, { reason: 'Room unavailable' });

    expect(titles(await list('status=open'))).toEqual(['In 5 days', 'In 10 days']);
    expect(titles(await list('status=open,cancelled'))).toEqual(['In 5 days', 'In 10 days', 'In 30 days']);
    expect(titles(await list('status=draft'))).toEqual(['In 20 days', 'In 40 days', 'In 50 days']);
    expect(titles(await list(`from=${encodeURIComponent(day(10))}&to=${encodeURIComponent(day(40))}`))).toEqual([
      'In 10 days',
      'In 20 days',
      'In 30 days',
    ]);
    expectProblem(await call('GET', '/v1/cohorts?status=open,nonsense', coordinator), 400, 'VALIDATION_FAILED');
    expectProblem(await call('GET', '/v1/cohorts?atRisk=maybe', coordinator), 400, 'VALIDATION_FAILED');
  });

  it('flags open cohorts below their minimum within the course’s at-risk days, and filters by it', async () => {
    // "In 5 days" and "In 10 days" are open with nobody confirmed (minimum 2, at risk 14 days ahead).
    const in10 = made.find((c) => c.title === 'In 10 days')!;
    const people = await createParticipants(t, 2, { courseId: listCourseId });
    await t.database.db.insert(enrolments).values(people.map((p) => ({ cohortId: in10.id, courseId: listCourseId, participantId: p.id, status: 'confirmed' as const })));
    await setCohort(t, in10.id, { seatsTaken: 2 });

    const atRisk = await list('atRisk=true');
    expect(titles(atRisk)).toEqual(['In 5 days']);
    expect(atRisk.items.every((c) => c.atRisk === true)).toBe(true);
    const fine = await list('atRisk=false');
    expect(titles(fine)).toEqual(['In 10 days', 'In 20 days', 'In 30 days', 'In 40 days', 'In 50 days']);
    expect(fine.items.some((c) => c.atRisk)).toBe(false);
    expect(fine.items[0]).toMatchObject({ confirmedCount: 2, seatsTaken: 2, seatsFree: 4 });
    expect((await call('GET', `/v1/cohorts/${made.find((c) => c.title === 'In 5 days')!.id}`, coordinator)).json().atRisk).toBe(true);
  });

  it('uses the same number of queries for one cohort as for six', async () => {
    await list('limit=1');
    const one = await t.countQueries(() => list('limit=1'));
    const six = await t.countQueries(() => list('limit=6'));
    expect(one.result.items).toHaveLength(1);
    expect(six.result.items).toHaveLength(6);
    expect(six.queries).toBe(one.queries);
    // the page with its sessions, enrolment counts and facilitators, in one statement (the signed-in account is kept between requests)
    expect(six.queries).toBe(1);
    for (const cohort of six.result.items as { firstSessionAt: string; sessions: { position: number; startsAt: string }[] }[]) {
      expect(cohort.sessions.length).toBeGreaterThan(0);
      expect(cohort.sessions.map((s) => s.position)).toEqual(cohort.sessions.map((_, i) => i + 1));
      expect(cohort.sessions[0]?.startsAt).toBe(cohort.firstSessionAt);
    }
  });
});

describe('facilitators', () => {
  let facilitator: Staff;
  let mine: Json;
  let other: Json;

  beforeAll(async () => {
    facilitator = await t.staff(['facilitator'], 'Fran Facilitator');
    mine = await createCohort({ title: 'Assigned' });
    other = await createCohort({ title: 'Not assigned' });
  });

  it('lists who can be chosen: active facilitators by name, ids and names only; not for facilitators themselves (403)', async () => {
    const away = await t.staff(['facilitator'], 'Abel Away');
    await t.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, away.id));
    const res = await call('GET', '/v1/facilitators', coordinator);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { id: string; name: string }[];
    expect(items).toContainEqual({ id: facilitator.id, name: 'Fran Facilitator' });
    expect(items.map((i) => i.id)).not.toContain(away.id);
    expect(items.map((i) => i.id)).not.toContain(coordinator.id);
    expect(Object.keys(items[0]!).sort()).toEqual(['id', 'name']);
    expectProblem(await call('GET', '/v1/facilitators', facilitator), 403, 'FORBIDDEN');
  });

  it('assigns only active staff with the facilitator role (422 otherwise) and shows them on the cohort', async () => {
    const wrongRole = expectProblem(
      await call('PUT', `/v1/cohorts/${mine.id}/facilitators`, coordinator, { userIds: [facilitator.id, coordinator.id] }),
      422,
      'RULE_VIOLATION',
    );
    expect(wrongRole.errors).toEqual([expect.objectContaining({ path: 'userIds.1' })]);
    const unknown = expectProblem(
      await call('PUT', `/v1/cohorts/${mine.id}/facilitators`, coordinator, { userIds: ['00000000-0000-4000-8000-000000000002'] }),
      422,
      'RULE_VIOLATION',
    );
    expect(unknown.errors[0].path).toBe('userIds.0');

    const res = await call('PUT', `/v1/cohorts/${mine.id}/facilitators`, coordinator, { userIds: [facilitator.id] });
    expect(res.statusCode).toBe(200);
    expect(res.json().facilitators).toEqual([{ id: facilitator.id, name: 'Fran Facilitator' }]);
    expect((await call('GET', `/v1/cohorts/${mine.id}`, coordinator)).json().facilitators).toEqual([{ id: facilitator.id, name: 'Fran Facilitator' }]);

    // Two of them: by name, on the cohort and in the list.
    const abel = await t.staff(['facilitator'], 'Abel Aide');
    expect((await call('PUT', `/v1/cohorts/${mine.id}/facilitators`, coordinator, { userIds: [facilitator.id, abel.id] })).statusCode).toBe(200);
    const both = [
      { id: abel.id, name: 'Abel Aide' },
      { id: facilitator.id, name: 'Fran Facilitator' },
    ];
    expect((await call('GET', `/v1/cohorts/${mine.id}`, coordinator)).json().facilitators).toEqual(both);
    const listed = (await call('GET', '/v1/cohorts?limit=100', coordinator)).json().items as { id: string; facilitators: unknown }[];
    expect(listed.find((c) => c.id === mine.id)?.facilitators).toEqual(both);
    await call('PUT', `/v1/cohorts/${mine.id}/facilitators`, coordinator, { userIds: [facilitator.id] });
  });

  it('lets a facilitator read only assigned cohorts (404 for others) and change nothing (403)', async () => {
    const listed = await call('GET', '/v1/cohorts?limit=100', facilitator);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((c: Json) => c.id)).toEqual([mine.id]);

    expect((await call('GET', `/v1/cohorts/${mine.id}`, facilitator)).statusCode).toBe(200);
    expect((await call('GET', `/v1/cohorts/${mine.id}/calendar.ics`, facilitator)).statusCode).toBe(200);
    expectProblem(await call('GET', `/v1/cohorts/${other.id}`, facilitator), 404, 'NOT_FOUND');
    expectProblem(await call('GET', `/v1/cohorts/${other.id}/calendar.ics`, facilitator), 404, 'NOT_FOUND');

    expectProblem(await call('POST', '/v1/cohorts', facilitator, body()), 403, 'FORBIDDEN');
    expectProblem(await call('PATCH', `/v1/cohorts/${mine.id}`, facilitator, { title: 'Mine now' }, { 'if-match': '"2"' }), 403, 'FORBIDDEN');
    expectProblem(await call('POST', `/v1/cohorts/${mine.id}/publish`, facilitator), 403, 'FORBIDDEN');
    expectProblem(await call('POST', `/v1/cohorts/${mine.id}/cancel`, facilitator, { reason: 'x' }), 403, 'FORBIDDEN');
    expectProblem(await call('PUT', `/v1/cohorts/${mine.id}/facilitators`, facilitator, { userIds: [] }), 403, 'FORBIDDEN');
  });

  it('asks for sign-in (401) without a token', async () => {
    expectProblem(await call('GET', '/v1/cohorts', null), 401, 'UNAUTHENTICATED');
  });
});

describe('calendar.ics', () => {
  const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');

  it('exports the sessions in neutral wording with Europe/London times across the clock change', async () => {
    const c = await createCohort({
      title: 'Partners group, Leeds',
      venue: 'Room 2, Quaker Meeting House',
      sessions: [{ startsAt: '2027-10-28T17:00:00Z' }, { startsAt: '2027-10-30T17:00:00Z' }, { startsAt: '2027-11-01T18:00:00Z' }],
    });
    const res = await call('GET', `/v1/cohorts/${c.id}/calendar.ics`, coordinator);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="sessions.ics"');
    const ics = unfold(res.body);

    expect(ics.startsWith('BEGIN:VCALENDAR')).toBe(true);
    expect(ics.match(/^BEGIN:VEVENT$/gm)).toHaveLength(3);
    expect(ics).toMatch(/^BEGIN:VTIMEZONE\r\nTZID:Europe\/London$/m);
    // 18:00 on the wall clock both in BST (30 Oct) and after the change (GMT, 1 Nov)
    expect(ics).toContain('DTSTART;TZID=Europe/London:20271030T180000');
    expect(ics).toContain('DTEND;TZID=Europe/London:20271030T210000');
    expect(ics).toContain('DTSTART;TZID=Europe/London:20271101T180000');
    expect(ics).toContain('SUMMARY:Course session 1 of 3');
    expect(ics).toContain('SUMMARY:Course session 3 of 3');
    expect(ics).toContain('LOCATION:Room 2\\, Quaker Meeting House');
    for (const s of c.sessions) expect(ics).toContain(`UID:${s.id}@harbour`);
    // never the course's subject, nor the cohort's own title
    expect(ics).not.toMatch(/Family Members|Partners|offen[cs]e/i);

    // UIDs stay when the schedule moves
    await call('PUT', `/v1/cohorts/${c.id}/sessions`, coordinator, { sessions: weekly(70) });
    const again = unfold((await call('GET', `/v1/cohorts/${c.id}/calendar.ics`, coordinator)).body);
    for (const s of c.sessions) expect(again).toContain(`UID:${s.id}@harbour`);
    expect(again).toContain('SEQUENCE:2');
  });

  it('leaves the joining link out of an online cohort’s calendar', async () => {
    const c = await createCohort({ deliveryMode: 'online', venue: null, joiningLink: 'https://meet.example.org/secret-room' });
    const ics = unfold((await call('GET', `/v1/cohorts/${c.id}/calendar.ics`, coordinator)).body);
    expect(ics.match(/^BEGIN:VEVENT$/gm)).toHaveLength(3);
    expect(ics).not.toContain('meet.example.org');
    expect(ics).not.toContain('LOCATION');
  });
});
