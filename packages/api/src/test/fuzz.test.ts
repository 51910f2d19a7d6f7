// Contract fuzzing: for every operation of the app's own OpenAPI document, fast-check generates
// requests (valid, boundary and invalid bodies, path params and queries; as an admin, as a partner,
// without credentials) against the running app. Whatever it sends: never a 5xx; every error is
// problem+json with a shared code; every 2xx is documented and its body validates against the
// documented schema; and the routes the server has are exactly the routes the document lists.
// CI runs a fixed seed and FUZZ_RUNS (default 25) runs per operation; `pnpm fuzz` runs longer.
import { randomUUID } from 'node:crypto';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@harbour/shared';
import { buildTestApp, TEST_ADMIN, type TestApp } from './build-test-app';
import { createOpenCohort } from './factories';

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | Schema;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}
interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 25);
fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 42), numRuns: FUZZ_RUNS, endOnFailure: true });

const ERROR_CODE_SET = new Set<string>(ERROR_CODES);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

let t: TestApp;
let doc: OpenApiDocument;
const auth: Record<'admin' | 'partner' | 'none' | 'bogus', Record<string, string>> = {
  admin: {},
  partner: {},
  none: {},
  bogus: { authorization: 'Bearer not-a-real-token' },
};
/** Real ids by the collection their path segment names (`cohorts`, `enrolments`, ...), so handlers go deep. */
const ids: Record<string, string[]> = {};
const addId = (pool: string, id: unknown) => {
  if (typeof id === 'string') (ids[pool] ??= []).push(id);
};

