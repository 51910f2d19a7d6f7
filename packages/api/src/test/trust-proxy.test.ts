// Who the client is, behind a load balancer: the address the nearest trusted proxy saw, never one the
// client wrote into X-Forwarded-For itself (that would let it slip past sign-in throttling at will).
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { auditEvents } from '../db/schema/index';
import { buildTestApp, type TestApp } from './build-test-app';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The address Harbour recorded for a failed sign-in sent through a proxy at 10.0.0.5. */
async function recordedAddress(trustProxy: string, forwardedFor: string): Promise<string | null> {
  t = await buildTestApp({ TRUST_PROXY: loadConfig({ TRUST_PROXY: trustProxy }).TRUST_PROXY });
  const requestId = `trust-${randomUUID()}`;
  await t.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email: 'nobody@example.org', password: 'not the password' },
    remoteAddress: '10.0.0.5',
    headers: { 'x-forwarded-for': forwardedFor, 'x-request-id': requestId },
  });
  const [event] = await t.database.db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId));
  return event?.ip ?? null;
}

describe('TRUST_PROXY', () => {
  it('a hop count takes the address the load balancer saw, not one the client wrote', async () => {
    expect(await recordedAddress('1', '203.0.113.66, 198.51.100.7')).toBe('198.51.100.7');
  });

  it('a list of proxy addresses or ranges trusts only those', async () => {
    expect(await recordedAddress('10.0.0.0/8', '203.0.113.66, 198.51.100.7')).toBe('198.51.100.7');
    await t?.close();
    expect(await recordedAddress('192.0.2.1', '203.0.113.66')).toBe('10.0.0.5');
  });

  it('by default trusts no header at all', async () => {
    expect(await recordedAddress('false', '203.0.113.66')).toBe('10.0.0.5');
  });

  it('refuses a value it cannot read', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'the load balancer' })).toThrow(/TRUST_PROXY/);
  });
});
