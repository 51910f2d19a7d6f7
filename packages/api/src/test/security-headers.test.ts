// Transport and browser: security headers, the CSP the console and /docs run under, CORS from config,
// no caching of API answers, and the refresh cookie's attributes with and without TLS.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { DEFAULT_CONSOLE_DIR } from '../lib/paths';
import { TEST_ADMIN, buildTestApp, type TestApp } from './build-test-app';

const ALLOWED_ORIGIN = 'https://console.harbour.example';

// A console build as Vite writes it: a module script and a stylesheet, both files under /assets.
const consoleDir = mkdtempSync(join(tmpdir(), 'harbour-console-'));
mkdirSync(join(consoleDir, 'assets'));
writeFileSync(
  join(consoleDir, 'index.html'),
  '<!doctype html><html><head><script type="module" crossorigin src="/assets/index-abc.js"></script>' +
    '<link rel="stylesheet" href="/assets/index-abc.css"></head><body><div id="root"></div></body></html>',
);
writeFileSync(join(consoleDir, 'assets', 'index-abc.js'), 'document.getElementById("root").textContent = "ok";');
writeFileSync(join(consoleDir, 'assets', 'index-abc.css'), 'body { margin: 0 }');

let t: TestApp;
/** The same database served without TLS (COOKIE_SECURE=false), no CORS origins. */
let plain: FastifyInstance;
let admin: Awaited<ReturnType<TestApp['staff']>>;

beforeAll(async () => {
  t = await buildTestApp({ COOKIE_SECURE: true, CORS_ORIGINS: [ALLOWED_ORIGIN], CONSOLE_DIR: consoleDir });
  plain = await buildApp({
    config: { ...t.config, COOKIE_SECURE: false, CORS_ORIGINS: [] },
    database: t.database,
    secrets: { jwtSecret: randomBytes(32).toString('hex') },
  });
  await plain.ready();
  admin = await t.staff(['admin']);
});
afterAll(async () => {
  await plain?.close();
  await t?.close();
  rmSync(consoleDir, { recursive: true, force: true });
});

/** The CSP as directive → sources. */
function csp(header: unknown): Map<string, string[]> {
  expect(typeof header, 'content-security-policy header').toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!.toLowerCase(), sources]),
  );
}

describe('security headers', () => {
  const answers = () => [
    { what: 'console page /', req: { method: 'GET' as const, url: '/', headers: { accept: 'text/html' } } },
    { what: 'console asset', req: { method: 'GET' as const, url: '/assets/index-abc.js' } },
    { what: '/v1 200', req: { method: 'GET' as const, url: '/v1/me', headers: admin.auth } },
    { what: '/v1 401', req: { method: 'GET' as const, url: '/v1/me' } },
    { what: '/v1 unknown path 404', req: { method: 'GET' as const, url: '/v1/no-such-thing' } },
    { what: '/health', req: { method: 'GET' as const, url: '/health' } },
  ];

  it('sends a strict CSP on console and API answers alike', async () => {
    for (const { what, req } of answers()) {
      const res = await t.app.inject(req);
      expect(res.statusCode, what).toBeLessThan(500);
      const policy = csp(res.headers['content-security-policy']);
      expect(policy.get('default-src'), what).toEqual(["'self'"]);
      expect(policy.get('script-src'), what).toEqual(["'self'"]);
      expect(policy.get('object-src'), what).toEqual(["'none'"]);
      expect(policy.get('frame-ancestors'), what).toEqual(["'none'"]);
      expect(policy.get('base-uri'), what).toEqual(["'self'"]);
      expect(policy.get('connect-src'), what).toEqual(["'self'"]);
    }
  });

  it('sends nosniff, no framing, no referrer, and HSTS only over TLS', async () => {
    for (const { what, req } of answers()) {
      const res = await t.app.inject(req);
      expect(res.headers['x-content-type-options'], what).toBe('nosniff');
      expect(res.headers['x-frame-options'], what).toBe('DENY');
      expect(res.headers['referrer-policy'], what).toBe('no-referrer');
      expect(String(res.headers['strict-transport-security']), what).toMatch(/max-age=\d{7,}/);
      expect(res.headers['x-powered-by'], what).toBeUndefined();
    }
    const overHttp = await plain.inject({ method: 'GET', url: '/health' });
    expect(overHttp.headers['strict-transport-security']).toBeUndefined();
  });

  it('serves a console page that runs under that CSP: scripts and styles from files, none inline', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/some/client/route', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('src="/assets/index-abc.js"');
    // The front page is the console for any client; another path only for a page request.
    const front = await t.app.inject({ method: 'GET', url: '/', headers: { accept: '*/*' } });
    expect(front.statusCode).toBe(200);
    expect(front.body).toContain('src="/assets/index-abc.js"');
    const elsewhere = await t.app.inject({ method: 'GET', url: '/some/client/route', headers: { accept: '*/*' } });
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.headers['content-type']).toMatch(/application\/problem\+json/);
    const script = await t.app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });

  it.skipIf(!existsSync(join(DEFAULT_CONSOLE_DIR, 'index.html')))('the built console has no inline script or handler the CSP would block', () => {
    const html = readFileSync(join(DEFAULT_CONSOLE_DIR, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/[^/]/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });

  it('serves /docs as a page whose scripts are files its own CSP allows', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const policy = csp(res.headers['content-security-policy']);
    expect(policy.get('script-src')).toContain("'self'");
    expect(policy.get('script-src')).not.toContain("'unsafe-eval'");
    expect(policy.get('object-src')).toEqual(["'none'"]);
    const scripts = [...res.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      const src = /\bsrc="([^"]+)"/.exec(attributes!)?.[1];
      expect(src, 'every script is a file').toBeDefined();
      expect(body!.trim()).toBe('');
      const file = await t.app.inject({ method: 'GET', url: new URL(src!, 'http://localhost/docs/').pathname });
      expect(file.statusCode, src).toBe(200);
    }
  });
});

