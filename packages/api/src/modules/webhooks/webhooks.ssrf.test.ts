// The SSRF guard with the production setting (WEBHOOK_ALLOW_PRIVATE unset): https only, and never a
// private, loopback, link-local or unique-local address, both when subscribing and when delivering.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxMessages, webhookSubscriptions } from '../../db/schema/index';
import { sealSecret } from '../../lib/sealed';
import { buildTestApp, TEST_ADMIN, type TestApp } from '../../test/build-test-app';
import { enqueue } from '../outbox/outbox.service';
import { runOutboxOnce } from '../outbox/worker';
import { newWebhookSecret } from './signing';
import { startTestReceiver, type TestReceiver } from './test-receiver';
import { isPrivateAddress } from './url-guard';

let t: TestApp;
let partner: { id: string; auth: { authorization: string } };
let receiver: TestReceiver;

beforeAll(async () => {
  t = await buildTestApp();
  expect(t.config.WEBHOOK_ALLOW_PRIVATE).toBe(false);
  const admin = { authorization: `Bearer ${await t.signIn(TEST_ADMIN.email, TEST_ADMIN.password)}` };
  const p = await t.app.inject({ method: 'POST', url: '/v1/partners', headers: admin, payload: { name: 'SSRF test partner' } });
  const key = await t.app.inject({ method: 'POST', url: `/v1/partners/${p.json().id}/api-keys`, headers: admin, payload: { scopes: ['webhooks:manage'] } });
  partner = { id: p.json().id, auth: { authorization: `Bearer ${key.json().key}` } };
  receiver = await startTestReceiver();
});
afterAll(async () => {
  await receiver.close();
  await t.close();
});

const subscribe = (url: string) =>
  t.app.inject({ method: 'POST', url: '/v1/webhooks', headers: partner.auth, payload: { url, events: ['referral.status_changed'] } });

describe('subscribing', () => {
  it.each([
    'https://127.0.0.1/hook',
    'https://127.1.2.3:8443/hook',
    'https://10.0.0.1/hook',
    'https://172.16.5.4/hook',
    'https://192.168.1.10/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://[::1]/hook',
    'https://[fe80::1]/hook',
    'https://[fd12:3456::1]/hook',
    'https://[::ffff:10.0.0.1]/hook',
    'https://[::ffff:7f00:1]/hook',
    'https://localhost/hook',
    'http://example.org/hook',
    'http://93.184.215.14/hook',
    'https://user:secret@93.184.215.14/hook',
  ])('refuses %s with 422 WEBHOOK_URL_NOT_ALLOWED', async (url) => {
    const res = await subscribe(url);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'WEBHOOK_URL_NOT_ALLOWED', status: 422 });
  });

  it('refuses a name that does not resolve', async () => {
    const res = await subscribe('https://no-such-host.invalid/hook');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'WEBHOOK_URL_NOT_ALLOWED' });
  });

  it('accepts an https URL on a public address', async () => {
    const res = await subscribe('https://93.184.215.14/hooks/harbour');
    expect(res.statusCode).toBe(201);
    expect(res.json().url).toBe('https://93.184.215.14/hooks/harbour');
    // Removed again: nothing in this file delivers to the internet.
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/webhooks/${res.json().id}`, headers: partner.auth })).statusCode).toBe(204);
  });

  it('knows which addresses are private', () => {
    for (const a of ['127.0.0.1', '10.1.1.1', '172.31.255.255', '192.168.0.1', '169.254.1.1', '::1', 'fe80::abcd', 'fc00::1', 'fd00::1', '::ffff:192.168.1.1', '::', '0.0.0.0']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPrivateAddress(a), a).toBe(false);
    }
  });
});

describe('delivering', () => {
  it('checks again at delivery time: a subscription pointing at a private address gets nothing sent', async () => {
    // As if the address had been allowed once (a changed setting, or a name re-pointed since).
    const [sub] = await t.database.db
      .insert(webhookSubscriptions)
      .values({ partnerId: partner.id, url: receiver.url, events: ['referral.status_changed'], secret: sealSecret(newWebhookSecret()) })
      .returning();
    const [id] = await t.database.db.transaction((tx) =>
      enqueue(tx, { kind: 'webhook', partnerId: partner.id, topic: 'referral.status_changed', payload: { referralId: crypto.randomUUID(), status: 'contacted' } }),
    );
    const run = await runOutboxOnce(t.database.db, { mailer: null, allowPrivateWebhooks: false });
    expect(run).toMatchObject({ claimed: 1, retrying: 1, delivered: 0 });
    expect(receiver.requests).toHaveLength(0);
    const [row] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.id, id!));
    expect(row).toMatchObject({ status: 'pending', subscriptionId: sub!.id });
    expect(row!.lastError).toContain('URL not allowed');
  });
});
