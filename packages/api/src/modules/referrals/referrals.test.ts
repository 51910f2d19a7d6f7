import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartnerScope } from '@harbour/shared';
import { idempotencyKeys, outboxMessages, participants, referralEvents, referrals, webhookSubscriptions } from '../../db/schema/index';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import { IDEMPOTENCY_STALE_IN_FLIGHT_MS } from '../idempotency/idempotency';
import { createEligibleParticipant, createOpenCohort } from '../../test/factories';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['staff']>>;
let coordinator: Awaited<ReturnType<TestApp['staff']>>;
let facilitator: Awaited<ReturnType<TestApp['staff']>>;
let partnerA: { id: string; key: string };
let partnerB: { id: string; key: string };

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const uniq = () => randomUUID().slice(0, 8);

async function partnerWithKey(scopes: PartnerScope[] = ['referrals:write', 'referrals:read']) {
  const p = await t.app.inject({ method: 'POST', url: '/v1/partners', payload: { name: `Partner ${uniq()}` }, headers: admin.auth });
  const k = await t.app.inject({ method: 'POST', url: `/v1/partners/${p.json().id}/api-keys`, payload: { scopes }, headers: admin.auth });
  return { id: p.json().id as string, key: k.json().key as string };
}

beforeAll(async () => {
  t = await buildTestApp();
  admin = await t.staff(['admin']);
  coordinator = await t.staff(['coordinator']);
  facilitator = await t.staff(['facilitator']);
  partnerA = await partnerWithKey();
  partnerB = await partnerWithKey();
});
afterAll(async () => t.close());

function referralBody(overrides: Record<string, unknown> = {}) {
  return {
    person: { firstName: 'Jo', lastName: `Bloggs-${uniq()}`, email: `jo-${uniq()}@example.org`, phone: '07700 900456' },
    relationship: 'partner',
    consentToShare: true,
    referrer: { name: 'Rita Referrer', email: 'rita@probation.example', phone: '020 7946 0000' },
    note: 'Prefers calls after 6pm',
    ...overrides,
  };
}

async function refer(key: string, payload: object = referralBody(), headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/v1/referrals', payload, headers: { ...bearer(key), ...headers } });
}

const setStatus = (id: string, payload: object, headers = coordinator.auth) =>
  t.app.inject({ method: 'POST', url: `/v1/referrals/${id}/status`, payload, headers });

const countReferralsOf = async (partnerId: string) => t.database.db.$count(referrals, eq(referrals.partnerId, partnerId));

const PARTNER_FIELDS = ['cohort', 'createdAt', 'id', 'status', 'updatedAt'];

describe('POST /v1/referrals', () => {
  it('records a referral: 201 with the partner’s view (no personal data echoed back)', async () => {
    const res = await refer(partnerA.key);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ status: 'received', cohort: null });
    expect(Object.keys(body).sort()).toEqual(PARTNER_FIELDS);
    expect(res.body).not.toContain('Bloggs');
    expect(res.body).not.toContain('Prefers calls');

    const staffView = await t.app.inject({ method: 'GET', url: `/v1/referrals/${body.id}`, headers: coordinator.auth });
    expect(staffView.statusCode).toBe(200);
    expect(staffView.json()).toMatchObject({
      id: body.id,
      status: 'received',
      partner: { id: partnerA.id },
      person: { firstName: 'Jo', phone: '07700 900456' },
      relationship: 'partner',
      consentToShare: true,
      referrer: { name: 'Rita Referrer', email: 'rita@probation.example' },
      note: 'Prefers calls after 6pm',
      declineReason: null,
      participantId: null,
      enrolmentId: null,
    });
  });

  it('requires consent: false or missing → 422 CONSENT_REQUIRED, and nothing is stored', async () => {
    const before = await countReferralsOf(partnerA.id);
    const { consentToShare: _omitted, ...withoutConsent } = referralBody();
    for (const payload of [referralBody({ consentToShare: false }), withoutConsent]) {
      const res = await refer(partnerA.key, payload);
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe('CONSENT_REQUIRED');
    }
    expect(await countReferralsOf(partnerA.id)).toBe(before);
  });

  it('needs an e-mail or a phone for the person; refuses unknown fields and bad values (400)', async () => {
    const cases: [object, string][] = [
      [referralBody({ person: { firstName: 'Jo', lastName: 'B' } }), 'person.email'],
      [referralBody({ person: { firstName: 'Jo', lastName: 'B', email: 'nope' } }), 'person.email'],
      [referralBody({ offence: 'anything' }), 'offence'],
      [referralBody({ relationship: 'neighbour' }), 'relationship'],
      [referralBody({ referrer: { name: 'R' } }), 'referrer.email'],
    ];
    for (const [payload, path] of cases) {
      const res = await refer(partnerA.key, payload);
      expect(res.statusCode, path).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().errors.map((e: { path: string }) => e.path).join(' ')).toContain(path);
    }
    const phoneOnly = await refer(partnerA.key, referralBody({ person: { firstName: 'Jo', lastName: 'B', phone: '07700 900123' } }));
    expect(phoneOnly.statusCode).toBe(201);
  });

  it('without a key is 401', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/referrals', payload: referralBody() });
    expect(res.statusCode).toBe(401);
  });
});

