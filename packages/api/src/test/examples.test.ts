// The partner examples (examples/) run as a partner's developer would run them: as separate processes
// against the real server process (started from source with tsx, on a fresh database). If an example
// goes stale against the API, this fails.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../modules/webhooks/signing';
import {
  SERVER_START_TIMEOUT_MS as START_TIMEOUT_MS,
  freePort,
  freshPostgresDatabase,
  repoRoot,
  start as startProcess,
  startServer,
  stop,
  tsxArgs,
  type Proc,
} from './server-process';

const examplesDir = join(repoRoot, 'examples');
const RUN_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 150_000;

const curlAvailable = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
if (!curlAvailable) console.warn('examples.test.ts: curl is not installed, so examples/curl/refer.sh is not run (apt-get install -y curl).');

const started: Proc[] = [];

function start(command: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Proc {
  const proc = startProcess(command, args, opts);
  started.push(proc);
  return proc;
}

/** Runs a command to its end; fails the test with its output when it takes too long. */
async function run(command: string, args: string[], opts: { cwd: string; env: Record<string, string> }) {
  const proc = start(command, args, opts);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, output: proc.output() };
}

let baseUrl: string;
let server: Proc;
let dataDir: string;
let dropDatabase: (() => Promise<void>) | undefined;
let admin: Record<string, string>;
let partnerKey: string;
let readOnlyKey: string;

async function api<T = Record<string, unknown>>(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

async function expectStatus<T>(promise: Promise<{ status: number; body: T }>, status: number, what: string): Promise<T> {
  const res = await promise;
  if (res.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function referralCount(): Promise<number> {
  const list = await expectStatus(api<{ items: unknown[] }>('GET', '/v1/referrals?limit=100', bearer(partnerKey)), 200, 'list referrals');
  return list.items.length;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'harbour-examples-'));
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_EMAIL: 'examples-admin@example.org',
    ADMIN_PASSWORD: `Ex-${randomBytes(18).toString('base64url')}`,
    MFA_REQUIRED: 'false',
    SEED_DEMO: 'false',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    JWT_SECRET: randomBytes(36).toString('base64url'),
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_MS: '200',
    PARTNER_RATE_LIMIT_PER_MINUTE: '600',
    CONSOLE_DIR: join(dataDir, 'no-console'),
  };
  if (process.env.TEST_DATABASE_URL) {
    const fresh = await freshPostgresDatabase(process.env.TEST_DATABASE_URL, 'harbour_ex');
    dropDatabase = fresh.drop;
    env.DATABASE_URL = fresh.url;
  }

  const running = await startServer(env);
  server = running.proc;
  started.push(server);
  baseUrl = running.baseUrl;

  const login = await expectStatus(
    api<{ accessToken: string }>('POST', '/v1/auth/login', {}, { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }),
    200,
    'admin sign-in',
  );
  admin = bearer(login.accessToken);
  const partner = await expectStatus(api<{ id: string }>('POST', '/v1/partners', admin, { name: 'Examples Probation Service' }), 201, 'create partner');
  const key = await expectStatus(
    api<{ key: string }>('POST', `/v1/partners/${partner.id}/api-keys`, admin, {
      scopes: ['referrals:write', 'referrals:read', 'webhooks:manage'],
      label: 'examples',
    }),
    201,
    'issue API key',
  );
  partnerKey = key.key;
  const readOnly = await expectStatus(
    api<{ key: string }>('POST', `/v1/partners/${partner.id}/api-keys`, admin, { scopes: ['referrals:read'] }),
    201,
    'issue read-only API key',
  );
  readOnlyKey = readOnly.key;
}, START_TIMEOUT_MS + 30_000);

