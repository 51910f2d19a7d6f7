// DOMAIN: "Only a person whose latest declaration is eligible can hold a confirmed seat or a waitlist
// place." A declaration or review that comes out ineligible ends the places the person holds, in its
// own transaction, and the seat it frees goes to the next person waiting.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohorts, enrolments } from '../../db/schema/index';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import { createOpenCohort, createParticipants, currentDeclarationVersion } from '../../test/factories';

let t: TestApp;
let coordinator: Awaited<ReturnType<TestApp['staff']>>;
let versionId: string;
beforeAll(async () => {
  t = await buildTestApp();
  coordinator = await t.staff(['coordinator'], 'Cora Coordinator');
  const { course } = await createOpenCohort(t, { max: 1, min: 1 });
  versionId = (await currentDeclarationVersion(t.database.db, course.id)).id;
});
afterAll(async () => t.close());

const ANSWERS = {
  eligible: { offenceInvolvesImages: 'yes', accusedOfContactOffence: 'no', accusedOfOnlineContactWithChild: 'no', accusedOfGrooming: 'no' },
  ineligible: { offenceInvolvesImages: 'yes', accusedOfContactOffence: 'yes', accusedOfOnlineContactWithChild: 'no', accusedOfGrooming: 'no' },
  needsReview: { offenceInvolvesImages: 'unsure', accusedOfContactOffence: 'no', accusedOfOnlineContactWithChild: 'no', accusedOfGrooming: 'no' },
} as const;

function declare(participantId: string, answers: (typeof ANSWERS)[keyof typeof ANSWERS], id = versionId) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/participants/${participantId}/declarations`,
    payload: { declarationVersionId: id, channel: 'staff', answers },
    headers: coordinator.auth,
  });
}
async function enrolAll(cohortId: string, participantIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const participantId of participantIds) {
    const res = await t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohortId}/enrolments`, payload: { participantId }, headers: coordinator.auth });
    expect(res.statusCode).toBe(201);
    ids.push(res.json().id);
  }
  return ids;
}
async function statusOf(enrolmentId: string) {
  const [row] = await t.database.db.select().from(enrolments).where(eq(enrolments.id, enrolmentId));
  return row!.status;
}
async function seatsTaken(cohortId: string) {
  const [row] = await t.database.db.select({ seatsTaken: cohorts.seatsTaken }).from(cohorts).where(eq(cohorts.id, cohortId));
  return row!.seatsTaken;
}
async function roster(cohortId: string) {
  const res = await t.app.inject({ method: 'GET', url: `/v1/cohorts/${cohortId}/enrolments`, headers: coordinator.auth });
  return (res.json().items as { id: string; status: string; waitlistPosition?: number }[]).map((e) => ({ id: e.id, status: e.status, waitlistPosition: e.waitlistPosition }));
}