describe('who sees which referral', () => {
  it('partner A never sees partner B’s referrals: 404 exactly like an unknown id, and not in its list', async () => {
    const ofB = (await refer(partnerB.key)).json().id as string;
    const ofA = (await refer(partnerA.key)).json().id as string;

    const other = await t.app.inject({ method: 'GET', url: `/v1/referrals/${ofB}`, headers: bearer(partnerA.key) });
    const unknown = await t.app.inject({ method: 'GET', url: `/v1/referrals/${randomUUID()}`, headers: bearer(partnerA.key) });
    expect(other.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    const { instance: _i1, ...otherBody } = other.json();
    const { instance: _i2, ...unknownBody } = unknown.json();
    expect(otherBody).toEqual(unknownBody);

    const list = await t.app.inject({ method: 'GET', url: '/v1/referrals?limit=100', headers: bearer(partnerA.key) });
    expect(list.statusCode).toBe(200);
    const ids = list.json().items.map((r: { id: string }) => r.id);
    expect(ids).toContain(ofA);
    expect(ids).not.toContain(ofB);
    // Asking for B's referrals by filter gives nothing of B's either.
    const filtered = await t.app.inject({ method: 'GET', url: `/v1/referrals?partnerId=${partnerB.id}`, headers: bearer(partnerA.key) });
    expect(filtered.json().items.map((r: { id: string }) => r.id)).not.toContain(ofB);

    // Nor can A change it (partners change nothing), and its own view never has staff fields.
    const change = await setStatus(ofB, { status: 'contacted' }, bearer(partnerA.key));
    expect(change.statusCode).toBe(403);
    const own = await t.app.inject({ method: 'GET', url: `/v1/referrals/${ofA}`, headers: bearer(partnerA.key) });
    expect(Object.keys(own.json()).sort()).toEqual(PARTNER_FIELDS);
    for (const item of list.json().items) expect(Object.keys(item).sort()).toEqual(PARTNER_FIELDS);
  });

  it('staff see all partners’ referrals in full, and may filter by partner and status', async () => {
    const ofA = (await refer(partnerA.key)).json().id as string;
    const ofB = (await refer(partnerB.key)).json().id as string;
    const all = await t.app.inject({ method: 'GET', url: '/v1/referrals?limit=100', headers: coordinator.auth });
    expect(all.statusCode).toBe(200);
    const ids = all.json().items.map((r: { id: string }) => r.id);
    expect(ids).toEqual(expect.arrayContaining([ofA, ofB]));
    expect(all.json().items[0]).toHaveProperty('person');

    const onlyB = await t.app.inject({ method: 'GET', url: `/v1/referrals?partnerId=${partnerB.id}&status=received`, headers: coordinator.auth });
    const bItems = onlyB.json().items as { id: string; partner: { id: string } }[];
    expect(bItems.map((r) => r.id)).toContain(ofB);
    expect(bItems.every((r) => r.partner.id === partnerB.id)).toBe(true);
  });

  it('pages with a cursor, newest first', async () => {
    const p = await partnerWithKey();
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await refer(p.key)).json().id as string);
    const first = await t.app.inject({ method: 'GET', url: '/v1/referrals?limit=2', headers: bearer(p.key) });
    expect(first.json().items.map((r: { id: string }) => r.id)).toEqual([made[2], made[1]]);
    const next = await t.app.inject({ method: 'GET', url: `/v1/referrals?limit=2&cursor=${first.json().nextCursor}`, headers: bearer(p.key) });
    expect(next.json()).toEqual({ items: [expect.objectContaining({ id: made[0] })], nextCursor: null });
  });

  it('facilitators may not read referrals (403)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/referrals', headers: facilitator.auth });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
  });
});

