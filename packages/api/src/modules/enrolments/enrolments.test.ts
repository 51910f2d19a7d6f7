import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohorts, enrolments } from '../../db/schema/index';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import {
  createEligibleParticipant,
  createFacilitator,
  createOpenCohort,
  createParticipants,
  setCohort,
} from '../../test/factories';
import { expireOffers } from './enrolments.service';

let t: TestApp;
let coordinator: Awaited<ReturnType<TestApp['staff']>>;
beforeAll(async () => {
  t = await buildTestApp();
  coordinator = await t.staff(['coordinator'], 'Cora Coordinator');
});
afterAll(async () => t.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function enrol(cohortId: string, participantId: string, auth = coordinator.auth) {
  return t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohortId}/enrolments`, payload: { participantId }, headers: auth });
}
function act(enrolmentId: string, verb: string, payload?: object, auth = coordinator.auth) {
  return t.app.inject({ method: 'POST', url: `/v1/enrolments/${enrolmentId}/${verb}`, headers: auth, ...(payload && { payload }) });
}
function roster(cohortId: string, auth = coordinator.auth, query = '') {
  return t.app.inject({ method: 'GET', url: `/v1/cohorts/${cohortId}/enrolments${query}`, headers: auth });
}
function history(enrolmentId: string, auth = coordinator.auth) {
  return t.app.inject({ method: 'GET', url: `/v1/enrolments/${enrolmentId}/history`, headers: auth });
}
function patch(enrolmentId: string, payload: object, auth = coordinator.auth) {
  return t.app.inject({ method: 'PATCH', url: `/v1/enrolments/${enrolmentId}`, payload, headers: auth });
}
function attendance(sessionId: string, payload: object, auth = coordinator.auth) {
  return t.app.inject({ method: 'PUT', url: `/v1/sessions/${sessionId}/attendance`, payload, headers: auth });
}
function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json: () => { code: string } }, status: number, code: string) {
  expect({ status: res.statusCode, code: res.json().code }).toEqual({ status, code });
  expect(String(res.headers['content-type'])).toMatch(/application\/problem\+json/);
}

async function cohortRow(id: string) {
  const [row] = await t.database.db.select().from(cohorts).where(eq(cohorts.id, id));
  return row!;
}
async function statusOf(enrolmentId: string) {
  const [row] = await t.database.db.select().from(enrolments).where(eq(enrolments.id, enrolmentId));
  return row!;
}

/** A cohort of `max` seats filled, with `waiting` people on its waitlist; answers the enrolment ids in order. */
async function fullCohort(max: number, waiting: number, min = 1) {
  const { cohort, sessions } = await createOpenCohort(t, { max, min });
  const people = await createParticipants(t, max + waiting);
  const ids: string[] = [];
  for (const p of people) {
    const res = await enrol(cohort.id, p.id);
    expect(res.statusCode).toBe(201);
    ids.push(res.json().id);
  }
  return { cohort, sessions, people, confirmed: ids.slice(0, max), waitlisted: ids.slice(max) };
}

describe('POST /v1/cohorts/:id/enrolments', () => {
  it('gives a free seat as confirmed, then waitlist places in order, and keeps the seat count', async () => {
    const { cohort } = await createOpenCohort(t, { max: 2, min: 1 });
    const [a, b, c, d] = await createParticipants(t, 4);
    const first = await enrol(cohort.id, a!.id);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ cohortId: cohort.id, participantId: a!.id, status: 'confirmed', paymentStatus: 'unpaid' });
    expect(first.json().waitlistPosition).toBeUndefined();
    expect((await enrol(cohort.id, b!.id)).json().status).toBe('confirmed');
    const third = await enrol(cohort.id, c!.id);
    expect(third.json()).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect((await enrol(cohort.id, d!.id)).json()).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
    expect((await cohortRow(cohort.id)).seatsTaken).toBe(2);
  });

  it('confirms an open cohort once its confirmed seats reach the minimum (and bumps its version)', async () => {
    const { cohort } = await createOpenCohort(t, { max: 4, min: 2 });
    const [a, b] = await createParticipants(t, 2);
    await enrol(cohort.id, a!.id);
    expect((await cohortRow(cohort.id)).status).toBe('open');
    await enrol(cohort.id, b!.id);
    const after = await cohortRow(cohort.id);
    expect(after.status).toBe('confirmed');
    expect(after.version).toBe(cohort.version + 1);
  });

  it('refuses a person whose latest declaration is not eligible (422 NOT_ELIGIBLE)', async () => {
    const { cohort } = await createOpenCohort(t);
    const [ineligible] = await createParticipants(t, 1, { outcome: 'ineligible' });
    const [review] = await createParticipants(t, 1, { outcome: 'needs_review' });
    const [none] = await createParticipants(t, 1, { outcome: null });
    for (const p of [ineligible, review, none]) expectProblem(await enrol(cohort.id, p!.id), 422, 'NOT_ELIGIBLE');
    expect((await cohortRow(cohort.id)).seatsTaken).toBe(0);
  });

  it('refuses a second live enrolment on the same course, even in another cohort (409 ALREADY_ENROLLED)', async () => {
    const { cohort } = await createOpenCohort(t);
    const { cohort: other } = await createOpenCohort(t);
    const p = await createEligibleParticipant(t);
    expect((await enrol(cohort.id, p.id)).statusCode).toBe(201);
    expectProblem(await enrol(cohort.id, p.id), 409, 'ALREADY_ENROLLED');
    expectProblem(await enrol(other.id, p.id), 409, 'ALREADY_ENROLLED');
  });

  it('lets a person who withdrew enrol again', async () => {
    const { cohort } = await createOpenCohort(t);
    const p = await createEligibleParticipant(t);
    const first = await enrol(cohort.id, p.id);
    expect((await act(first.json().id, 'withdraw')).statusCode).toBe(200);
    expect((await enrol(cohort.id, p.id)).statusCode).toBe(201);
  });

  it('refuses cohorts that do not take enrolments (409 INVALID_STATE)', async () => {
    const p = await createEligibleParticipant(t);
    const { cohort: draft } = await createOpenCohort(t, { status: 'draft' });
    const { cohort: cancelled } = await createOpenCohort(t, { status: 'cancelled' });
    const { cohort: pastDeadline } = await createOpenCohort(t, { enrolmentDeadline: new Date(Date.now() - HOUR) });
    const { cohort: started } = await createOpenCohort(t, { firstSessionAt: new Date(Date.now() - HOUR) });
    for (const c of [draft, cancelled, pastDeadline, started]) expectProblem(await enrol(c.id, p.id), 409, 'INVALID_STATE');
  });

  it('answers 404 for an unknown cohort or participant, 400 for unknown fields, 403 for a facilitator', async () => {
    const { cohort } = await createOpenCohort(t);
    const p = await createEligibleParticipant(t);
    expectProblem(await enrol('00000000-0000-4000-8000-000000000000', p.id), 404, 'NOT_FOUND');
    expectProblem(await enrol(cohort.id, '00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
    const extra = await t.app.inject({
      method: 'POST',
      url: `/v1/cohorts/${cohort.id}/enrolments`,
      payload: { participantId: p.id, status: 'confirmed' },
      headers: coordinator.auth,
    });
    expectProblem(extra, 400, 'VALIDATION_FAILED');
    const facilitator = await createFacilitator(t, [cohort.id]);
    expectProblem(await enrol(cohort.id, p.id, facilitator.auth), 403, 'FORBIDDEN');
    expect(await t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohort.id}/enrolments`, payload: { participantId: p.id } })).toMatchObject({ statusCode: 401 });
  });
});