beforeAll(async () => {
  t = await buildTestApp({
    PARTNER_RATE_LIMIT_PER_MINUTE: 1_000_000,
    LOGIN_MAX_FAILURES_PER_MINUTE: 1_000_000,
    WEBHOOK_ALLOW_PRIVATE: true,
    // Load shedding measures this busy test process, not the app: off, so a 503 can only be a defect.
    UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: 0,
    // FUZZ_LOG=1 shows the server's error log (ids only, no personal data) when a 5xx needs explaining.
    LOG_LEVEL: process.env.FUZZ_LOG ? 'error' : 'silent',
  });
  auth.admin = { authorization: `Bearer ${await t.signIn(TEST_ADMIN.email, TEST_ADMIN.password)}` };
  const call = async (method: InjectOptions['method'], url: string, payload?: unknown, headers = auth.admin) => {
    const res = await t.app.inject({ method, url, payload: payload as InjectOptions['payload'], headers });
    if (res.statusCode >= 300) throw new Error(`seeding ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };

  // Seeded data of every kind, in several states: the generated requests name these as well as random ids.
  const { cohort: open, course, sessions } = await createOpenCohort(t, { max: 8, min: 1 });
  const { cohort: draft } = await createOpenCohort(t, { status: 'draft' });
  const { cohort: started, sessions: pastSessions } = await createOpenCohort(t, { status: 'in_progress', firstSessionAt: new Date(Date.now() - 86_400_000) });
  // People and declarations through the API (factory declarations carry no real, encrypted answers).
  const version = await call('GET', `/v1/declaration-versions/current?courseId=${course.id}`);
  addId('declarations', version.id);
  const person = async (i: number, unsure: boolean) => {
    const p = await call('POST', '/v1/participants', { firstName: `Fuzz${i}`, lastName: 'Person', email: `fuzz-${i}@example.org`, relationship: 'partner' });
    await call('POST', `/v1/participants/${p.id}/declarations`, {
      declarationVersionId: version.id,
      channel: 'staff',
      answers: { offenceInvolvesImages: 'yes', accusedOfContactOffence: 'no', accusedOfOnlineContactWithChild: unsure ? 'unsure' : 'no', accusedOfGrooming: 'no' },
    });
    return p as { id: string };
  };
  const people: { id: string }[] = [];
  for (let i = 0; i < 12; i++) people.push(await person(i, false));
  const review = await person(12, true);
  for (const c of [open, draft, started]) addId('cohorts', c.id);
  addId('courses', course.id);
  for (const s of [...sessions, ...pastSessions]) addId('sessions', s.id);
  for (const p of [...people, review!]) addId('participants', p.id);
  for (const p of people.slice(0, 10)) addId('enrolments', (await call('POST', `/v1/cohorts/${open.id}/enrolments`, { participantId: p.id })).id);
  await call('POST', `/v1/enrolments/${ids.enrolments![0]}/withdraw`); // frees a seat: someone is offered it
  const declarations = await call('GET', `/v1/participants/${review!.id}/declarations`);
  for (const d of declarations.items) addId('declarations', d.id);
  const pending = await call('GET', '/v1/declarations');
  for (const d of pending.items) addId('declarations', d.id);

  const victim = await t.staff(['facilitator']);
  addId('users', victim.id); // never the admin itself: fuzzing must not lock its own caller out
  const partner = await call('POST', '/v1/partners', { name: 'Fuzz Partner' });
  addId('partners', partner.id);
  const key = await call('POST', `/v1/partners/${partner.id}/api-keys`, { scopes: ['referrals:write', 'referrals:read', 'webhooks:manage'] });
  auth.partner = { authorization: `Bearer ${key.key}` };
  const spare = await call('POST', `/v1/partners/${partner.id}/api-keys`, { scopes: ['referrals:read'] });
  addId('api-keys', spare.id); // revocable; the key used for fuzzing is not in the pool
  const hook = await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/harbour', events: ['referral.status_changed'] }, auth.partner);
  addId('webhooks', hook.id);
  const referral = await call(
    'POST',
    '/v1/referrals',
    {
      person: { firstName: 'Fuzz', lastName: 'Person', email: 'fuzz.person@example.org' },
      relationship: 'partner',
      consentToShare: true,
      referrer: { name: 'Fuzz Referrer', email: 'fuzz.referrer@example.org' },
    },
    auth.partner,
  );
  addId('referrals', referral.id);
  const deliveries = await call('GET', `/v1/webhooks/${hook.id}/deliveries`, undefined, auth.partner);
  for (const d of deliveries.items) addId('deliveries', d.id);
  const concern = await call('POST', '/v1/safeguarding-concerns', { participantId: people[0]!.id, cohortId: open.id, summary: 'Fuzz concern' }).catch(() => null);
  if (concern) addId('safeguarding-concerns', concern.id);

  const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  doc = res.json();
}, 180_000);
afterAll(async () => t?.close());

// ---------------------------------------------------------------------------------------------
// JSON Schema → fast-check arbitraries

function resolve(schema: Schema): Schema {
  let s = schema;
  for (let depth = 0; s.$ref && depth < 10; depth++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    const next = doc.components.schemas[name];
    if (!next) throw new Error(`unknown $ref ${s.$ref}`);
    s = next;
  }
  return s;
}

const typesOf = (s: Schema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

function stringArb(s: Schema, idPool?: string[]): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.max(min, s.maxLength ?? 40);
  switch (s.format) {
    case 'uuid':
      return idPool?.length ? fc.oneof(fc.constantFrom(...idPool), fc.uuid({ version: 4 })) : fc.uuid({ version: 4 });
    case 'date-time':
      return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'email':
      return fc
        .tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,12}[a-z0-9]$/), fc.constantFrom('example.org', 'harbour.test', 'probation.example.gov.uk'))
        .map(([local, domain]) => `${local.replace(/\.\.+/g, '.')}@${domain}`);
    case 'uri':
      // Loopback only: a webhook URL is resolved, and tests reach nothing beyond this machine.
      return fc.constantFrom('http://127.0.0.1:9/harbour', 'https://127.0.0.1/x', 'http://localhost:9/hook', 'ftp://127.0.0.1/x', 'http://[::1]:9/');
  }
  if (s.pattern) {
    try {
      const re = new RegExp(s.pattern);
      return fc.stringMatching(re).filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
    } catch {
      // a pattern fast-check cannot generate from: plain strings below
    }
  }
  return fc.oneof(
    { weight: 6, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, min + 40) }) },
    { weight: 1, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, min + 20), unit: 'binary' }) },
    // Boundaries: the shortest and the longest accepted.
    { weight: 1, arbitrary: fc.constant('x'.repeat(Math.max(min, 1) <= max ? Math.max(min, 1) : min)) },
    { weight: 1, arbitrary: fc.constant('y'.repeat(Math.min(max, 5000))) },
  );
}

/** Values the schema accepts (mostly; a few refinements, such as "email or phone", are not in the schema). */
function validArb(schema: Schema, depth = 0, pool?: string[]): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if ('const' in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.anyOf || s.oneOf) return fc.oneof(...(s.anyOf ?? s.oneOf)!.map((x) => validArb(x, depth + 1, pool)));
  if (s.allOf?.length) return validArb(s.allOf[0]!, depth + 1, pool);
  const types = typesOf(s);
  if (types.length > 1) return fc.oneof(...types.map((type) => validArb({ ...s, type }, depth + 1, pool)));
  switch (types[0]) {
    case 'string':
      return stringArb(s, pool);
    case 'integer': {
      const min = s.minimum ?? -1000;
      const max = s.maximum ?? 100_000;
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
    }
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = s.minItems ?? 0;
      return fc.array(validArb(s.items ?? {}, depth + 1, pool), { minLength, maxLength: Math.max(minLength, Math.min(s.maxItems ?? 4, 4)) });
    }
    case 'object': {
      if (depth > 6) return fc.constant({});
      const props = s.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validArb(v, depth + 1, idsFor(k) ?? pool)]));
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Ids in bodies and queries by field name (participantId, cohortId, ...). */
function idsFor(field: string): string[] | undefined {
  const m = /^(.*)Id$/.exec(field);
  if (!m) return undefined;
  const pool = { participant: 'participants', cohort: 'cohorts', course: 'courses', enrolment: 'enrolments', declarationVersion: 'declarations', partner: 'partners', actor: 'users', session: 'sessions' }[m[1]!];
  return pool ? ids[pool] : undefined;
}

/** Values just outside what the schema accepts: the boundaries and the wrong types. */
function invalidLeafArb(schema: Schema): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const options: unknown[] = [null, true, -1, 1.5, 'not-valid', '', ' ', [], {}, '\u0000', 'x'.repeat(10_001), 2 ** 53, -(2 ** 31)];
  if (s.maxLength !== undefined) options.push('z'.repeat(s.maxLength + 1));
  if (s.minLength) options.push('z'.repeat(s.minLength - 1));
  if (s.minimum !== undefined) options.push(s.minimum - 1);
  if (s.maximum !== undefined) options.push(s.maximum + 1);
  if (s.format === 'uuid') options.push('00000000-0000-0000-0000-00000000000g', randomUUID().toUpperCase() + 'x');
  if (s.format === 'date-time') options.push('2027-13-45T25:61:00Z', '2027-01-14', '2027-01-14T18:00:00', '0000-00-00T00:00:00Z');
  if (s.format === 'email') options.push('no-at-sign', 'a@b', '@example.org');
  if (s.enum) options.push(`${String(s.enum[0])}-nope`, String(s.enum[0]).toUpperCase());
  if (s.maxItems !== undefined) options.push(Array.from({ length: s.maxItems + 1 }, () => ({})));
  return fc.oneof(fc.constantFrom(...options), fc.jsonValue({ maxDepth: 2 }));
}

type Node = Record<string, unknown> | unknown[];
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object';

/** A valid value with one thing wrong somewhere in it: a field dropped, added, or replaced by a bad value. */
function invalidArb(schema: Schema): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      validArb(schema),
      fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
      fc.constantFrom('drop', 'extra', 'replace', 'replace', 'whole'),
      fc.jsonValue({ maxDepth: 1 }),
      fc.nat(),
    )
    .chain(([value, picks, how, junk, depthPick]) => {
      if (how === 'whole' || !isNode(value)) return invalidLeafArb(schema);
      // A path a few levels down into the value, and the schema of what is there.
      const path: string[] = [];
      let node: Node = value;
      let sub = resolve(schema);
      let leaf: Schema = sub;
      const depth = 1 + (depthPick % 3);
      for (let i = 0; i < depth; i++) {
        const keys = Object.keys(node);
        if (keys.length === 0) break;
        const k = keys[picks[i]! % keys.length]!;
        path.push(k);
        leaf = Array.isArray(node) ? resolve(sub.items ?? {}) : resolve(sub.properties?.[k] ?? {});
        const child: unknown = (node as Record<string, unknown>)[k];
        if (!isNode(child)) break;
        node = child;
        sub = leaf;
      }
      const at = (copy: Node, fn: (parent: Node, key: string | undefined) => void): Node => {
        let parent = copy;
        for (const k of path.slice(0, -1)) parent = (parent as Record<string, unknown>)[k] as Node;
        fn(parent, path[path.length - 1]);
        return copy;
      };
      const copy = structuredClone(value);
      if (how === 'extra' || path.length === 0) {
        return fc.constant(
          at(copy, (parent) => {
            if (Array.isArray(parent)) parent.push(junk);
            else parent[`unexpected_${depthPick % 7}`] = junk;
          }),
        );
      }
      if (how === 'drop') {
        return fc.constant(
          at(copy, (parent, k) => {
            if (Array.isArray(parent)) parent.splice(Number(k), 1);
            else delete parent[k!];
          }),
        );
      }
      return invalidLeafArb(leaf).map((bad) =>
        at(structuredClone(value), (parent, k) => {
          (parent as Record<string, unknown>)[k!] = bad;
        }),
      );
    });
}

// ---------------------------------------------------------------------------------------------
// Requests

interface FuzzRequest {
  method: string;
  url: string;
  who: keyof typeof auth;
  headers: Record<string, string>;
  /** undefined: no body; a string: sent as is (malformed JSON, wrong content type). */
  body?: unknown;
  raw?: { payload: string; contentType: string };
  etagOf?: string;
}

function poolForPath(path: string, param: string): string[] | undefined {
  if (param === 'deliveryId') return ids.deliveries;
  if (param === 'keyId') return ids['api-keys'];
  const segments = path.split('/');
  const at = segments.indexOf(`{${param}}`);
  return at > 0 ? ids[segments[at - 1]!] : undefined;
}

function requestArb(path: string, method: string, op: Operation): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters ?? [];
  const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
  const who: fc.Arbitrary<keyof typeof auth> =
    schemes.length === 0
      ? fc.constantFrom('none', 'admin')
      : fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...(schemes.map((s) => (s === 'partnerKey' ? 'partner' : 'admin')) as ('admin' | 'partner')[])) },
          { weight: 1, arbitrary: fc.constant('none' as const) },
          { weight: 1, arbitrary: fc.constantFrom('bogus' as const, schemes.includes('partnerKey') ? ('admin' as const) : ('partner' as const)) },
        );

  const pathValues = fc.record(
    Object.fromEntries(
      params
        .filter((p) => p.in === 'path')
        .map((p) => {
          const pool = poolForPath(path, p.name);
          return [
            p.name,
            fc.oneof(
              { weight: pool?.length ? 6 : 0, arbitrary: pool?.length ? fc.constantFrom(...pool) : fc.constant('') },
              { weight: 3, arbitrary: fc.uuid({ version: 4 }) },
              // Not '.' or '..': every client resolves those dot-segments before sending (RFC 3986 §5.2.4), so
              // `/v1/participants/../declarations` is a request for another operation, `/v1/declarations`.
              { weight: 1, arbitrary: fc.constantFrom('not-a-uuid', '123', '%20', 'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ', '...', 'a'.repeat(300)) },
            ),
          ];
        }),
    ),
  ) as fc.Arbitrary<Record<string, string>>;

  const queryValues = fc.record(
    Object.fromEntries(
      params
        .filter((p) => p.in === 'query')
        .map((p) => [
          p.name,
          fc.oneof(
            { weight: 4, arbitrary: fc.constant(undefined) },
            { weight: 5, arbitrary: validArb(p.schema, 0, idsFor(p.name)).map(String) },
            { weight: 2, arbitrary: invalidLeafArb(p.schema).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) },
          ),
        ]),
    ),
  ) as fc.Arbitrary<Record<string, string | undefined>>;
  const extraQuery = fc.option(fc.tuple(fc.constantFrom('unknown', 'limit', 'cursor', '__proto__'), fc.string({ maxLength: 30 })), { freq: 6 });

  const headerValues = fc.record(
    Object.fromEntries(
      params
        .filter((p) => p.in === 'header')
        .map((p) => [
          p.name,
          p.name === 'if-match'
            ? fc.constantFrom(undefined, 'CURRENT', 'CURRENT', '*', 'W/"0"', '"nonsense"', 'W/"999999"')
            : fc.oneof(fc.constant(undefined), validArb(p.schema).map(String), fc.constantFrom('', ' ', '"quoted"', 'x'.repeat(300), 'ümlaut')),
        ]),
    ),
  ) as fc.Arbitrary<Record<string, string | undefined>>;

  const jsonSchema = op.requestBody?.content['application/json']?.schema;
  const bodyArb: fc.Arbitrary<Pick<FuzzRequest, 'body' | 'raw'>> = jsonSchema
    ? fc.oneof(
        { weight: 6, arbitrary: validArb(jsonSchema).map((body) => ({ body })) },
        { weight: 4, arbitrary: invalidArb(jsonSchema).map((body) => ({ body })) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            { raw: { payload: '{"unterminated": ', contentType: 'application/json' } },
            { raw: { payload: 'not json at all', contentType: 'application/json' } },
            { raw: { payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' } },
            { raw: { payload: '<xml/>', contentType: 'text/xml' } },
            { raw: { payload: '', contentType: 'application/json' } },
            { body: undefined },
          ),
        },
      )
    : method === 'get' || method === 'delete'
      ? fc.constant({})
      : fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((body) => ({ body })) });

  return fc.tuple(who, pathValues, queryValues, extraQuery, headerValues, bodyArb).map(([caller, pv, qv, extra, hv, b]) => {
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pv[name] ?? ''));
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(qv)) if (v !== undefined) query.append(k, v);
    if (extra) query.append(extra[0], extra[1]);
    const headers: Record<string, string> = {};
    let etagOf: string | undefined;
    for (const [k, v] of Object.entries(hv)) {
      if (v === 'CURRENT') etagOf = url.split('/').slice(0, 4).join('/');
      else if (v !== undefined) headers[k] = v;
    }
    const qs = query.toString();
    return { method: method.toUpperCase(), url: qs ? `${url}?${qs}` : url, who: caller, headers, etagOf, ...b };
  });
}

// ---------------------------------------------------------------------------------------------
// Checking answers

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormatsPlugin(ajv);
const DOC_ID = 'https://harbour.test/openapi.json';
const validators = new Map<string, ValidateFunction>();

function absoluteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absoluteRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${DOC_ID}${v}` : absoluteRefs(v)]),
    );
  }
  return value;
}