describe('Idempotency-Key on POST /v1/referrals', () => {
  it('the same key and body replays the first answer: same id, one row', async () => {
    const p = await partnerWithKey();
    const key = `ref-${randomUUID()}`;
    const payload = referralBody();
    const first = await refer(p.key, payload, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Same body with its keys in another order is the same request.
    const reordered = { referrer: payload.referrer, consentToShare: true, relationship: payload.relationship, note: payload.note, person: payload.person };
    const again = await refer(p.key, reordered, { 'idempotency-key': key });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await countReferralsOf(p.id)).toBe(1);
  });

  it('the same key with another body is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const p = await partnerWithKey();
    const key = `ref-${randomUUID()}`;
    expect((await refer(p.key, referralBody(), { 'idempotency-key': key })).statusCode).toBe(201);
    const res = await refer(p.key, referralBody(), { 'idempotency-key': key });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await countReferralsOf(p.id)).toBe(1);
  });

  it('keys belong to their caller: another partner may use the same key', async () => {
    const p = await partnerWithKey();
    const q = await partnerWithKey();
    const key = `shared-${randomUUID()}`;
    const a = await refer(p.key, referralBody(), { 'idempotency-key': key });
    const b = await refer(q.key, referralBody(), { 'idempotency-key': key });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json().id).not.toBe(a.json().id);
  });

  it('a failed request does not use up its key: fixed and retried, it succeeds', async () => {
    const p = await partnerWithKey();
    const key = `ref-${randomUUID()}`;
    const refused = await refer(p.key, referralBody({ consentToShare: false }), { 'idempotency-key': key });
    expect(refused.statusCode).toBe(422);
    const ok = await refer(p.key, referralBody(), { 'idempotency-key': key });
    expect(ok.statusCode).toBe(201);
  });

  it('refuses an empty, over-long or non-printable key with 400', async () => {
    for (const key of ['', 'x'.repeat(256), 'tab\tkey']) {
      const res = await refer(partnerA.key, referralBody(), { 'idempotency-key': key });
      expect(res.statusCode, JSON.stringify(key)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await refer(partnerA.key, referralBody(), { 'idempotency-key': 'x'.repeat(255) })).statusCode).toBe(201);
  });

  it('two concurrent requests with one key create one referral: one 201, the other 409 IN_FLIGHT or the replay', async () => {
    const p = await partnerWithKey();
    const key = `race-${randomUUID()}`;
    const payload = referralBody();
    const answers = await Promise.all(Array.from({ length: 4 }, () => refer(p.key, payload, { 'idempotency-key': key })));
    const fresh = answers.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined);
    expect(fresh).toHaveLength(1);
    for (const r of answers) {
      if (r === fresh[0]) continue;
      if (r.statusCode === 409) expect(r.json().code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
      else {
        expect(r.statusCode).toBe(201);
        expect(r.json().id).toBe(fresh[0]!.json().id);
      }
    }
    expect(await countReferralsOf(p.id)).toBe(1);
  });
  const keyRecord = (partnerId: string, key: string) => and(eq(idempotencyKeys.scope, `partner:${partnerId}`), eq(idempotencyKeys.key, key));

  it('an expired key is free again: another request with it creates a new referral, and its answer is the one replayed', async () => {
    const p = await partnerWithKey();
    const key = `ref-${randomUUID()}`;
    const first = await refer(p.key, referralBody(), { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    await t.database.db.update(idempotencyKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(keyRecord(p.id, key));

    const second = await refer(p.key, referralBody(), { 'idempotency-key': key });
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.json().id).not.toBe(first.json().id);
    const [record] = await t.database.db.select().from(idempotencyKeys).where(keyRecord(p.id, key));
    expect(record).toMatchObject({ status: 'done', responseStatus: 201 });
    expect(record!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(await countReferralsOf(p.id)).toBe(2);
  });

  it('a key held in flight is 409 while its request may still be running, and is taken over once it is stale (a crashed request)', async () => {
    const p = await partnerWithKey();
    const key = `ref-${randomUUID()}`;
    const payload = referralBody();
    const held = await refer(p.key, payload, { 'idempotency-key': key });
    expect(held.statusCode).toBe(201);
    // As a request that crashed before answering leaves it: in flight, no answer.
    await t.database.db.update(idempotencyKeys).set({ status: 'in_flight', responseStatus: null, responseBody: null }).where(keyRecord(p.id, key));
    await t.database.db.delete(referrals).where(eq(referrals.partnerId, p.id));

    const busy = await refer(p.key, payload, { 'idempotency-key': key });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
    expect(busy.headers['retry-after']).toBe('1');

    await t.database.db
      .update(idempotencyKeys)
      .set({ createdAt: new Date(Date.now() - IDEMPOTENCY_STALE_IN_FLIGHT_MS - 1000) })
      .where(keyRecord(p.id, key));
    const retried = await refer(p.key, payload, { 'idempotency-key': key });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await countReferralsOf(p.id)).toBe(1);
    expect((await refer(p.key, payload, { 'idempotency-key': key })).json().id).toBe(retried.json().id);
  });

  it('creates a referral with a key in at most 5 statements (auth, claim, referral with its history, webhooks and e-mail, answer, audit), with or without webhooks', async () => {
    const quiet = await partnerWithKey();
    const hooked = await partnerWithKey();
    await t.database.db.insert(webhookSubscriptions).values([
      { partnerId: hooked.id, url: 'https://partner.example/a', events: ['referral.status_changed'], secret: 'whsec_test' },
      { partnerId: hooked.id, url: 'https://partner.example/b', events: ['referral.status_changed', 'referral.erased'], secret: 'whsec_test' },
    ]);
    for (const p of [quiet, hooked]) {
      // The key's first use also records lastUsedAt (at most once a minute): not what is measured here.
      expect((await refer(p.key)).statusCode).toBe(201);
      const { result, statements } = await t.recordQueries(() => refer(p.key, referralBody(), { 'idempotency-key': `budget-${randomUUID()}` }));
      expect(result.statusCode).toBe(201);
      // BEGIN and COMMIT are logged by node-postgres only; savepoints would be counted.
      const counted = statements.filter((s) => !/^\s*(begin|commit)\s*$/i.test(s));
      expect(counted.length, counted.join('\n')).toBeLessThanOrEqual(5);
      expect(statements.filter((s) => /savepoint/i.test(s))).toEqual([]);

      // Everything is still written: the referral, its first history entry, a webhook per subscription, the e-mail.
      const id = result.json().id as string;
      const events = await t.database.db.select().from(referralEvents).where(eq(referralEvents.referralId, id));
      expect(events).toEqual([expect.objectContaining({ fromStatus: null, toStatus: 'received', actorKind: 'partner' })]);
      const messages = await t.database.db.select().from(outboxMessages);
      const webhooks = messages.filter((m) => m.kind === 'webhook' && (m.payload as { data: { referralId?: string } }).data.referralId === id);
      expect(webhooks).toHaveLength(p === hooked ? 2 : 0);
      expect(messages.filter((m) => m.kind === 'email' && m.topic === 'referral_received' && JSON.stringify(m.payload).includes(id))).toHaveLength(1);
    }
  });
});