describe('the waitlist moves', () => {
  it('offers a withdrawn seat to the first person waiting, for the course’s offer hours', async () => {
    const { cohort, confirmed, waitlisted } = await fullCohort(2, 2);
    const before = Date.now();
    const res = await act(confirmed[0]!, 'withdraw', { reason: 'Moved away' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'withdrawn' });
    const next = await statusOf(waitlisted[0]!);
    expect(next.status).toBe('offered');
    const expiresIn = next.offerExpiresAt!.getTime() - before;
    expect(expiresIn).toBeGreaterThan(48 * HOUR - 60_000);
    expect(expiresIn).toBeLessThan(48 * HOUR + 60_000);
    expect((await statusOf(waitlisted[1]!)).status).toBe('waitlisted');
    expect((await cohortRow(cohort.id)).seatsTaken).toBe(2); // one confirmed, one live offer

    const list = (await roster(cohort.id)).json().items as { id: string; status: string; waitlistPosition?: number }[];
    expect(list.find((e) => e.id === waitlisted[1])).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
  });

  it('offer → accept gives a confirmed seat; accepting again is 409 INVALID_STATE', async () => {
    const { cohort, confirmed, waitlisted } = await fullCohort(2, 1);
    await act(confirmed[1]!, 'remove', { reason: 'Did not pay' });
    const accepted = await act(waitlisted[0]!, 'accept');
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'confirmed' });
    expect(accepted.json().confirmedAt).toBeTruthy();
    expect((await cohortRow(cohort.id)).seatsTaken).toBe(2);
    expectProblem(await act(waitlisted[0]!, 'accept'), 409, 'INVALID_STATE');
    expectProblem(await act(confirmed[1]!, 'withdraw'), 409, 'INVALID_STATE');
  });

  it('offer → decline offers the seat to the next person', async () => {
    const { cohort, confirmed, waitlisted } = await fullCohort(1, 2);
    await act(confirmed[0]!, 'withdraw');
    const declined = await act(waitlisted[0]!, 'decline', { reason: 'Cannot make the dates' });
    expect(declined.statusCode).toBe(200);
    expect(declined.json().status).toBe('declined');
    expect((await statusOf(waitlisted[1]!)).status).toBe('offered');
    expect((await cohortRow(cohort.id)).seatsTaken).toBe(1);
    expectProblem(await act(waitlisted[0]!, 'decline'), 409, 'INVALID_STATE');
    expectProblem(await act(confirmed[0]!, 'accept'), 409, 'INVALID_STATE');
  });

  it('expireOffers marks lapsed offers expired (by the system) and offers the seat to the next person', async () => {
    const { cohort, confirmed, waitlisted } = await fullCohort(1, 2);
    await act(confirmed[0]!, 'withdraw');
    // Other tests' offers share this database and lapse after 48 hours: make this one lapse sooner.
    await t.database.db.update(enrolments).set({ offerExpiresAt: new Date(Date.now() + HOUR) }).where(eq(enrolments.id, waitlisted[0]!));
    expect(await expireOffers(t.database.db, new Date())).toBe(0);
    const later = new Date(Date.now() + 2 * HOUR);
    expect(await expireOffers(t.database.db, later)).toBe(1);
    expect((await statusOf(waitlisted[0]!)).status).toBe('expired');
    const next = await statusOf(waitlisted[1]!);
    expect(next.status).toBe('offered');
    expect(next.offerExpiresAt!.getTime()).toBe(later.getTime() + 48 * HOUR);
    expect((await cohortRow(cohort.id)).seatsTaken).toBe(1);
    expect(await expireOffers(t.database.db, later)).toBe(0);
    expectProblem(await act(waitlisted[0]!, 'accept'), 409, 'OFFER_NOT_LIVE');

    const events = (await history(waitlisted[0]!)).json().items;
    expect(events.at(-1)).toMatchObject({ from: 'offered', to: 'expired', actor: { kind: 'system', id: null } });
  });

  it('accepting an offer that has lapsed is 409 OFFER_NOT_LIVE, and it is processed as expiry', async () => {
    const { cohort, confirmed, waitlisted } = await fullCohort(1, 2);
    await act(confirmed[0]!, 'withdraw');
    await t.database.db.update(enrolments).set({ offerExpiresAt: new Date(Date.now() - 1000) }).where(eq(enrolments.id, waitlisted[0]!));
    expectProblem(await act(waitlisted[0]!, 'accept'), 409, 'OFFER_NOT_LIVE');
    expect((await statusOf(waitlisted[0]!)).status).toBe('expired');
    expect((await statusOf(waitlisted[1]!)).status).toBe('offered');
    expect((await cohortRow(cohort.id)).seatsTaken).toBe(1);
  });

  it('withdrawing from the waitlist closes the gap in the positions', async () => {
    const { cohort, waitlisted } = await fullCohort(1, 3);
    await act(waitlisted[1]!, 'withdraw');
    const items = (await roster(cohort.id, coordinator.auth, '?status=waitlisted')).json().items;
    expect(items.map((e: { id: string; waitlistPosition: number }) => [e.id, e.waitlistPosition])).toEqual([
      [waitlisted[0], 1],
      [waitlisted[2], 2],
    ]);
    expect((await cohortRow(cohort.id)).seatsTaken).toBe(1);
  });

  it('does not let an offer be accepted once the cohort is cancelled (409 INVALID_STATE)', async () => {
    const { cohort, confirmed, waitlisted } = await fullCohort(1, 1);
    await act(confirmed[0]!, 'withdraw');
    await setCohort(t, cohort.id, { status: 'cancelled' });
    expectProblem(await act(waitlisted[0]!, 'accept'), 409, 'INVALID_STATE');
    expect((await statusOf(waitlisted[0]!)).status).toBe('offered');
  });

  it('answers 404 for an unknown enrolment', async () => {
    for (const verb of ['withdraw', 'remove', 'accept', 'decline', 'complete']) {
      expectProblem(await act('00000000-0000-4000-8000-000000000000', verb), 404, 'NOT_FOUND');
    }
  });
});