function validatorFor(key: string, schema: Schema): ValidateFunction {
  let v = validators.get(key);
  if (!v) {
    if (!ajv.getSchema(DOC_ID)) ajv.addSchema({ $id: DOC_ID, components: absoluteRefs(doc.components) } as object);
    v = ajv.compile(absoluteRefs(schema) as object);
    validators.set(key, v);
  }
  return v;
}

const describeRequest = (r: FuzzRequest) =>
  `${r.method} ${r.url} as ${r.who}${Object.keys(r.headers).length ? ` headers ${JSON.stringify(r.headers)}` : ''} body ${r.raw ? JSON.stringify(r.raw) : JSON.stringify(r.body)?.slice(0, 2000)}`;

async function send(r: FuzzRequest) {
  const headers: Record<string, string> = { ...auth[r.who], ...r.headers };
  if (r.etagOf) {
    const current = await t.app.inject({ method: 'GET', url: r.etagOf, headers: auth.admin });
    if (current.headers.etag) headers['if-match'] = String(current.headers.etag);
  }
  const options: InjectOptions = { method: r.method as InjectOptions['method'], url: r.url, headers };
  if (r.raw) {
    options.payload = r.raw.payload;
    headers['content-type'] = r.raw.contentType;
  } else if (r.body !== undefined) {
    options.payload = JSON.stringify(r.body);
    headers['content-type'] = 'application/json';
  }
  return t.app.inject(options);
}

