// Partner webhooks end to end, with a real receiver on 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE=true, the
// local-testing mode): subscriptions, Standard Webhooks signatures, retries with back-off, 410 Gone,
// the delivery log and redelivery.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_ADMIN, type TestApp } from '../../test/build-test-app';
import { enqueue } from '../outbox/outbox.service';
import { RETRY_DELAYS_MS, runOutboxOnce, type OutboxDeps } from '../outbox/worker';
import { startTestReceiver, verifyWebhook, type TestReceiver } from './test-receiver';

let t: TestApp;
let admin: { authorization: string };
let receiver: TestReceiver;
const deps: OutboxDeps = { mailer: null, allowPrivateWebhooks: true };

beforeAll(async () => {
  t = await buildTestApp({ WEBHOOK_ALLOW_PRIVATE: true });
  admin = { authorization: `Bearer ${await t.signIn(TEST_ADMIN.email, TEST_ADMIN.password)}` };
  receiver = await startTestReceiver();
});
afterAll(async () => {
  await receiver.close();
  await t.close();
});
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.processed.clear();
  receiver.respond = () => 204;
});

let n = 0;
/** A partner organisation and a key with the given scopes; answers its id and bearer header. */
async function newPartner(scopes: string[] = ['webhooks:manage']) {
  const partner = await t.app.inject({ method: 'POST', url: '/v1/partners', headers: admin, payload: { name: `Webhook partner ${++n} ${crypto.randomUUID().slice(0, 6)}` } });
  expect(partner.statusCode).toBe(201);
  const key = await t.app.inject({ method: 'POST', url: `/v1/partners/${partner.json().id}/api-keys`, headers: admin, payload: { scopes } });
  expect(key.statusCode).toBe(201);
  return { id: partner.json().id as string, auth: { authorization: `Bearer ${key.json().key as string}` } };
}

async function subscribe(auth: { authorization: string }, url = receiver.url) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload: { url, events: ['referral.status_changed'] } });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; url: string; events: string[]; secret: string };
}

/** A referral status change for a partner, committed (as the referrals service does in its transaction). */
async function statusChanged(partnerId: string, status = 'contacted', referralId = crypto.randomUUID(), now = new Date()) {
  const ids = await t.database.db.transaction((tx) => enqueue(tx, { kind: 'webhook', partnerId, topic: 'referral.status_changed', payload: { referralId, status } }, now));
  return { ids, referralId };
}

const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

describe('subscriptions', () => {
  it('creates a subscription and shows its whsec_ secret once', async () => {
    const p = await newPartner();
    const created = await subscribe(p.auth);
    expect(created).toMatchObject({ url: receiver.url, events: ['referral.status_changed'], disabledAt: null });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(created.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);

    const list = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: p.auth });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0].id).toBe(created.id);
    expect(JSON.stringify(list.json())).not.toContain(created.secret.slice(6));
  });

  it('keeps partners apart: another partner sees none of them and gets 404', async () => {
    const a = await newPartner();
    const b = await newPartner();
    const sub = await subscribe(a.auth);
    expect((await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: b.auth })).json().items).toEqual([]);
    for (const [method, url] of [
      ['DELETE', `/v1/webhooks/${sub.id}`],
      ['GET', `/v1/webhooks/${sub.id}/deliveries`],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: b.auth });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('refuses keys without the webhooks:manage scope, staff tokens, bad bodies', async () => {
    const noScope = await newPartner(['referrals:write']);
    const res = await t.app.inject({ method: 'POST', url: '/v1/webhooks', headers: noScope.auth, payload: { url: receiver.url, events: ['referral.status_changed'] } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });

    const staff = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: admin });
    expect(staff.statusCode).toBe(403);

    const p = await newPartner();
    for (const payload of [
      { url: receiver.url, events: [] },
      { url: receiver.url, events: ['referral.created'] },
      { url: 'not a url', events: ['referral.status_changed'] },
      { url: receiver.url, events: ['referral.status_changed'], secret: 'mine' },
    ]) {
      const bad = await t.app.inject({ method: 'POST', url: '/v1/webhooks', headers: p.auth, payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('deleting a subscription cancels what was waiting and sends nothing more', async () => {
    const p = await newPartner();
    const sub = await subscribe(p.auth);
    const { ids } = await statusChanged(p.id);
    expect(ids).toHaveLength(1);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/webhooks/${sub.id}`, headers: p.auth });
    expect(del.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/webhooks/${sub.id}`, headers: p.auth })).statusCode).toBe(404);
    await runOutboxOnce(t.database.db, deps);
    expect(receiver.requests).toHaveLength(0);
    // New events find no subscription.
    expect((await statusChanged(p.id)).ids).toEqual([]);
  });
});