describe('statement budgets of the write path', () => {
  // Each statement is a round trip: these bounds catch a change that quietly adds some. Transaction
  // control (BEGIN/COMMIT/SAVEPOINT, logged by one driver and not the other) is not counted, nor the
  // auth plugin's user lookup, which its cache may or may not answer; the audit row is.
  const counted = (statements: string[]) =>
    statements.filter((s) => !/^\s*(begin|commit|rollback|savepoint|release)\b/i.test(s) && !/\bfrom "users"/.test(s)).length;

  it('enrols (confirmed, confirming the cohort; waitlisted) and withdraws a seat with someone waiting, in a few statements each', async () => {
    const { cohort } = await createOpenCohort(t, { max: 2, min: 2 });
    const [a, b, c] = await createParticipants(t, 3);
    const first = (await enrol(cohort.id, a!.id)).json();

    const confirming = await t.recordQueries(() => enrol(cohort.id, b!.id));
    expect(confirming.result.json()).toMatchObject({ status: 'confirmed' });
    expect((await cohortRow(cohort.id)).status).toBe('confirmed');
    expect(counted(confirming.statements)).toBeLessThanOrEqual(8);

    const waiting = await t.recordQueries(() => enrol(cohort.id, c!.id));
    expect(waiting.result.json()).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect(counted(waiting.statements)).toBeLessThanOrEqual(6);

    const withdrawal = await t.recordQueries(() => act(first.id, 'withdraw'));
    expect(withdrawal.result.json()).toMatchObject({ status: 'withdrawn' });
    expect((await statusOf(waiting.result.json().id)).status).toBe('offered');
    // Two of them tell the person who withdrew: their address, and the e-mail in the outbox.
    expect(counted(withdrawal.statements)).toBeLessThanOrEqual(10);
  });
});

