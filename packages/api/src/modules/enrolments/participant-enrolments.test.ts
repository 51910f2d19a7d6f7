// GET /v1/participants/:id/enrolments: a person's enrolments as their record shows them.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, participants } from '../../db/schema/index';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import { createEligibleParticipant, createFacilitator, createOpenCohort, createParticipants } from '../../test/factories';

let t: TestApp;
let coordinator: Awaited<ReturnType<TestApp['staff']>>;
beforeAll(async () => {
  // The signed-in user is kept between requests long enough that a slow machine cannot change a query count.
  t = await buildTestApp({ AUTH_USER_CACHE_MS: 60_000 });
  coordinator = await t.staff(['coordinator'], 'Cora Coordinator');
});
afterAll(async () => t.close());

type Item = {
  id: string;
  status: string;
  waitlistPosition?: number;
  offerExpiresAt: string | null;
  paymentStatus: string;
  endedAt: string | null;
  cohort: { id: string; title: string; status: string; firstSessionAt: string | null };
};

function enrolmentsOf(participantId: string, auth = coordinator.auth) {
  return t.app.inject({ method: 'GET', url: `/v1/participants/${participantId}/enrolments`, headers: auth });
}
async function itemsOf(participantId: string, auth = coordinator.auth): Promise<Item[]> {
  const res = await enrolmentsOf(participantId, auth);
  expect(res.statusCode).toBe(200);
  return res.json().items;
}
async function enrol(cohortId: string, participantId: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohortId}/enrolments`, payload: { participantId }, headers: coordinator.auth });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}
async function act(enrolmentId: string, verb: string) {
  const res = await t.app.inject({ method: 'POST', url: `/v1/enrolments/${enrolmentId}/${verb}`, headers: coordinator.auth });
  expect(res.statusCode).toBe(200);
}
function expectNotFound(res: { statusCode: number; headers: Record<string, unknown>; json: () => { code: string } }) {
  expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  expect(String(res.headers['content-type'])).toMatch(/application\/problem\+json/);
}

describe('GET /v1/participants/:id/enrolments', () => {
  it('lists the person’s enrolments newest first, with cohort, status, payment and a waitlist place that moves', async () => {
    const person = await createEligibleParticipant(t);
    const { cohort: earlier } = await createOpenCohort(t, { title: 'Spring evenings', max: 12, min: 1 });
    const first = await enrol(earlier.id, person.id);
    const paid = await t.app.inject({ method: 'PATCH', url: `/v1/enrolments/${first}`, payload: { paymentStatus: 'paid' }, headers: coordinator.auth });
    expect(paid.statusCode).toBe(200);
    await act(first, 'withdraw');

    // A full cohort: one seat taken, one person waiting ahead of ours.
    const { cohort: full } = await createOpenCohort(t, { title: 'Summer mornings', max: 1, min: 1 });
    const [holder, ahead] = await createParticipants(t, 2);
    const held = await enrol(full.id, holder!.id);
    const aheadId = await enrol(full.id, ahead!.id);
    const waiting = await enrol(full.id, person.id);

    const items = await itemsOf(person.id);
    expect(items.map((i) => i.id)).toEqual([waiting, first]);
    expect(items[0]).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 2,
      offerExpiresAt: null,
      paymentStatus: 'unpaid',
      cohort: { id: full.id, title: 'Summer mornings', status: 'confirmed', firstSessionAt: full.firstSessionAt!.toISOString() },
    });
    expect(items[1]).toMatchObject({ status: 'withdrawn', paymentStatus: 'paid', cohort: { id: earlier.id, title: 'Spring evenings' } });
    expect(items[1]!.waitlistPosition).toBeUndefined();
    expect(items[1]!.endedAt).not.toBeNull();

    // The seat frees: the person ahead is offered it, ours moves up to first place.
    await act(held, 'withdraw');
    expect((await itemsOf(person.id))[0]).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });

    // The person ahead declines: ours is offered the seat, with an expiry and no waitlist place.
    await act(aheadId, 'decline');
    const offered = (await itemsOf(person.id))[0]!;
    expect(offered.status).toBe('offered');
    expect(offered.waitlistPosition).toBeUndefined();
    expect(new Date(offered.offerExpiresAt!).getTime()).toBeGreaterThan(Date.now());
  });

  it('answers an empty list for a person with no enrolments', async () => {
    const person = await createEligibleParticipant(t);
    const res = await enrolmentsOf(person.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ participantId: person.id, items: [] });
  });

  it('answers 404 for an unknown or erased participant', async () => {
    expectNotFound(await enrolmentsOf('00000000-0000-4000-8000-000000000000'));
    const erased = await createEligibleParticipant(t);
    await t.database.db.update(participants).set({ erasedAt: new Date() }).where(eq(participants.id, erased.id));
    expectNotFound(await enrolmentsOf(erased.id));
  });

  it('shows a facilitator only enrolments in their cohorts, and someone with none there as not found', async () => {
    const { cohort: theirs } = await createOpenCohort(t, { title: 'Assigned cohort', min: 1 });
    const { cohort: other } = await createOpenCohort(t, { title: 'Other cohort', min: 1 });
    const person = await createEligibleParticipant(t);
    const outside = await createEligibleParticipant(t);
    const before = await enrol(other.id, person.id);
    await act(before, 'withdraw');
    const inTheirs = await enrol(theirs.id, person.id);
    await enrol(other.id, outside.id);
    const facilitator = await createFacilitator(t, [theirs.id]);

    expect((await itemsOf(person.id)).map((i) => i.id)).toEqual([inTheirs, before]);
    const seen = await itemsOf(person.id, facilitator.auth);
    expect(seen.map((i) => i.cohort.title)).toEqual(['Assigned cohort']);
    expectNotFound(await enrolmentsOf(outside.id, facilitator.auth));
    expect(await itemsOf(outside.id)).toHaveLength(1);
  });

  it('is refused to a signed-out caller', async () => {
    const person = await createEligibleParticipant(t);
    const res = await t.app.inject({ method: 'GET', url: `/v1/participants/${person.id}/enrolments` });
    expect(res.statusCode).toBe(401);
  });

  it('puts every read on the audit trail against the participant', async () => {
    const person = await createEligibleParticipant(t);
    await itemsOf(person.id);
    const rows = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'listParticipantEnrolments'), eq(auditEvents.entityId, person.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ entityType: 'participant', actorId: coordinator.id, outcome: 'success' });
  });

  it('costs the same number of queries for one enrolment as for many', async () => {
    const few = await createEligibleParticipant(t);
    const many = await createEligibleParticipant(t);
    const { cohort } = await createOpenCohort(t, { min: 1 });
    await enrol(cohort.id, few.id);
    for (let i = 0; i < 4; i += 1) {
      const { cohort: c } = await createOpenCohort(t, { max: 1, min: 1 });
      const [filler] = await createParticipants(t, 1);
      await enrol(c.id, filler!.id);
      const id = await enrol(c.id, many.id); // waitlisted: each needs a place
      if (i < 3) await act(id, 'withdraw');
    }
    await enrolmentsOf(few.id); // the signed-in user is read once after a write, then kept
    const a = await t.countQueries(() => enrolmentsOf(few.id));
    const b = await t.countQueries(() => enrolmentsOf(many.id));
    expect(a.result.json().items).toHaveLength(1);
    expect(b.result.json().items).toHaveLength(4);
    expect(b.queries).toBe(a.queries);
  });
});
