// Seat rules at the edges of the ordinary flow: a person who stops being eligible while waiting, a
// cohort whose size changes, a cohort whose sessions begin with people still waiting.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohorts, declarations, enrolments, outboxMessages } from '../../db/schema/index';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import { createOpenCohort, createParticipants, currentDeclarationVersion, type ParticipantRow } from '../../test/factories';
import { closeWaitlistsOfStartedCohorts } from './enrolments.service';

let t: TestApp;
let coordinator: Awaited<ReturnType<TestApp['staff']>>;
beforeAll(async () => {
  t = await buildTestApp();
  coordinator = await t.staff(['coordinator'], 'Cora Coordinator');
});
afterAll(async () => t.close());

const DAY = 24 * 3_600_000;

const enrol = (cohortId: string, participantId: string) =>
  t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohortId}/enrolments`, payload: { participantId }, headers: coordinator.auth });
const act = (enrolmentId: string, verb: string) =>
  t.app.inject({ method: 'POST', url: `/v1/enrolments/${enrolmentId}/${verb}`, headers: coordinator.auth });

async function statusOf(enrolmentId: string) {
  const [row] = await t.database.db.select().from(enrolments).where(eq(enrolments.id, enrolmentId));
  return row!.status;
}

/** Enrols each person in turn; answers the enrolment ids. */
async function enrolAll(cohortId: string, people: ParticipantRow[]): Promise<string[]> {
  const ids: string[] = [];
  for (const p of people) {
    const res = await enrol(cohortId, p.id);
    expect(res.statusCode).toBe(201);
    ids.push(res.json().id as string);
  }
  return ids;
}

/** The person declares again, with this outcome (a later declaration is the one that counts). */
async function declareAgain(participantId: string, outcome: 'ineligible' | 'needs_review' | 'eligible', courseId: string) {
  const version = await currentDeclarationVersion(t.database.db, courseId);
  await t.database.db.insert(declarations).values({
    participantId,
    declarationVersionId: version.id,
    channel: 'staff',
    answers: 'test-factory',
    outcome,
    reasons: outcome === 'ineligible' ? ['CONTACT_OFFENCE'] : outcome === 'needs_review' ? ['UNSURE_ACCUSED_OF_GROOMING'] : [],
  });
}

async function changeCohort(cohortId: string, body: object) {
  const etag = (await t.app.inject({ method: 'GET', url: `/v1/cohorts/${cohortId}`, headers: coordinator.auth })).headers.etag as string;
  return t.app.inject({ method: 'PATCH', url: `/v1/cohorts/${cohortId}`, payload: body, headers: { ...coordinator.auth, 'if-match': etag } });
}

describe('a person whose latest declaration is no longer eligible', () => {
  it('keeps their waitlist place but is passed over when a seat frees, until they are eligible again', async () => {
    const { cohort, course } = await createOpenCohort(t, { max: 1, min: 1 });
    const people = await createParticipants(t, 3);
    const [holder, first, second] = await enrolAll(cohort.id, people);
    await declareAgain(people[1]!.id, 'ineligible', course.id);

    expect((await act(holder!, 'withdraw')).statusCode).toBe(200);
    expect(await statusOf(first!)).toBe('waitlisted');
    expect(await statusOf(second!)).toBe('offered');

    // A review makes them eligible again: the next free seat is theirs, ahead of anyone behind them.
    await declareAgain(people[1]!.id, 'eligible', course.id);
    expect((await act(second!, 'decline')).statusCode).toBe(200);
    expect(await statusOf(first!)).toBe('offered');
  });

  it('cannot accept an offer made before (422 NOT_ELIGIBLE); the offer stays until declined or expired', async () => {
    const { cohort, course } = await createOpenCohort(t, { max: 1, min: 1 });
    const people = await createParticipants(t, 2);
    const [holder, waiting] = await enrolAll(cohort.id, people);
    expect((await act(holder!, 'withdraw')).statusCode).toBe(200);
    expect(await statusOf(waiting!)).toBe('offered');

    await declareAgain(people[1]!.id, 'needs_review', course.id);
    const accept = await act(waiting!, 'accept');
    expect(accept.statusCode).toBe(422);
    expect(accept.json()).toMatchObject({ code: 'NOT_ELIGIBLE' });
    expect(await statusOf(waiting!)).toBe('offered');
  });
});

describe('a change of the cohort’s size', () => {
  it('a higher maximum offers the new seats to the people waiting, in order', async () => {
    const { cohort } = await createOpenCohort(t, { max: 8, min: 8 });
    const ids = await enrolAll(cohort.id, await createParticipants(t, 11));
    const res = await changeCohort(cohort.id, { maxParticipants: 10 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ maxParticipants: 10, offeredCount: 2, waitlistCount: 1, seatsFree: 0 });
    expect(await Promise.all(ids.slice(8).map(statusOf))).toEqual(['offered', 'offered', 'waitlisted']);
  });

  it('a lower minimum the confirmed seats already reach confirms the cohort', async () => {
    const { cohort } = await createOpenCohort(t, { max: 12, min: 10 });
    await enrolAll(cohort.id, await createParticipants(t, 8));
    const res = await changeCohort(cohort.id, { minParticipants: 8 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'confirmed', minParticipants: 8, confirmedCount: 8 });
  });
});

describe('when the sessions begin', () => {
  it('people still waiting or offered a seat are let go and told, and are free to join another cohort', async () => {
    const { cohort, course } = await createOpenCohort(t, { max: 2, min: 1, firstSessionAt: new Date(Date.now() + 10 * DAY) });
    const people = await createParticipants(t, 4);
    const [holder, , offered, waiting] = await enrolAll(cohort.id, people);
    expect((await act(holder!, 'withdraw')).statusCode).toBe(200);
    expect(await statusOf(offered!)).toBe('offered');

    // Nothing happens before the first session starts.
    expect(await closeWaitlistsOfStartedCohorts(t.database.db, new Date(Date.now() + 9 * DAY))).toBe(0);
    expect(await closeWaitlistsOfStartedCohorts(t.database.db, new Date(Date.now() + 10 * DAY + 60_000))).toBe(2);
    expect(await statusOf(offered!)).toBe('expired');
    expect(await statusOf(waiting!)).toBe('removed');
    const [row] = await t.database.db.select().from(cohorts).where(eq(cohorts.id, cohort.id));
    expect(row!.seatsTaken).toBe(1);
    for (const person of [people[2]!, people[3]!]) {
      const mails = await t.database.db
        .select()
        .from(outboxMessages)
        .where(and(eq(outboxMessages.recipient, person.email), eq(outboxMessages.topic, 'waitlist_closed')));
      expect(mails).toHaveLength(1);
    }
    // Done once: a second pass finds nobody.
    expect(await closeWaitlistsOfStartedCohorts(t.database.db, new Date(Date.now() + 11 * DAY))).toBe(0);

    const later = await createOpenCohort(t, { courseId: course.id, firstSessionAt: new Date(Date.now() + 40 * DAY) });
    expect((await enrol(later.cohort.id, people[3]!.id)).statusCode).toBe(201);
  });
});
