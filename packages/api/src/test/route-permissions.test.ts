// Permissions as data, checked from the route table: every /v1 route is called as nobody and as each
// staff role, and must allow or refuse exactly as the matrix in packages/shared says. Generated from
// the routes the app really registers, so a new route is covered (and must have a rule) automatically.
import { randomUUID } from 'node:crypto';
import type { RouteOptions } from 'fastify';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ACTIONS, STAFF_ROLES, can, type Action, type StaffRole } from '@harbour/shared';
import { buildTestApp } from './build-test-app';

// Every route the app registers, seen from the moment the Fastify instance exists (nothing hides).
const seen = vi.hoisted(() => ({ routes: [] as RouteOptions[] }));
vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<typeof import('fastify')>();
  const create = ((opts?: object) => {
    const app = mod.default(opts);
    app.addHook('onRoute', (route) => void seen.routes.push(route));
    return app;
  }) as typeof mod.default;
  return { ...mod, default: create, fastify: create };
});

const t = await buildTestApp();
afterAll(async () => t.close());

const users = new Map<StaffRole, { email: string; password: string; auth: { authorization: string } }>();
for (const role of STAFF_ROLES) users.set(role, await t.staff([role], `Matrix ${role}`));

interface Call {
  method: string;
  url: string;
  access: Record<string, unknown> | undefined;
}

const calls: Call[] = seen.routes
  .filter((r) => r.url.startsWith('/v1/'))
  .flatMap((r) =>
    ([] as string[]).concat(r.method).map((method) => ({ method, url: r.url, access: r.config?.access as Record<string, unknown> | undefined })),
  );

/** Syntactically valid placeholders: a fresh UUID per path parameter (so 404 is a fine "allowed"). */
const concrete = (url: string) => url.replace(/:[A-Za-z0-9_]+/g, () => randomUUID()).replace(/\*/g, 'x');

async function call(method: string, url: string, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: method as 'GET', url, headers });
  return { status: res.statusCode, code: String(res.headers['content-type'] ?? '').includes('json') && res.body ? (res.json() as { code?: string }).code : undefined };
}

/** As a role; an allowed call answered 401 is retried once after signing in again (an earlier route may have ended the session). */
async function callAs(role: StaffRole, method: string, url: string) {
  const user = users.get(role)!;
  const first = await call(method, url, user.auth);
  if (first.status !== 401) return first;
  user.auth = { authorization: `Bearer ${await t.signIn(user.email, user.password)}` };
  return call(method, url, user.auth);
}

describe('the route table', () => {
  it('has /v1 routes, each with an access rule naming a known action (or public)', () => {
    expect(calls.length).toBeGreaterThan(20);
    for (const c of calls) {
      expect(c.access, `${c.method} ${c.url}`).toBeDefined();
      if (c.access && 'action' in c.access) expect(ACTIONS, `${c.method} ${c.url}`).toContain(c.access.action);
      if (c.access && !('action' in c.access)) expect('public' in c.access || 'partner' in c.access, `${c.method} ${c.url}`).toBe(true);
    }
  });

  it('includes every /v1 operation of the OpenAPI document', () => {
    const paths = (t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
    const registered = new Set(calls.map((c) => `${c.method} ${c.url}`));
    const v1 = Object.entries(paths).filter(([path]) => path.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThan(20);
    for (const [path, operations] of v1) {
      for (const method of Object.keys(operations)) {
        expect(registered, `${method} ${path}`).toContain(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`);
      }
    }
  });
});

describe.each(calls)('$method $url', ({ method, url, access }) => {
  const isPublic = Boolean(access && 'public' in access);
  const action = access && 'action' in access ? (access.action as Action) : undefined;

  it(isPublic ? 'is public: nobody is not refused' : 'refuses nobody with 401', async () => {
    const res = await call(method, concrete(url));
    if (isPublic) expect(res.status).not.toBe(403);
    else expect(res.status).toBe(401);
    expect(res.status).toBeLessThan(500);
  });

  it.skipIf(isPublic).each(STAFF_ROLES)('as %s: as the permission matrix says', async (role) => {
    // A partner-only route (no staff action) refuses every staff token.
    const allowed = action !== undefined && can([role], action);
    const res = await callAs(role, method, concrete(url));
    if (allowed) expect([401, 403], `${role} may ${action}`).not.toContain(res.status);
    else {
      expect(res.status, `${role} may not ${action ?? 'call a partner route'}`).toBe(403);
      if (method !== 'HEAD') expect(res.code).toBe('FORBIDDEN');
    }
    expect(res.status).toBeLessThan(500);
  });
});