describe('POST /v1/referrals/:id/status (staff)', () => {
  async function enrolment() {
    const { cohort, sessions } = await createOpenCohort(t);
    const person = await createEligibleParticipant(t);
    const res = await t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohort.id}/enrolments`, payload: { participantId: person.id }, headers: coordinator.auth });
    expect(res.statusCode).toBe(201);
    return { participantId: person.id, enrolmentId: res.json().id as string, sessions };
  }

  it('received → contacted → enrolled → completed; the partner then sees the session dates, nothing more', async () => {
    const id = (await refer(partnerA.key)).json().id as string;
    const contacted = await setStatus(id, { status: 'contacted' });
    expect(contacted.statusCode).toBe(200);
    expect(contacted.json().status).toBe('contacted');

    const link = await enrolment();
    const enrolled = await setStatus(id, { status: 'enrolled', participantId: link.participantId, enrolmentId: link.enrolmentId });
    expect(enrolled.statusCode).toBe(200);
    expect(enrolled.json()).toMatchObject({ status: 'enrolled', participantId: link.participantId, enrolmentId: link.enrolmentId });

    const seen = await t.app.inject({ method: 'GET', url: `/v1/referrals/${id}`, headers: bearer(partnerA.key) });
    expect(Object.keys(seen.json()).sort()).toEqual(PARTNER_FIELDS);
    expect(seen.json().status).toBe('enrolled');
    expect(seen.json().cohort).toEqual({
      sessions: link.sessions.map((s) => ({ startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() })),
    });
    expect(seen.body).not.toContain(link.participantId);
    expect(seen.body).not.toContain(link.enrolmentId);

    const completed = await setStatus(id, { status: 'completed' });
    expect(completed.statusCode).toBe(200);
    expect(completed.json().status).toBe('completed');
  });

  it('refuses changes the life cycle does not allow with 409 INVALID_STATE', async () => {
    const { participantId, enrolmentId } = await enrolment();
    const link = { participantId, enrolmentId };
    const fresh = (await refer(partnerA.key)).json().id as string;
    const skip = await setStatus(fresh, { status: 'enrolled', ...link });
    expect(skip.statusCode).toBe(409);
    expect(skip.json().code).toBe('INVALID_STATE');
    expect((await setStatus(fresh, { status: 'completed' })).json().code).toBe('INVALID_STATE');

    const withdrawn = (await refer(partnerA.key)).json().id as string;
    expect((await setStatus(withdrawn, { status: 'withdrawn' })).statusCode).toBe(200);
    for (const next of [{ status: 'contacted' }, { status: 'declined', reason: 'other' }, { status: 'withdrawn' }]) {
      const res = await setStatus(withdrawn, next);
      expect(res.statusCode, next.status).toBe(409);
      expect(res.json().code).toBe('INVALID_STATE');
    }

    const enrolledId = (await refer(partnerA.key)).json().id as string;
    await setStatus(enrolledId, { status: 'contacted' });
    expect((await setStatus(enrolledId, { status: 'enrolled', ...link })).statusCode).toBe(200);
    for (const next of [{ status: 'withdrawn' }, { status: 'declined', reason: 'not_reachable' }, { status: 'contacted' }]) {
      const res = await setStatus(enrolledId, next);
      expect(res.statusCode, next.status).toBe(409);
      expect(res.json().code).toBe('INVALID_STATE');
    }
  });

  it('declined needs a reason code, which the partner never sees', async () => {
    const id = (await refer(partnerA.key)).json().id as string;
    await setStatus(id, { status: 'contacted' });
    for (const payload of [{ status: 'declined' }, { status: 'declined', reason: 'because' }, { status: 'contacted', reason: 'other' }]) {
      const res = await setStatus(id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const declined = await setStatus(id, { status: 'declined', reason: 'not_eligible' });
    expect(declined.statusCode).toBe(200);
    expect(declined.json()).toMatchObject({ status: 'declined', declineReason: 'not_eligible' });
    const seen = await t.app.inject({ method: 'GET', url: `/v1/referrals/${id}`, headers: bearer(partnerA.key) });
    expect(seen.json().status).toBe('declined');
    expect(seen.body).not.toContain('not_eligible');
  });

  it('enrolled needs a participant and an enrolment that exist and belong together (400 / 422)', async () => {
    const id = (await refer(partnerA.key)).json().id as string;
    await setStatus(id, { status: 'contacted' });
    const a = await enrolment();
    const b = await enrolment();
    const ended = await enrolment();
    const withdrawn = await t.app.inject({ method: 'POST', url: `/v1/enrolments/${ended.enrolmentId}/withdraw`, headers: coordinator.auth });
    expect(withdrawn.statusCode).toBe(200);
    const erased = await enrolment();
    await t.database.db.update(participants).set({ erasedAt: new Date() }).where(eq(participants.id, erased.participantId));

    const missing = await setStatus(id, { status: 'enrolled', participantId: a.participantId });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('VALIDATION_FAILED');

    const cases: [object, string][] = [
      [{ participantId: randomUUID(), enrolmentId: a.enrolmentId }, 'participantId'],
      [{ participantId: a.participantId, enrolmentId: randomUUID() }, 'enrolmentId'],
      [{ participantId: a.participantId, enrolmentId: b.enrolmentId }, 'enrolmentId'],
      [{ participantId: ended.participantId, enrolmentId: ended.enrolmentId }, 'enrolmentId'],
      [{ participantId: erased.participantId, enrolmentId: erased.enrolmentId }, 'participantId'],
    ];
    for (const [ids, path] of cases) {
      const res = await setStatus(id, { status: 'enrolled', ...ids });
      expect(res.statusCode, JSON.stringify(ids)).toBe(422);
      expect(res.json().code).toBe('RULE_VIOLATION');
      expect(res.json().errors[0].path).toBe(path);
    }
    expect((await setStatus(id, { status: 'enrolled', participantId: ended.participantId, enrolmentId: ended.enrolmentId })).json().errors[0].message).toBe('This enrolment has ended.');
    const still = await t.app.inject({ method: 'GET', url: `/v1/referrals/${id}`, headers: coordinator.auth });
    expect(still.json()).toMatchObject({ status: 'contacted', participantId: null, enrolmentId: null });
  });

  it('unknown referral → 404; facilitators and partners may not change status (403)', async () => {
    expect((await setStatus(randomUUID(), { status: 'contacted' })).statusCode).toBe(404);
    const id = (await refer(partnerA.key)).json().id as string;
    expect((await setStatus(id, { status: 'contacted' }, facilitator.auth)).statusCode).toBe(403);
    expect((await setStatus(id, { status: 'contacted' }, bearer(partnerA.key))).statusCode).toBe(403);
  });

  it('each change is queued as a referral.status_changed webhook for the partner (thin, no personal data); a refused one queues nothing', async () => {
    const p = await partnerWithKey();
    await t.database.db
      .insert(webhookSubscriptions)
      .values({ partnerId: p.id, url: 'https://partner.example/hooks', events: ['referral.status_changed'], secret: 'whsec_test' });
    const id = (await refer(p.key)).json().id as string;
    await setStatus(id, { status: 'contacted' });
    await setStatus(id, { status: 'completed' }); // refused: 409

    const queued = await t.database.db
      .select()
      .from(outboxMessages)
      .where(and(eq(outboxMessages.partnerId, p.id), eq(outboxMessages.topic, 'referral.status_changed')));
    const data = queued.map((m) => (m.payload as { data: Record<string, unknown> }).data);
    expect(data.map((d) => [d.status, d.previousStatus])).toEqual(
      expect.arrayContaining([
        ['received', null],
        ['contacted', 'received'],
      ]),
    );
    expect(data).toHaveLength(2);
    expect(data.every((d) => d.referralId === id)).toBe(true);
    expect(JSON.stringify(queued.map((m) => m.payload))).not.toMatch(/Bloggs|rita@|Prefers/);
  });
});