describe('GET /v1/enrolments/:id/history', () => {
  it('shows each step, oldest first, with who did it', async () => {
    const { confirmed, waitlisted } = await fullCohort(1, 1);
    await act(confirmed[0]!, 'withdraw', { reason: 'Changed her mind' });
    await act(waitlisted[0]!, 'accept');
    const res = await history(waitlisted[0]!);
    expect(res.statusCode).toBe(200);
    const steps = res.json().items.map((e: { from: string | null; to: string; actor: { kind: string; name?: string } }) => [
      e.from,
      e.to,
      e.actor.kind,
      e.actor.name,
    ]);
    expect(steps).toEqual([
      [null, 'waitlisted', 'staff', 'Cora Coordinator'],
      ['waitlisted', 'offered', 'system', undefined],
      ['offered', 'confirmed', 'staff', 'Cora Coordinator'],
    ]);
    const withdrawn = (await history(confirmed[0]!)).json().items;
    expect(withdrawn.at(-1)).toMatchObject({ from: 'confirmed', to: 'withdrawn', note: 'Changed her mind', actor: { kind: 'staff', id: coordinator.id } });
  });
});

describe('GET /v1/cohorts/:id/enrolments', () => {
  it('lists roster and waitlist with contact, payment and attendance per session, in a fixed number of queries', async () => {
    const small = await fullCohort(2, 1);
    const large = await fullCohort(6, 6);
    await attendance(large.sessions[0]!.id, [{ enrolmentId: large.confirmed[0], status: 'present' }]);

    const a = await t.countQueries(() => roster(small.cohort.id));
    const b = await t.countQueries(() => roster(large.cohort.id));
    expect(a.result.statusCode).toBe(200);
    expect(a.result.json().items).toHaveLength(3);
    expect(b.result.json().items).toHaveLength(12);
    expect(b.queries).toBe(a.queries);
    // the cohort (may this person see it?), the page with places and attendance, the audit record
    expect(b.queries).toBe(3);

    const first = b.result.json().items.find((e: { id: string }) => e.id === large.confirmed[0]);
    expect(first).toMatchObject({
      status: 'confirmed',
      paymentStatus: 'unpaid',
      refundDue: false,
      manualIssuedAt: null,
      participant: { id: large.people[0]!.id, email: large.people[0]!.email, phone: '07700 900123' },
    });
    expect(first.attendance).toEqual([
      { sessionId: large.sessions[0]!.id, position: 1, status: 'present' },
      { sessionId: large.sessions[1]!.id, position: 2, status: null },
      { sessionId: large.sessions[2]!.id, position: 3, status: null },
    ]);
    const positions = b.result.json().items.filter((e: { status: string }) => e.status === 'waitlisted').map((e: { waitlistPosition: number }) => e.waitlistPosition);
    expect(positions).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('pages with limit and cursor', async () => {
    const { cohort } = await fullCohort(3, 2);
    const p1 = (await roster(cohort.id, coordinator.auth, '?limit=2')).json();
    const p2 = (await roster(cohort.id, coordinator.auth, `?limit=2&cursor=${p1.nextCursor}`)).json();
    const p3 = (await roster(cohort.id, coordinator.auth, `?limit=2&cursor=${p2.nextCursor}`)).json();
    expect([...p1.items, ...p2.items, ...p3.items].map((e: { id: string }) => e.id)).toHaveLength(5);
    expect(new Set([...p1.items, ...p2.items, ...p3.items].map((e: { id: string }) => e.id)).size).toBe(5);
    expect(p3.nextCursor).toBeNull();
    // Waitlist places count the whole waitlist, not the page they are on.
    const waiting = [...p1.items, ...p2.items, ...p3.items].filter((e: { status: string }) => e.status === 'waitlisted');
    expect(waiting.map((e: { waitlistPosition: number }) => e.waitlistPosition)).toEqual([1, 2]);
    const onlyWaiting = (await roster(cohort.id, coordinator.auth, '?status=waitlisted&limit=1')).json();
    const next = (await roster(cohort.id, coordinator.auth, `?status=waitlisted&limit=1&cursor=${onlyWaiting.nextCursor}`)).json();
    expect([...onlyWaiting.items, ...next.items].map((e: { waitlistPosition: number }) => e.waitlistPosition)).toEqual([1, 2]);
    expectProblem(await roster(cohort.id, coordinator.auth, '?cursor=nonsense'), 400, 'VALIDATION_FAILED');
  });

  it('shows a facilitator their own cohorts only (others 404)', async () => {
    const { cohort, confirmed } = await fullCohort(1, 0);
    const { cohort: other } = await createOpenCohort(t);
    const facilitator = await createFacilitator(t, [cohort.id]);
    expect((await roster(cohort.id, facilitator.auth)).statusCode).toBe(200);
    expectProblem(await roster(other.id, facilitator.auth), 404, 'NOT_FOUND');
    expect((await history(confirmed[0]!, facilitator.auth)).statusCode).toBe(200);
    const stranger = await createFacilitator(t, []);
    expectProblem(await history(confirmed[0]!, stranger.auth), 404, 'NOT_FOUND');
    expectProblem(await act(confirmed[0]!, 'withdraw', undefined, facilitator.auth), 403, 'FORBIDDEN');
  });
});

describe('PATCH /v1/enrolments/:id', () => {
  it('records payment; a waiver needs a reason (422 RULE_VIOLATION); a refund settles what is due', async () => {
    const { confirmed } = await fullCohort(1, 0);
    const id = confirmed[0]!;
    expectProblem(await patch(id, { paymentStatus: 'waived' }), 422, 'RULE_VIOLATION');
    expectProblem(await patch(id, { paymentStatus: 'waived', paymentNote: '  ' }), 422, 'RULE_VIOLATION');
    const waived = await patch(id, { paymentStatus: 'waived', paymentNote: 'Hardship' });
    expect(waived.statusCode).toBe(200);
    expect(waived.json()).toMatchObject({ paymentStatus: 'waived', paymentNote: 'Hardship' });
    expectProblem(await patch(id, { paymentNote: null }), 422, 'RULE_VIOLATION');

    await patch(id, { paymentStatus: 'paid', paymentNote: 'Bank transfer' });
    expectProblem(await patch(id, { paymentStatus: 'waived' }), 422, 'RULE_VIOLATION');
    await t.database.db.update(enrolments).set({ refundDue: true }).where(eq(enrolments.id, id));
    const refunded = await patch(id, { paymentStatus: 'refunded' });
    expect(refunded.json()).toMatchObject({ paymentStatus: 'refunded', refundDue: false });
  });

  it('lets a facilitator of the cohort record the manual but not payment (403), and not touch other cohorts (404)', async () => {
    const { cohort, confirmed } = await fullCohort(1, 0);
    const { confirmed: others } = await fullCohort(1, 0);
    const facilitator = await createFacilitator(t, [cohort.id]);
    const issued = '2030-01-14T18:00:00.000Z';
    const res = await patch(confirmed[0]!, { manualIssuedAt: issued }, facilitator.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json().manualIssuedAt).toBe(issued);
    expect((await patch(confirmed[0]!, { manualIssuedAt: null }, facilitator.auth)).json().manualIssuedAt).toBeNull();
    expectProblem(await patch(confirmed[0]!, { paymentStatus: 'paid' }, facilitator.auth), 403, 'FORBIDDEN');
    expectProblem(await patch(others[0]!, { manualIssuedAt: issued }, facilitator.auth), 404, 'NOT_FOUND');
    expectProblem(await patch(confirmed[0]!, { paymentStatus: 'free' }), 400, 'VALIDATION_FAILED');
    expectProblem(await patch(confirmed[0]!, { manualIssuedAt: '14/01/2030' }), 400, 'VALIDATION_FAILED');
  });
});

describe('PUT /v1/sessions/:id/attendance', () => {
  it('records and corrects attendance for confirmed delegates', async () => {
    const { sessions, confirmed } = await fullCohort(2, 0);
    const session = sessions[0]!;
    const res = await attendance(session.id, [
      { enrolmentId: confirmed[0], status: 'present' },
      { enrolmentId: confirmed[1], status: 'absent' },
    ]);
    expect(res.statusCode).toBe(200);
    const again = await attendance(session.id, [{ enrolmentId: confirmed[1], status: 'excused' }]);
    const byId = Object.fromEntries(again.json().items.map((r: { enrolmentId: string; status: string }) => [r.enrolmentId, r.status]));
    expect(byId).toEqual({ [confirmed[0]!]: 'present', [confirmed[1]!]: 'excused' });
  });

  it('refuses waitlisted people, other cohorts’ enrolments and duplicates (422), unknown sessions (404)', async () => {
    const { sessions, confirmed, waitlisted } = await fullCohort(1, 1);
    const { confirmed: others } = await fullCohort(1, 0);
    const res = await attendance(sessions[0]!.id, [
      { enrolmentId: confirmed[0], status: 'present' },
      { enrolmentId: waitlisted[0], status: 'present' },
      { enrolmentId: others[0], status: 'present' },
      { enrolmentId: confirmed[0], status: 'absent' },
    ]);
    expectProblem(res, 422, 'RULE_VIOLATION');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['1.enrolmentId', '2.enrolmentId', '3.enrolmentId']);
    // Nothing was recorded.
    const list = (await roster(sessions[0]!.cohortId)).json().items;
    expect(list.every((e: { attendance: { status: unknown }[] }) => e.attendance.every((a) => a.status === null))).toBe(true);
    expectProblem(await attendance('00000000-0000-4000-8000-000000000000', [{ enrolmentId: confirmed[0], status: 'present' }]), 404, 'NOT_FOUND');
    expectProblem(await attendance(sessions[0]!.id, [{ enrolmentId: confirmed[0], status: 'late' }]), 400, 'VALIDATION_FAILED');
  });

  it('lets a facilitator record only for assigned cohorts (others 404)', async () => {
    const mine = await fullCohort(1, 0);
    const theirs = await fullCohort(1, 0);
    const facilitator = await createFacilitator(t, [mine.cohort.id]);
    expect((await attendance(mine.sessions[1]!.id, [{ enrolmentId: mine.confirmed[0], status: 'present' }], facilitator.auth)).statusCode).toBe(200);
    expectProblem(await attendance(theirs.sessions[1]!.id, [{ enrolmentId: theirs.confirmed[0], status: 'present' }], facilitator.auth), 404, 'NOT_FOUND');
  });
});

describe('POST /v1/enrolments/:id/complete', () => {
  it('completes a confirmed enrolment once the cohort has started; not before, nor twice', async () => {
    const { cohort, confirmed, waitlisted } = await fullCohort(1, 1);
    expectProblem(await act(confirmed[0]!, 'complete'), 409, 'INVALID_STATE');
    await setCohort(t, cohort.id, { firstSessionAt: new Date(Date.now() - DAY), status: 'in_progress' });
    const res = await act(confirmed[0]!, 'complete');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'completed' });
    expect(res.json().completedAt).toBeTruthy();
    expectProblem(await act(confirmed[0]!, 'complete'), 409, 'INVALID_STATE');
    expectProblem(await act(waitlisted[0]!, 'complete'), 409, 'INVALID_STATE');
    // The course has started: nobody is offered a seat any more.
    expect((await statusOf(waitlisted[0]!)).status).toBe('waitlisted');
  });
});

