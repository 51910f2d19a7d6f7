import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import { createEligibleParticipant, createFacilitator, createOpenCohort } from '../../test/factories';
import { createDeclaredParticipant } from '../data-protection/test-helpers';
import { eq } from 'drizzle-orm';
import { enrolments, outboxMessages, users } from '../../db/schema/index';

type Staff = Awaited<ReturnType<TestApp['staff']>>;
let t: TestApp;
let admin: Staff;
let coordinator: Staff;
let lead: Staff;
let facilitator: Staff;
let mine: string;
let other: string;
let inMine: string;
let inOther: string;

const SUMMARY = 'Participant said their grandchild stays overnight at weekends (needs follow-up)';

const raise = (payload: object, headers: { authorization: string }) =>
  t.app.inject({ method: 'POST', url: '/v1/safeguarding-concerns', payload, headers });
const get = (url: string, headers: { authorization: string }) => t.app.inject({ method: 'GET', url, headers });

function expectProblem(res: { statusCode: number; json: () => unknown; headers: Record<string, unknown> }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ status, code });
}

/** Enrols directly (rows only): these tests are about concerns, not about enrolment rules. */
async function enrolDirectly(participantId: string, cohortId: string, courseId: string) {
  await t.database.db.insert(enrolments).values({ participantId, cohortId, courseId, status: 'confirmed' });
}

beforeAll(async () => {
  t = await buildTestApp();
  [admin, coordinator, lead] = await Promise.all([
    t.staff(['admin'], 'Ada Admin'),
    t.staff(['coordinator'], 'Cora Coordinator'),
    t.staff(['safeguarding_lead'], 'Sam Safeguarding'),
  ]);
  const a = await createOpenCohort(t);
  const b = await createOpenCohort(t);
  mine = a.cohort.id;
  other = b.cohort.id;
  facilitator = await createFacilitator(t, [mine]);
  // Through the API (real encrypted answers), so the export can read every declaration.
  inMine = await createDeclaredParticipant(t, coordinator.auth, a.course.id);
  inOther = (await createEligibleParticipant(t)).id;
  await enrolDirectly(inMine, mine, a.course.id);
  await enrolDirectly(inOther, other, b.course.id);
});
afterAll(async () => t.close());

describe('raising a concern', () => {
  it('a facilitator raises one about their cohort and a person in it, and gets a receipt without the content', async () => {
    const res = await raise({ cohortId: mine, participantId: inMine, summary: SUMMARY }, facilitator.auth);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: expect.any(String), status: 'open', raisedAt: expect.any(String) });
    expect(res.body).not.toContain('grandchild');
    expect((await raise({ participantId: inMine, summary: SUMMARY }, facilitator.auth)).statusCode).toBe(201);
  });

  it('tells the safeguarding leads a concern is waiting, and nothing about it', async () => {
    const notices = async () =>
      (await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.topic, 'concern_raised'))).map((m) => ({ to: m.recipient, payload: m.payload }));
    const before = (await notices()).length;
    expect((await raise({ cohortId: mine, participantId: inMine, summary: SUMMARY }, facilitator.auth)).statusCode).toBe(201);
    const sent = (await notices()).slice(before);
    expect(sent.map((m) => m.to)).toEqual([lead.email]);
    const text = JSON.stringify(sent[0]!.payload);
    expect(text).toContain('safeguarding concern was raised');
    for (const secret of ['grandchild', 'overnight', 'Fran', 'Facilitator', inMine, mine]) expect(text).not.toContain(secret);

    // With no active lead, the admins are told instead; a refused concern tells nobody.
    await t.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, lead.id));
    try {
      expect((await raise({ cohortId: other, summary: SUMMARY }, facilitator.auth)).statusCode).toBe(404);
      expect(await notices()).toHaveLength(before + 1);
      expect((await raise({ cohortId: mine, summary: SUMMARY }, coordinator.auth)).statusCode).toBe(201);
      const toAdmins = (await notices()).slice(before + 1).map((m) => m.to);
      expect(toAdmins).toContain(admin.email);
      expect(toAdmins).not.toContain(lead.email);
    } finally {
      await t.database.db.update(users).set({ disabledAt: null }).where(eq(users.id, lead.id));
    }
  });

  it('a facilitator cannot name a cohort or a person outside their cohorts: 404', async () => {
    expectProblem(await raise({ cohortId: other, summary: SUMMARY }, facilitator.auth), 404, 'NOT_FOUND');
    expectProblem(await raise({ participantId: inOther, summary: SUMMARY }, facilitator.auth), 404, 'NOT_FOUND');
    expectProblem(await raise({ cohortId: mine, participantId: inOther, summary: SUMMARY }, facilitator.auth), 404, 'NOT_FOUND');
    expectProblem(await raise({ cohortId: randomUUID(), summary: SUMMARY }, facilitator.auth), 404, 'NOT_FOUND');
  });

  it('a coordinator raises about any cohort; a person not in the named cohort is 422', async () => {
    expect((await raise({ cohortId: other, summary: SUMMARY }, coordinator.auth)).statusCode).toBe(201);
    expectProblem(await raise({ cohortId: other, participantId: inMine, summary: SUMMARY }, coordinator.auth), 422, 'RULE_VIOLATION');
    expectProblem(await raise({ participantId: randomUUID(), summary: SUMMARY }, coordinator.auth), 404, 'NOT_FOUND');
  });

  it('needs a subject and a summary, and nothing else', async () => {
    expectProblem(await raise({ summary: SUMMARY }, coordinator.auth), 400, 'VALIDATION_FAILED');
    expectProblem(await raise({ cohortId: mine, summary: '   ' }, coordinator.auth), 400, 'VALIDATION_FAILED');
    expectProblem(await raise({ cohortId: mine, summary: SUMMARY, severity: 'high' }, coordinator.auth), 400, 'VALIDATION_FAILED');
  });

  it('stores the summary encrypted: the raw row holds no plaintext', async () => {
    const id = (await raise({ cohortId: mine, summary: 'Unique concern text 7f3a' }, coordinator.auth)).json().id as string;
    const raw = await t.database.db.execute(sql`SELECT row_to_json(s)::text AS row FROM safeguarding_concerns s WHERE id = ${id}`);
    const text = (raw as unknown as { rows: { row: string }[] }).rows[0]!.row;
    expect(text).not.toContain('Unique concern text');
    expect(text).toMatch(/"summary_enc":"v1\./);
  });
});