afterAll(async () => {
  await Promise.all(started.map(stop));
  await dropDatabase?.();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const exampleEnv = (extra: Record<string, string> = {}) => ({ HARBOUR_URL: baseUrl, HARBOUR_API_KEY: partnerKey, ...extra });

describe('examples/curl/refer.sh', () => {
  it.skipIf(!curlAvailable)('creates a referral, gets the same one back when the request is repeated with its Idempotency-Key, and reads its status', async () => {
    const before = await referralCount();
    const { code, output } = await run('bash', [join(examplesDir, 'curl/refer.sh')], {
      cwd: examplesDir,
      env: exampleEnv({ POLL_TIMES: '1', POLL_INTERVAL: '0' }),
    });
    expect(code, output).toBe(0);
    const id = output.match(/Created referral ([0-9a-f-]{36}) \(status: received, HTTP 201\)/)?.[1];
    expect(id, output).toBeDefined();
    expect(output).toContain(`Sent again with the same Idempotency-Key: referral ${id} (HTTP 201, idempotent-replayed: true)`);
    expect(output).toContain(`Status of referral ${id}: received`);
    expect(await referralCount()).toBe(before + 1);
  }, TEST_TIMEOUT_MS);

  it.skipIf(!curlAvailable)('stops with the problem’s title, detail and code when Harbour says no', async () => {
    const { code, output } = await run('bash', [join(examplesDir, 'curl/refer.sh')], {
      cwd: examplesDir,
      env: exampleEnv({ HARBOUR_API_KEY: readOnlyKey }),
    });
    expect(code, output).toBe(1);
    expect(output).toMatch(/Harbour answered 403: .+: This API key does not have the "referrals:write" scope\. \[FORBIDDEN\]/);
    expect(output).not.toContain('Created referral');
  }, TEST_TIMEOUT_MS);
});

describe('examples/typescript/refer.ts', () => {
  it('creates a referral with an Idempotency-Key, is replayed the same referral, and polls until staff move it on', async () => {
    const before = await referralCount();
    const proc = start(process.execPath, tsxArgs('typescript/refer.ts'), {
      cwd: examplesDir,
      env: exampleEnv({ POLL_TIMES: '120', POLL_INTERVAL: '0.25' }),
    });
    const [, id] = await proc.waitFor(/Created referral ([0-9a-f-]{36}) \(status: received, HTTP 201\)/, RUN_TIMEOUT_MS, 'the referral to be created');
    await proc.waitFor(/Status of referral [0-9a-f-]{36}: received/, RUN_TIMEOUT_MS, 'the first poll');
    expect(proc.output()).toContain(`Sent again with the same Idempotency-Key: referral ${id} (HTTP 201, idempotent-replayed: true)`);

    await expectStatus(api('POST', `/v1/referrals/${id}/status`, admin, { status: 'contacted' }), 200, 'staff mark the referral contacted');
    await proc.waitFor(new RegExp(`Status of referral ${id}: contacted`), RUN_TIMEOUT_MS, 'polling to see the new status');
    expect(await proc.exited, proc.output()).toBe(0);
    expect(await referralCount()).toBe(before + 1);
  }, TEST_TIMEOUT_MS);

  it('exits non-zero with the problem’s title, detail and code when Harbour says no', async () => {
    const { code, output } = await run(process.execPath, tsxArgs('typescript/refer.ts'), {
      cwd: examplesDir,
      env: exampleEnv({ HARBOUR_API_KEY: readOnlyKey }),
    });
    expect(code, output).toBe(1);
    expect(output).toMatch(/Harbour answered 403: .+: This API key does not have the "referrals:write" scope\. \[FORBIDDEN\]/);
  }, TEST_TIMEOUT_MS);
});

describe('examples/typescript/webhook-receiver.ts', () => {
  it('verifies the signed delivery of a status change, ignores a repeat, and refuses forgeries with 400', async () => {
    const port = await freePort();
    const receiverUrl = `http://127.0.0.1:${port}/webhooks/harbour`;
    const subscription = await expectStatus(
      api<{ id: string; secret: string }>('POST', '/v1/webhooks', bearer(partnerKey), { url: receiverUrl, events: ['referral.status_changed'] }),
      201,
      'subscribe',
    );
    const receiver = start(process.execPath, tsxArgs('typescript/webhook-receiver.ts'), {
      cwd: examplesDir,
      env: { HARBOUR_WEBHOOK_SECRET: subscription.secret, PORT: String(port) },
    });
    await receiver.waitFor(/Webhook receiver listening on/, RUN_TIMEOUT_MS, 'the receiver to listen');

    const referral = await expectStatus(
      api<{ id: string }>('POST', '/v1/referrals', bearer(partnerKey), {
        person: { firstName: 'Robin', lastName: 'Example', email: 'robin.example@example.org' },
        relationship: 'parent',
        consentToShare: true,
        referrer: { name: 'Sam Caseworker', email: 'sam.caseworker@example.org' },
      }),
      201,
      'create referral',
    );
    await expectStatus(api('POST', `/v1/referrals/${referral.id}/status`, admin, { status: 'contacted' }), 200, 'staff mark the referral contacted');
    // Creating the referral is an event too ("is now received (a new referral)"); this is the change.
    const [, webhookId] = await receiver.waitFor(
      new RegExp(`Verified referral\\.status_changed (\\S+): referral ${referral.id} is now contacted \\(was received\\)`),
      30_000,
      'the receiver to verify the delivery',
    );

    // Harbour's delivery log agrees: delivered, answered 204. The worker records the attempt just after
    // the receiver has answered, so the log may lag the receiver by a moment: ask until it agrees.
    type DeliveryLog = { items: { id: string; status: string; attempts: { responseStatus: number | null }[] }[] };
    let delivery: DeliveryLog['items'][number] | undefined;
    for (let tries = 0; tries < 50; tries++) {
      const deliveries = await expectStatus(api<DeliveryLog>('GET', `/v1/webhooks/${subscription.id}/deliveries`, bearer(partnerKey)), 200, 'delivery log');
      delivery = deliveries.items.find((d) => d.id === webhookId);
      if (delivery?.status === 'delivered') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(delivery).toMatchObject({ status: 'delivered', attempts: [{ responseStatus: 204 }] });

    const post = (headers: Record<string, string>, body: string) =>
      fetch(receiverUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(10_000) }).then(
        (r) => r.status,
      );
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'referral.status_changed', timestamp: new Date().toISOString(), data: { referralId: randomUUID(), status: 'enrolled', previousStatus: 'contacted' } });
    const signed = (id: string, at: number, payload = body, secret = subscription.secret) => ({
      'webhook-id': id,
      'webhook-timestamp': String(at),
      'webhook-signature': signWebhook(secret, id, at, payload),
    });

    const forgedId = `msg_${randomUUID()}`;
    expect(await post({ 'webhook-id': forgedId, 'webhook-timestamp': String(now), 'webhook-signature': `v1,${randomBytes(32).toString('base64')}` }, body), 'random signature').toBe(400);
    expect(await post(signed(forgedId, now, body, `whsec_${randomBytes(32).toString('base64')}`), body), 'signed with another secret').toBe(400);
    expect(await post(signed(forgedId, now, body), body.replace('enrolled', 'completed')), 'body changed after signing').toBe(400);
    expect(await post(signed(forgedId, now - 6 * 60), body), 'signed 6 minutes ago').toBe(400);
    expect(await post({}, body), 'no signature headers').toBe(400);
    expect(receiver.output()).not.toContain(forgedId);

    // The real delivery sent again (as a retry or redelivery would be): answered 204, not processed twice.
    await expectStatus(
      api('POST', `/v1/webhooks/${subscription.id}/deliveries/${webhookId}/redeliver`, bearer(partnerKey)),
      202,
      'redeliver',
    );
    await receiver.waitFor(new RegExp(`Duplicate ${webhookId}: already processed, ignored`), 30_000, 'the redelivery to be recognised as a duplicate');
    expect(receiver.output().match(new RegExp(`Verified referral\\.status_changed ${webhookId}`, 'g'))).toHaveLength(1);
  }, TEST_TIMEOUT_MS);
});