describe('caching', () => {
  it('marks every /v1 answer no-store: success, created, refused, invalid and unknown', async () => {
    const cases = [
      await t.app.inject({ method: 'GET', url: '/v1/courses', headers: admin.auth }),
      await t.app.inject({ method: 'GET', url: '/v1/courses' }),
      await t.app.inject({ method: 'GET', url: '/v1/courses?limit=0', headers: admin.auth }),
      await t.app.inject({ method: 'GET', url: '/v1/no-such-thing', headers: admin.auth }),
      await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: TEST_ADMIN.email, password: 'wrong' } }),
      await t.app.inject({ method: 'GET', url: '/v1/courses', headers: { ...admin.auth, origin: ALLOWED_ORIGIN } }),
    ];
    expect(cases.map((r) => r.statusCode)).toEqual([200, 401, 400, 404, 401, 200]);
    for (const res of cases) expect(res.headers['cache-control'], `${res.statusCode}`).toBe('no-store');
  });
});

describe('CORS', () => {
  it('answers an allowed origin, with credentials, on requests and preflights', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/courses', headers: { ...admin.auth, origin: ALLOWED_ORIGIN } });
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(String(res.headers.vary)).toMatch(/origin/i);
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/participants',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.statusCode).toBeLessThan(300);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
  });

  it('gives any other origin no Access-Control-Allow-Origin', async () => {
    for (const origin of ['https://evil.example', 'https://console.harbour.example.evil.example', 'null']) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/courses', headers: { ...admin.auth, origin } });
      expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
      const preflight = await t.app.inject({ method: 'OPTIONS', url: '/v1/participants', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(preflight.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
    const noList = await plain.inject({ method: 'GET', url: '/health', headers: { origin: ALLOWED_ORIGIN } });
    expect(noList.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the refresh cookie', () => {
  const setCookieOf = (res: { headers: Record<string, unknown> }) => ([] as string[]).concat(res.headers['set-cookie'] as string | string[]).find((c) => /refresh=/.test(c));

  it('is __Host-harbour_refresh; Path=/; Secure; HttpOnly; SameSite=Strict over TLS', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: admin.email, password: admin.password } });
    expect(res.statusCode).toBe(200);
    const cookie = setCookieOf(res)!;
    expect(cookie).toMatch(/^__Host-harbour_refresh=[^;]+;/);
    const attributes = cookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['path=/', 'secure', 'httponly', 'samesite=strict']));
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('is harbour_refresh, HttpOnly and SameSite=Strict, without Secure, over plain HTTP', async () => {
    const res = await plain.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: admin.email, password: admin.password } });
    expect(res.statusCode).toBe(200);
    const cookie = setCookieOf(res)!;
    expect(cookie).toMatch(/^harbour_refresh=[^;]+;/);
    const attributes = cookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict']));
    expect(attributes).not.toContain('secure');
  });
});