describe('reading and resolving', () => {
  let concernId: string;
  beforeAll(async () => {
    concernId = (await raise({ cohortId: mine, participantId: inMine, summary: SUMMARY }, facilitator.auth)).json().id;
  });

  it('only safeguarding leads and admins read: coordinators and facilitators get 403', async () => {
    for (const who of [coordinator, facilitator]) {
      expectProblem(await get('/v1/safeguarding-concerns', who.auth), 403, 'FORBIDDEN');
      expectProblem(await get(`/v1/safeguarding-concerns/${concernId}`, who.auth), 403, 'FORBIDDEN');
      expectProblem(
        await t.app.inject({ method: 'POST', url: `/v1/safeguarding-concerns/${concernId}/resolve`, payload: { resolution: 'x' }, headers: who.auth }),
        403,
        'FORBIDDEN',
      );
    }
  });

  it('a safeguarding lead reads the concern, decrypted, with who raised it', async () => {
    const res = await get(`/v1/safeguarding-concerns/${concernId}`, lead.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: concernId,
      summary: SUMMARY,
      status: 'open',
      participant: { id: inMine, erased: false },
      cohort: { id: mine },
      raisedBy: { id: facilitator.id, name: 'Fran Facilitator' },
      resolvedBy: null,
      resolution: null,
    });
    expectProblem(await get(`/v1/safeguarding-concerns/${randomUUID()}`, lead.auth), 404, 'NOT_FOUND');
  });

  it('lists newest first with filters and pages', async () => {
    const all = await get(`/v1/safeguarding-concerns?participantId=${inMine}&limit=1`, admin.auth);
    expect(all.statusCode).toBe(200);
    const page1 = all.json();
    expect(page1.items).toHaveLength(1);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await get(`/v1/safeguarding-concerns?participantId=${inMine}&limit=100&cursor=${page1.nextCursor}`, admin.auth)).json();
    const ids = [page1.items[0].id, ...page2.items.map((c: { id: string }) => c.id)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(concernId);
    expect(page2.items.every((c: { participant: { id: string } }) => c.participant.id === inMine)).toBe(true);
    const times = [page1.items[0], ...page2.items].map((c: { raisedAt: string }) => c.raisedAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('every read is on the audit trail, per concern shown', async () => {
    await get(`/v1/safeguarding-concerns/${concernId}`, lead.auth);
    await get(`/v1/safeguarding-concerns?cohortId=${mine}`, lead.auth);
    const trail = await get(`/v1/audit-events?entityType=safeguarding_concern&entityId=${concernId}&actorId=${lead.id}&limit=100`, admin.auth);
    const actions = trail.json().items.map((e: { action: string }) => e.action);
    expect(actions).toContain('getSafeguardingConcern');
    expect(actions).toContain('safeguardingConcern.read');
    // The refused read by a coordinator is on the trail too.
    const denied = await get(`/v1/audit-events?actorId=${coordinator.id}&action=getSafeguardingConcern&limit=100`, admin.auth);
    expect(denied.json().items.some((e: { outcome: string }) => e.outcome === 'denied')).toBe(true);
  });

  it('a lead resolves it once; again is 409 INVALID_STATE', async () => {
    const url = `/v1/safeguarding-concerns/${concernId}/resolve`;
    const res = await t.app.inject({ method: 'POST', url, payload: { resolution: 'Spoke with the family; referred to children’s services' }, headers: lead.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'resolved', resolvedBy: { id: lead.id }, resolution: 'Spoke with the family; referred to children’s services' });
    expectProblem(await t.app.inject({ method: 'POST', url, payload: { resolution: 'again' }, headers: admin.auth }), 409, 'INVALID_STATE');
    const open = (await get(`/v1/safeguarding-concerns?status=open&limit=100`, lead.auth)).json();
    expect(open.items.map((c: { id: string }) => c.id)).not.toContain(concernId);
  });

  it('never appears in the participant’s subject access export', async () => {
    const res = await get(`/v1/participants/${inMine}/export`, admin.auth);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('grandchild');
    expect(res.body).not.toContain(concernId);
    expect(res.body).not.toMatch(/safeguarding/i);
  });
});