describe('deliveries', () => {
  it('signs each delivery per Standard Webhooks with a thin payload', async () => {
    const p = await newPartner();
    const sub = await subscribe(p.auth);
    const now = new Date();
    const { ids, referralId } = await statusChanged(p.id, 'contacted', undefined, now);
    const run = await runOutboxOnce(t.database.db, deps, now);
    expect(run).toMatchObject({ claimed: 1, delivered: 1 });
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    const verified = verifyWebhook(sub.secret, req.headers, req.body, { now });
    expect(verified.id).toBe(ids[0]);
    expect(verified.timestamp).toBe(Math.floor(now.getTime() / 1000));
    expect(req.headers['content-type']).toBe('application/json');
    expect(verified.payload).toEqual({ type: 'referral.status_changed', timestamp: now.toISOString(), data: { referralId, status: 'contacted' } });

    // A wrong secret or a changed body does not verify.
    const other = await subscribe(p.auth);
    expect(() => verifyWebhook(other.secret, req.headers, req.body, { now })).toThrow('no matching signature');
    expect(() => verifyWebhook(sub.secret, req.headers, req.body.replace('contacted', 'enrolled'), { now })).toThrow('no matching signature');
    expect(() => verifyWebhook(sub.secret, req.headers, req.body, { now: at(now, 10 * 60_000) })).toThrow('timestamp outside tolerance');
  });

  it('a receiver failing three times then succeeding gets the event once per webhook-id, on the back-off schedule', async () => {
    const p = await newPartner();
    const sub = await subscribe(p.auth);
    const start = new Date();
    const { ids } = await statusChanged(p.id, 'enrolled', undefined, start);
    receiver.respond = ({ index }) => (index < 3 ? 500 : 200);

    // Attempt 1 now; attempt 2 after 5 s; attempt 3 after 5 min more; attempt 4 after 30 min more.
    let now = start;
    expect(await runOutboxOnce(t.database.db, deps, now)).toMatchObject({ claimed: 1, retrying: 1 });
    const schedule = [RETRY_DELAYS_MS[0], RETRY_DELAYS_MS[1], RETRY_DELAYS_MS[2]];
    for (const [i, delay] of schedule.entries()) {
      // Not due a moment before.
      expect((await runOutboxOnce(t.database.db, deps, at(now, delay - 1000))).claimed).toBe(0);
      now = at(now, delay);
      const run = await runOutboxOnce(t.database.db, deps, now);
      expect(run.claimed).toBe(1);
      expect(run.delivered).toBe(i === 2 ? 1 : 0);
    }
    expect(schedule).toEqual([5_000, 5 * 60_000, 30 * 60_000]);
    // Nothing more once delivered.
    expect((await runOutboxOnce(t.database.db, deps, at(now, 48 * 3600_000))).claimed).toBe(0);

    expect(receiver.requests.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    // The same webhook-id and body every time, each attempt freshly timestamped and signed.
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-timestamp'])).size).toBe(4);
    for (const r of receiver.requests) expect(() => verifyWebhook(sub.secret, r.headers, r.body, { now: new Date(Number(r.headers['webhook-timestamp']) * 1000) })).not.toThrow();
    expect([...receiver.processed.keys()]).toEqual(ids);

    // The delivery log shows every attempt.
    const log = await t.app.inject({ method: 'GET', url: `/v1/webhooks/${sub.id}/deliveries`, headers: p.auth });
    expect(log.statusCode).toBe(200);
    const [delivery] = log.json().items;
    expect(delivery).toMatchObject({ id: ids[0], event: 'referral.status_changed', status: 'delivered', nextAttemptAt: null });
    expect(delivery.attempts.map((a: { attempt: number; ok: boolean; responseStatus: number }) => [a.attempt, a.ok, a.responseStatus])).toEqual([
      [1, false, 500],
      [2, false, 500],
      [3, false, 500],
      [4, true, 200],
    ]);
    expect(delivery.deliveredAt).toBe(now.toISOString());
  });

  it('redelivers with the same webhook-id, and a deduplicating receiver processes it once', async () => {
    const p = await newPartner();
    const sub = await subscribe(p.auth);
    const { ids } = await statusChanged(p.id);
    await runOutboxOnce(t.database.db, deps);
    const res = await t.app.inject({ method: 'POST', url: `/v1/webhooks/${sub.id}/deliveries/${ids[0]}/redeliver`, headers: p.auth });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id: ids[0], status: 'pending' });
    expect((await runOutboxOnce(t.database.db, deps)).delivered).toBe(1);
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([ids[0], ids[0]]);
    expect(receiver.processed.size).toBe(1);

    const missing = await t.app.inject({ method: 'POST', url: `/v1/webhooks/${sub.id}/deliveries/${crypto.randomUUID()}/redeliver`, headers: p.auth });
    expect(missing.statusCode).toBe(404);
    const other = await newPartner();
    const foreign = await t.app.inject({ method: 'POST', url: `/v1/webhooks/${sub.id}/deliveries/${ids[0]}/redeliver`, headers: other.auth });
    expect(foreign.statusCode).toBe(404);
  });

  it('410 Gone disables the subscription: no more deliveries, redelivery refused', async () => {
    const p = await newPartner();
    const sub = await subscribe(p.auth);
    receiver.respond = () => 410;
    const first = await statusChanged(p.id, 'contacted');
    const second = await statusChanged(p.id, 'enrolled');
    const now = new Date();
    // Claimed one at a time so the second is still waiting when the first meets 410.
    await runOutboxOnce(t.database.db, { ...deps, batchSize: 1 }, now);
    expect(receiver.requests).toHaveLength(1);
    await runOutboxOnce(t.database.db, deps, at(now, 24 * 3600_000));
    expect(receiver.requests).toHaveLength(1);

    const list = (await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: p.auth })).json();
    expect(list.items[0]).toMatchObject({ id: sub.id });
    expect(list.items[0].disabledAt).not.toBeNull();
    const log = (await t.app.inject({ method: 'GET', url: `/v1/webhooks/${sub.id}/deliveries`, headers: p.auth })).json();
    expect(log.items.map((d: { status: string }) => d.status)).toEqual(['cancelled', 'cancelled']);
    expect((await statusChanged(p.id)).ids).toEqual([]);

    const redeliver = await t.app.inject({ method: 'POST', url: `/v1/webhooks/${sub.id}/deliveries/${first.ids[0]}/redeliver`, headers: p.auth });
    expect(redeliver.statusCode).toBe(409);
    expect(redeliver.json()).toMatchObject({ code: 'INVALID_STATE' });
    expect(second.ids).toHaveLength(1);
  });

  it('an event goes to every live subscription of that partner only', async () => {
    const a = await newPartner();
    const b = await newPartner();
    await subscribe(a.auth);
    await subscribe(a.auth);
    await subscribe(b.auth);
    const { ids } = await statusChanged(a.id);
    expect(ids).toHaveLength(2);
    await runOutboxOnce(t.database.db, deps);
    expect(receiver.requests).toHaveLength(2);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
  });

  it('an event goes only to subscriptions to that event, written in one statement with the same body for each', async () => {
    const p = await newPartner();
    await subscribe(p.auth);
    await subscribe(p.auth);
    const erasedOnly = await t.app.inject({ method: 'POST', url: '/v1/webhooks', headers: p.auth, payload: { url: receiver.url, events: ['referral.erased'] } });
    expect(erasedOnly.statusCode).toBe(201);
    const now = new Date();
    const { result, statements } = await t.recordQueries(() => statusChanged(p.id, 'contacted', undefined, now));
    // BEGIN and COMMIT are logged by node-postgres only.
    expect(statements.filter((s) => !/^\s*(begin|commit)\s*$/i.test(s))).toHaveLength(1);
    expect(result.ids).toHaveLength(2);
    await runOutboxOnce(t.database.db, deps, now);
    expect(receiver.requests).toHaveLength(2);
    const [a, b] = receiver.requests.map((r) => JSON.parse(r.body) as unknown);
    expect(a).toEqual({ type: 'referral.status_changed', timestamp: now.toISOString(), data: { referralId: result.referralId, status: 'contacted' } });
    expect(b).toEqual(a);
  });

  it('a referral made through the API reaches the partner as a signed referral.status_changed event', async () => {
    const p = await newPartner(['webhooks:manage', 'referrals:write']);
    const sub = await subscribe(p.auth);
    const referral = await t.app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: p.auth,
      payload: {
        person: { firstName: 'Rita', lastName: 'Bloggs', email: 'rita@example.org' },
        relationship: 'partner',
        consentToShare: true,
        referrer: { name: 'Jo Referrer', email: 'jo@partner.example' },
      },
    });
    expect(referral.statusCode).toBe(201);
    await runOutboxOnce(t.database.db, deps);
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    const { payload } = verifyWebhook(sub.secret, req.headers, req.body);
    expect(payload).toMatchObject({ type: 'referral.status_changed', data: { referralId: referral.json().id, status: 'received' } });
    // Thin: nothing about the person.
    expect(req.body).not.toMatch(/Rita|Bloggs|rita@|Jo Referrer/);
  });
});