describe('an ineligible outcome ends the places a person holds', () => {
  it('removes a confirmed seat with the reason in its history, and offers it to the first person waiting', async () => {
    const { cohort } = await createOpenCohort(t, { max: 2, min: 1, title: 'Evening cohort' });
    const people = await createParticipants(t, 4);
    const [seatA, seatB, wait1, wait2] = await enrolAll(cohort.id, people.map((p) => p.id));

    const res = await declare(people[0]!.id, ANSWERS.ineligible);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      outcome: 'ineligible',
      releasedPlaces: [{ enrolmentId: seatA, cohortId: cohort.id, cohortTitle: 'Evening cohort', previousStatus: 'confirmed' }],
    });
    expect(await statusOf(seatA!)).toBe('removed');
    expect(await statusOf(wait1!)).toBe('offered');
    expect(await seatsTaken(cohort.id)).toBe(2); // B confirmed, the first waiting person's live offer
    expect(await roster(cohort.id)).toEqual([
      { id: seatA, status: 'removed', waitlistPosition: undefined },
      { id: seatB, status: 'confirmed', waitlistPosition: undefined },
      { id: wait1, status: 'offered', waitlistPosition: undefined },
      { id: wait2, status: 'waitlisted', waitlistPosition: 1 },
    ]);

    const history = await t.app.inject({ method: 'GET', url: `/v1/enrolments/${seatA}/history`, headers: coordinator.auth });
    const last = (history.json().items as { to: string; note: string | null; actor: { kind: string; name?: string } }[]).at(-1);
    expect(last).toMatchObject({
      from: 'confirmed',
      to: 'removed',
      actor: { kind: 'staff', name: 'Cora Coordinator' },
      note: expect.stringMatching(/latest declaration makes them ineligible/),
    });

    // The person can no longer enrol either (the rule enrolment already applied).
    const again = await t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohort.id}/enrolments`, payload: { participantId: people[0]!.id }, headers: coordinator.auth });
    expect({ status: again.statusCode, code: again.json().code }).toEqual({ status: 422, code: 'NOT_ELIGIBLE' });
  });

  it('ends a waitlist place, and the places behind it move up', async () => {
    const { cohort } = await createOpenCohort(t, { max: 1, min: 1 });
    const people = await createParticipants(t, 4);
    const [seat, w1, w2, w3] = await enrolAll(cohort.id, people.map((p) => p.id));

    const res = await declare(people[2]!.id, ANSWERS.ineligible);
    expect(res.json().releasedPlaces).toEqual([expect.objectContaining({ enrolmentId: w2, previousStatus: 'waitlisted' })]);
    expect(await roster(cohort.id)).toEqual([
      { id: seat, status: 'confirmed', waitlistPosition: undefined },
      { id: w1, status: 'waitlisted', waitlistPosition: 1 },
      { id: w2, status: 'removed', waitlistPosition: undefined },
      { id: w3, status: 'waitlisted', waitlistPosition: 2 },
    ]);
    expect(await seatsTaken(cohort.id)).toBe(1);
  });

  it('keeps the place while a declaration awaits review, and ends it when the review finds them ineligible', async () => {
    const { cohort } = await createOpenCohort(t, { max: 1, min: 1 });
    const people = await createParticipants(t, 2);
    const [seat, waiting] = await enrolAll(cohort.id, people.map((p) => p.id));

    const unsure = await declare(people[0]!.id, ANSWERS.needsReview);
    expect(unsure.json()).toMatchObject({ outcome: 'needs_review' });
    expect(unsure.json().releasedPlaces).toBeUndefined();
    expect(await statusOf(seat!)).toBe('confirmed');

    const review = await t.app.inject({
      method: 'POST',
      url: `/v1/declarations/${unsure.json().id}/review`,
      payload: { outcome: 'ineligible', note: 'Talked it through: the accusation includes contact.' },
      headers: coordinator.auth,
    });
    expect(review.statusCode).toBe(201);
    expect(review.json().releasedPlaces).toEqual([expect.objectContaining({ enrolmentId: seat, previousStatus: 'confirmed' })]);
    expect(await statusOf(seat!)).toBe('removed');
    expect(await statusOf(waiting!)).toBe('offered');
  });

  it('changes nothing for an eligible outcome, and answers an empty list for someone with no places', async () => {
    const { cohort } = await createOpenCohort(t, { max: 1, min: 1 });
    const [holder, nobody] = await createParticipants(t, 2);
    const [seat] = await enrolAll(cohort.id, [holder!.id]);

    const fine = await declare(holder!.id, ANSWERS.eligible);
    expect(fine.json()).toMatchObject({ outcome: 'eligible' });
    expect(fine.json().releasedPlaces).toBeUndefined();
    expect(await statusOf(seat!)).toBe('confirmed');

    const none = await declare(nobody!.id, ANSWERS.ineligible);
    expect(none.json()).toMatchObject({ outcome: 'ineligible', releasedPlaces: [] });
  });

  it('releases nothing when the declaration itself is refused', async () => {
    const { cohort } = await createOpenCohort(t, { max: 1, min: 1 });
    const [holder] = await createParticipants(t, 1);
    const [seat] = await enrolAll(cohort.id, [holder!.id]);
    const refused = await declare(holder!.id, ANSWERS.ineligible, '00000000-0000-4000-8000-000000000000');
    expect(refused.statusCode).toBe(404);
    expect(await statusOf(seat!)).toBe('confirmed');
    expect(await seatsTaken(cohort.id)).toBe(1);
  });

  it('leaves no place held when enrolments and ineligible declarations of the same people race', async () => {
    const { cohort } = await createOpenCohort(t, { max: 4, min: 1 });
    const people = await createParticipants(t, 16);
    const answers = await Promise.all(
      people.flatMap((p) => [
        t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohort.id}/enrolments`, payload: { participantId: p.id }, headers: coordinator.auth }),
        declare(p.id, ANSWERS.ineligible),
      ]),
    );
    // Enrolled first and then released, or refused as not eligible: never a 5xx, never a place kept.
    for (const res of answers) expect([201, 422]).toContain(res.statusCode);
    expect(answers.filter((r) => r.statusCode === 422).every((r) => r.json().code === 'NOT_ELIGIBLE')).toBe(true);
    const live = (await roster(cohort.id)).filter((e) => ['confirmed', 'offered', 'waitlisted'].includes(e.status));
    expect(live).toEqual([]);
    expect(await seatsTaken(cohort.id)).toBe(0);
  });
});