const undocumented: string[] = [];

async function check(path: string, method: string, op: Operation, r: FuzzRequest) {
  const res = await send(r);
  const what = `${op.operationId}: ${describeRequest(r)} → ${res.statusCode} ${res.body.slice(0, 1500)}`;
  expect(res.statusCode, `no 5xx\n${what}`).toBeLessThan(500);
  const type = String(res.headers['content-type'] ?? '');
  if (res.statusCode >= 400) {
    expect(type, `errors are problem+json\n${what}`).toMatch(/^application\/problem\+json/);
    const problem = res.json() as { code?: string; status?: number; title?: string; detail?: string };
    expect(ERROR_CODE_SET.has(problem.code ?? ''), `a shared error code\n${what}`).toBe(true);
    expect(problem.status, what).toBe(res.statusCode);
    expect(typeof problem.title === 'string' && typeof problem.detail === 'string', what).toBe(true);
    if (!op.responses[String(res.statusCode)]) undocumented.push(`${method.toUpperCase()} ${path} → ${res.statusCode} ${problem.code}`);
    return;
  }
  const documented = op.responses[String(res.statusCode)];
  expect(documented, `the status is documented\n${what}`).toBeDefined();
  const content = documented!.content ?? {};
  if (res.statusCode === 204) {
    expect(res.body, what).toBe('');
    return;
  }
  const json = content['application/json'];
  if (json && /^application\/json/.test(type)) {
    const validate = validatorFor(`${op.operationId} ${res.statusCode}`, json.schema);
    const ok = validate(res.json());
    expect(ok, `the body matches the documented schema: ${ajv.errorsText(validate.errors)}\n${what}`).toBe(true);
  } else {
    const documentedTypes = Object.keys(content);
    expect(documentedTypes.some((d) => type.startsWith(d)), `content type ${type} is documented (${documentedTypes.join(', ')})\n${what}`).toBe(true);
  }
}