describe('GET /v1/cohorts/:id/roster.csv', () => {
  it('exports the roster as an attachment with every cell safe from formula injection', async () => {
    const { cohort, sessions } = await createOpenCohort(t, { max: 2, min: 1 });
    const [evil] = await createParticipants(t, 1, { firstName: '=HYPERLINK("http://x.example","click")', lastName: 'Smith', phone: '+44 7700 900123' });
    const [at] = await createParticipants(t, 1, { firstName: '@SUM(A1)', lastName: 'Jones', phone: '-1' });
    const [plain] = await createParticipants(t, 1, { firstName: 'Siân', lastName: 'Evans', phone: null });
    const e1 = (await enrol(cohort.id, evil!.id)).json().id;
    await enrol(cohort.id, at!.id);
    await enrol(cohort.id, plain!.id);
    await attendance(sessions[0]!.id, [{ enrolmentId: e1, status: 'present' }]);
    await patch(e1, { paymentStatus: 'waived', paymentNote: '=cmd|calc' });

    const res = await t.app.inject({ method: 'GET', url: `/v1/cohorts/${cohort.id}/roster.csv`, headers: coordinator.auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="roster-.*\.csv"$/);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toMatch(/^Name,Email,Phone,Status,Payment,Manual issued,Session 1 \(/);
    expect(lines).toHaveLength(4);
    const body = lines.slice(1).join('\n');
    expect(body).toContain(`"'=HYPERLINK(""http://x.example"",""click"") Smith"`);
    expect(body).toContain("'+44 7700 900123");
    expect(body).toContain("'@SUM(A1) Jones");
    expect(body).toContain("'-1");
    expect(body).toContain("Waived: =cmd|calc"); // not at the start of its cell
    expect(body).toContain('Siân Evans');
    expect(body).toContain('waitlisted (1)');
    expect(body).toContain('Present');
    // No cell starts with a formula character.
    for (const line of lines.slice(1)) {
      for (const cell of line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('is for a facilitator’s own cohorts only', async () => {
    const { cohort } = await createOpenCohort(t);
    const { cohort: other } = await createOpenCohort(t);
    const facilitator = await createFacilitator(t, [cohort.id]);
    expect((await t.app.inject({ method: 'GET', url: `/v1/cohorts/${cohort.id}/roster.csv`, headers: facilitator.auth })).statusCode).toBe(200);
    expectProblem(await t.app.inject({ method: 'GET', url: `/v1/cohorts/${other.id}/roster.csv`, headers: facilitator.auth }), 404, 'NOT_FOUND');
  });
});