// ---------------------------------------------------------------------------------------------

describe('contract fuzzing against the running app', () => {
  it('every route the server has is in the document, and every documented route exists', () => {
    // printRoutes draws the routes as a tree (children indented 4 per level, under their parent's
    // path); HEAD (added for each GET) and OPTIONS are left out.
    const served = new Set<string>();
    const stack: string[] = [];
    for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
      const m = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
      if (!m) continue;
      const depth = m[1]!.length / 4;
      stack.length = depth;
      stack.push(m[2]!);
      const full = stack.join('');
      for (const method of (m[3] ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
        if (method !== 'HEAD' && method !== 'OPTIONS') served.add(`${method} ${full.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).filter((m) => (METHODS as readonly string[]).includes(m)).map((m) => `${m.toUpperCase()} ${p}`)),
    );
    // Served but, on purpose, not part of the API contract: the document itself, its reference page, the console.
    const outsideContract = (route: string) => /^GET \/(openapi\.json|docs(\/.*)?|\*)$/.test(route) || !/ \/(v1\/|health|ready)/.test(route);
    expect([...served].filter((r) => !documented.has(r) && !outsideContract(r)).sort(), 'served, not documented').toEqual([]);
    expect([...documented].filter((r) => !served.has(r)).sort(), 'documented, not served').toEqual([]);
    expect(documented.size).toBeGreaterThan(50);
  });

  // What fuzzing found, kept as plain assertions.
  it('refuses, with a 400 problem, what used to answer 500 or bypass problem+json', async () => {
    const expectProblem = async (options: InjectOptions, status: number, code: string) => {
      const res = await t.app.inject(options);
      expect(res.statusCode, `${options.method} ${options.url}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe(code);
    };
    // A NUL character PostgreSQL cannot store, in a body or a query (was 500).
    await expectProblem({ method: 'POST', url: '/v1/auth/login', payload: { email: '\u0000', password: 'whatever-it-is' } }, 400, 'VALIDATION_FAILED');
    await expectProblem({ method: 'GET', url: '/v1/participants?q=%00', headers: auth.admin }, 400, 'VALIDATION_FAILED');
    await expectProblem(
      { method: 'POST', url: '/v1/participants', headers: auth.admin, payload: { firstName: 'A\u0000', lastName: 'B', email: 'nul@example.org', relationship: 'partner' } },
      400,
      'VALIDATION_FAILED',
    );
    // A fee beyond the database's integer (was 500).
    const rules = { sessionCount: 3, sessionMinutes: 180, minParticipants: 8, maxParticipants: 12, feePence: Number.MAX_SAFE_INTEGER, offerHours: 48, atRiskDays: 14 };
    await expectProblem({ method: 'POST', url: '/v1/courses', headers: auth.admin, payload: { name: 'Too dear', rules } }, 400, 'VALIDATION_FAILED');
    // The router's own refusals (were Fastify's plain JSON, 414 and 400).
    await expectProblem({ method: 'GET', url: `/v1/users/${'a'.repeat(300)}`, headers: auth.admin }, 400, 'VALIDATION_FAILED');
    await expectProblem({ method: 'GET', url: '/v1/cohorts/%E0%A4%A', headers: auth.admin }, 400, 'VALIDATION_FAILED');
  });

  it(
    'every operation, with generated requests: no 5xx, problem+json errors with shared codes, 2xx bodies as documented',
    async () => {
      const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([m]) => (METHODS as readonly string[]).includes(m))
          .map(([method, op]) => ({ path, method, op })),
      );
      expect(operations.length).toBeGreaterThan(50);
      for (const { path, method, op } of operations) {
        await fc.assert(
          fc.asyncProperty(requestArb(path, method, op), async (r) => check(path, method, op, r)),
          { numRuns: FUZZ_RUNS },
        );
      }
      if (undocumented.length) console.warn(`fuzz: error statuses answered but not in the document:\n  ${[...new Set(undocumented)].sort().join('\n  ')}`);
    },
    30 * 60_000,
  );
});
