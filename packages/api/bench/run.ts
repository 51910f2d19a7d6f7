// `pnpm bench`: Harbour under load, against a floor. For each database (PostgreSQL, PGlite) and data
// size (1× and 10×) it seeds a fresh database, starts Harbour's real server and the floor server
// (bench/floor-server.ts: the same queries in raw SQL, nothing else) as child processes on the same
// data, and measures both with autocannon, endpoint by endpoint, in the same run. It prints a table,
// judges the targets and writes bench/results/<date>.json.
//
//   pnpm bench                     the full run (1× and 10× data, both databases; ~20–30 minutes)
//   pnpm bench --quick             a smoke run: 0.1× data, short loads
//   pnpm bench --soak[=MINUTES]    a steady mixed load on Harbour alone, sampling its memory (default 10 min)
//   --postgres-only | --pglite-only, --scales=1,10, --duration=S, --warmup=S, --connections=N, --rounds=N (default 2),
//   --check (exit 1 when a target is not met), --no-save, --only=<endpoint name part>,
//   --profile=DIR (Harbour writes a V8 CPU profile there when it stops), --keep (keep the databases)
//
// PostgreSQL: DATABASE_URL, or the local server at postgres://postgres@127.0.0.1:5432/postgres; a fresh
// database harbour_bench_<time> is created and dropped afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { testConfig } from '../src/config';
import { createDb } from '../src/db/client';
import { seedBase } from '../src/db/seed';
import { createKeyring, initEncryption } from '../src/lib/encryption';
import { encodeAnswers } from '../src/modules/declarations/answers-codec';
import { generatePartnerKey } from '../src/modules/partners/partner-auth';
import { startNodeFlags } from './node-flags';
import { enrolPairs, readTargets, rowsOf, seedBench, sizesOf, type BenchCounts, type EnrolPair } from './seed';

const apiDir = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = join(apiDir, 'bench', 'results');

// ---------------------------------------------------------------------------------------------
// Options

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    soak: { type: 'string' },
    'postgres-only': { type: 'boolean', default: false },
    'pglite-only': { type: 'boolean', default: false },
    scales: { type: 'string' },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    check: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'no-save': { type: 'boolean', default: false },
  },
  // `--soak` alone means the default length.
  args: process.argv.slice(2).map((a) => (a === '--soak' ? '--soak=' : a)),
  strict: true,
});

const quick = args.quick;
const options = {
  quick,
  scales: (args.scales ?? (quick ? '0.1' : '1,10')).split(',').map(Number),
  duration: Number(args.duration ?? (quick ? 4 : 10)),
  warmup: Number(args.warmup ?? (quick ? 1 : 3)),
  /** Floor and Harbour measured in turns, the order swapped each round, so a busy moment hurts both alike. */
  rounds: Number(args.rounds ?? (quick ? 1 : 2)),
  connections: Number(args.connections ?? 32),
  databases: (['postgres', 'pglite'] as const).filter((d) => !(d === 'postgres' && args['pglite-only']) && !(d === 'pglite' && args['postgres-only'])),
  soakMinutes: args.soak === undefined ? undefined : Number(args.soak || (quick ? 1 : 10)),
};

/**
 * Harbour's settings for the benchmark, besides its defaults: no rate limits (one client is all the
 * traffic), quiet logs, and the scheduler and outbox worker kept out of the measurements (they run once
 * at start). `HARBOUR_<NAME>=value` in the environment adds or overrides one (e.g. HARBOUR_AUTH_USER_CACHE_MS=1000).
 */
const HARBOUR_SETTINGS: Record<string, string> = {
  MFA_REQUIRED: 'false',
  SEED_DEMO: 'false',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '1000000000',
  PARTNER_RATE_LIMIT_PER_MINUTE: '1000000000',
  JOBS_INTERVAL_SECONDS: '3600',
  OUTBOX_POLL_MS: '600000',
  ...Object.fromEntries(
    Object.entries(process.env)
      .filter(([k, v]) => k.startsWith('HARBOUR_') && v !== undefined && !/SECRET|KEY|PASSWORD|URL/.test(k))
      .map(([k, v]) => [k.slice('HARBOUR_'.length), v!]),
  ),
};

const TARGETS = { readRatio: 0.6, writeRatio: 0.5, readP99Ms: 50, scaleLatency: 1.5, soakGrowth: 0.1 };

// ---------------------------------------------------------------------------------------------
// Child processes (only those started here are ever stopped)

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const children = new Set<Proc>();

/** Harbour and the floor both run with the Node options of `pnpm start`, so the ratio compares code, not runtime settings. */
const NODE_FLAGS = startNodeFlags(apiDir);

function start(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, args, {
    cwd: apiDir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => void (out = (out + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const proc: Proc = { child, output: () => out, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  children.add(proc);
  return proc;
}

async function waitFor(proc: Proc, pattern: RegExp, what: string, timeoutMs = 180_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const m = proc.output().match(pattern);
    if (m) return m[1]!;
    if (proc.child.exitCode !== null) throw new Error(`${what} stopped (exit ${proc.child.exitCode}):\n${proc.output()}`);
    await sleep(100);
  }
  throw new Error(`Timed out waiting for ${what}:\n${proc.output()}`);
}

async function stop(proc: Proc): Promise<void> {
  children.delete(proc);
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  await proc.exited;
  clearTimeout(timer);
}

process.on('exit', () => {
  for (const p of children) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const p of children) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    void cleanups().finally(() => process.exit(130));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time (user + system) a process has used so far, from /proc (Linux), in ms. */
function cpuMs(pid: number | undefined): number | null {
  if (!pid || !existsSync(`/proc/${pid}/stat`)) return null;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks (100 Hz).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time each PostgreSQL server process on this machine has used so far, in ms, by pid (null where there is no /proc). */
function postgresCpu(): Map<string, number> | null {
  if (!existsSync('/proc/self/stat')) return null;
  const out = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.split(') ')[1]?.split(' ') ?? [];
      out.set(entry, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** PostgreSQL CPU used between two readings: processes that started count whole, those that ended are not seen. */
function postgresCpuBetween(before: Map<string, number> | null, after: Map<string, number> | null): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** Resident memory of a process, from /proc (Linux), in MiB. */
function rssMiB(pid: number | undefined): number | null {
  if (!pid || !existsSync(`/proc/${pid}/status`)) return null;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
}

// ---------------------------------------------------------------------------------------------
// A database with benchmark data

interface Prepared {
  kind: 'postgres' | 'pglite';
  scale: number;
  counts: BenchCounts;
  seedSeconds: number;
  /** For Harbour. */
  databaseUrl?: string;
  dataDir: string;
  /** For the floor: the same URL, or a copy of the PGlite folder (PGlite is one process's). */
  floorDir?: string;
  env: Record<string, string>;
  admin: { id: string; email: string; password: string };
  partner: { id: string; key: string };
  cohortIds: string[];
  participantIds: string[];
  pairs: EnrolPair[];
  cleanup(): Promise<void>;
}

const pending = new Set<() => Promise<void>>();
async function cleanups() {
  for (const fn of [...pending]) {
    pending.delete(fn);
    await fn().catch(() => {});
  }
}

const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function adminQuery(text: string) {
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function prepare(kind: 'postgres' | 'pglite', scale: number): Promise<Prepared> {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'harbour-bench-'));
  let databaseUrl: string | undefined;
  let dbName: string | undefined;
  let floorDir: string | undefined;
  if (kind === 'postgres') {
    dbName = `harbour_bench_${Date.now()}`;
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const url = new URL(baseUrl);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const cleanup = async () => {
    pending.delete(cleanup);
    if (args.keep) return log(`Kept: ${databaseUrl ?? dataDir}`);
    if (dbName) await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
    if (floorDir) rmSync(floorDir, { recursive: true, force: true });
  };
  pending.add(cleanup);

  const admin = { id: '', email: 'bench-admin@bench.example', password: `Bench-${randomBytes(18).toString('base64url')}` };
  const dataKey = randomBytes(32).toString('base64');
  initEncryption(createKeyring({ key: dataKey }));
  const partnerKey = generatePartnerKey();

  const database = createDb({ url: databaseUrl, dataDir, poolSize: 4 });
  let prepared: Omit<Prepared, 'floorDir' | 'cleanup' | 'env' | 'seedSeconds'>;
  try {
    await database.migrate();
    const seeded = await seedBase(database.db, testConfig({ ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password }));
    const db = database.db;
    admin.id = (await rowsOf<{ id: string }>(db, `SELECT id FROM users WHERE email = '${admin.email}'`))[0]!.id;
    const versionId = (await rowsOf<{ id: string }>(db, `SELECT id FROM declaration_versions WHERE course_id = '${seeded.courseId}'`))[0]!.id;
    const answer = (images: 'yes' | 'unsure', contact: 'yes' | 'no') =>
      encodeAnswers({ offenceInvolvesImages: images, accusedOfContactOffence: contact, accusedOfOnlineContactWithChild: 'no', accusedOfGrooming: 'no' });
    log(`Seeding ${kind} at ${scale}× (${sizesOf(scale).participants.toLocaleString('en-GB')} participants)…`);
    const { counts, partnerId } = await seedBench(
      db,
      {
        scale,
        adminId: admin.id,
        courseId: seeded.courseId!,
        declarationVersionId: versionId,
        answers: { eligible: answer('yes', 'no'), needsReview: answer('unsure', 'no'), ineligible: answer('yes', 'yes') },
        partnerKey: { prefix: partnerKey.prefix, hash: partnerKey.hash },
      },
      log,
    );
    const targets = await readTargets(db, { cohorts: 500, participants: 2000 });
    const pairs = await enrolPairs(db, 1200);
    prepared = { kind, scale, counts, databaseUrl, dataDir, admin, partner: { id: partnerId, key: partnerKey.key }, ...targets, pairs };
  } finally {
    await database.close();
  }
  if (kind === 'pglite') {
    floorDir = mkdtempSync(join(tmpdir(), 'harbour-bench-floor-'));
    cpSync(join(dataDir, 'pgdata'), join(floorDir, 'pgdata'), { recursive: true });
  }
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ...(databaseUrl && { DATABASE_URL: databaseUrl }),
    DATA_ENCRYPTION_KEY: dataKey,
    JWT_SECRET: randomBytes(36).toString('base64url'),
    CONSOLE_DIR: join(dataDir, 'no-console'),
    ...HARBOUR_SETTINGS,
  };
  return { ...prepared, floorDir, env, seedSeconds: (Date.now() - started) / 1000, cleanup };
}

// ---------------------------------------------------------------------------------------------
// Servers

async function untilReady(url: string, timeoutMs = 300_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let calm = 0;
  while (Date.now() < until) {
    const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
    calm = res?.status === 200 ? calm + 1 : 0;
    if (calm >= 3) return;
    await sleep(1000);
  }
  throw new Error(`${url} did not become ready`);
}

/** Signs in, waiting out load shedding (503 + Retry-After). */
async function signIn(url: string, admin: { email: string; password: string }): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    if (res.status === 200) return ((await res.json()) as { accessToken: string }).accessToken;
    if (res.status !== 503 || attempt >= 20) throw new Error(`sign-in failed: HTTP ${res.status} ${await res.text()}`);
    await sleep(Math.min(10, Number(res.headers.get('retry-after') ?? 1)) * 1000);
  }
}

interface Servers {
  harbour: { url: string; proc: Proc };
  floor?: { url: string; proc: Proc };
  staffAuth: string;
  stop(): Promise<void>;
}

async function startServers(p: Prepared, withFloor: boolean, memoryFile?: string): Promise<Servers> {
  const profile = args.profile ? [`--cpu-prof`, `--cpu-prof-dir=${args.profile}`] : [];
  const probe = memoryFile ? ['--import', './bench/memory-probe.ts'] : [];
  const harbour = start([...NODE_FLAGS, ...profile, '--import', 'tsx', ...probe, 'src/server.ts'], { ...p.env, ...(memoryFile && { HARBOUR_BENCH_MEMORY_FILE: memoryFile }) });
  let floor: Proc | undefined;
  try {
    const harbourUrl = await waitFor(harbour, /Harbour is running at (http:\/\/\S+)/, 'Harbour');
    let floorUrl: string | undefined;
    if (withFloor) {
      floor = start([...NODE_FLAGS, '--import', 'tsx', 'bench/floor-server.ts'], {
        ...(p.databaseUrl ? { FLOOR_DATABASE_URL: p.databaseUrl } : { FLOOR_PGLITE_DIR: p.floorDir! }),
        FLOOR_PARTNER_ID: p.partner.id,
        FLOOR_ACTOR_ID: p.admin.id,
        FLOOR_POOL_SIZE: '10',
      });
      floorUrl = await waitFor(floor, /Floor listening at (http:\/\/\S+)/, 'the floor server');
    }
    // The scheduler's first pass (run at start) may keep the server busy (on PGlite it sheds load with
    // 503 meanwhile): wait until it is ready and calm before signing in and measuring.
    await untilReady(harbourUrl);
    const accessToken = await signIn(harbourUrl, p.admin);
    await sleep(2000);
    return {
      harbour: { url: harbourUrl, proc: harbour },
      floor: floor && floorUrl ? { url: floorUrl, proc: floor } : undefined,
      staffAuth: `Bearer ${accessToken}`,
      async stop() {
        await stop(harbour);
        if (floor) await stop(floor);
      },
    };
  } catch (err) {
    await stop(harbour);
    if (floor) await stop(floor);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Load

type Req = autocannon.Request;
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;

/**
 * A FIFO of enrol pairs: a pair is out while its enrol → withdraw cycle runs, and back when it ends.
 * A refused withdrawal (503 while the server sheds load) is queued to be tried again first.
 */
class PairPool {
  private queue: EnrolPair[];
  readonly withdrawals: { pair: EnrolPair; enrolmentId: string }[] = [];
  lost = 0;
  dry = 0;
  constructor(pairs: EnrolPair[]) {
    this.queue = [...pairs];
  }
  take(): EnrolPair | undefined {
    const pair = this.queue.shift();
    if (!pair) this.dry++;
    return pair;
  }
  give(pair: EnrolPair) {
    this.queue.push(pair);
  }
}

interface Ctx {
  pair?: EnrolPair;
  enrolmentId?: string;
  /** This loop only retries a refused withdrawal. */
  retry?: boolean;
}

/** Where a connection goes when every pair is out: a 404, counted as a failure, never as throughput. */
const NO_PAIR_PATH = '/v1/cohorts/00000000-0000-4000-8000-000000000000/enrolments';

interface Endpoint {
  name: string;
  kind: 'read' | 'write';
  /** Requests for one connection's loop; `auth` is read on every request (tokens are refreshed during a soak). */
  requests(target: Target): Req[];
}

interface Target {
  auth: () => string;
  partnerKey: string;
  prepared: Prepared;
  pool: PairPool;
}

const json = (auth: string, extra: Record<string, string> = {}) => ({ authorization: auth, 'content-type': 'application/json', ...extra });

function referralBody(): string {
  const n = Math.floor(Math.random() * 1_000_000);
  return JSON.stringify({
    person: { firstName: 'Referred', lastName: `Person ${n}`, email: `referred.${n}@bench.example` },
    relationship: 'partner',
    consentToShare: true,
    referrer: { name: 'Case Worker', email: 'worker@partner.example' },
  });
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'list cohorts (25)',
    kind: 'read',
    requests: (t) => [{ method: 'GET', setupRequest: (r) => ({ ...r, path: '/v1/cohorts?limit=25', headers: { authorization: t.auth() } }) }],
  },
  {
    name: 'cohort roster',
    kind: 'read',
    requests: (t) => [
      {
        method: 'GET',
        setupRequest: (r) => ({ ...r, path: `/v1/cohorts/${pick(t.prepared.cohortIds)}/enrolments`, headers: { authorization: t.auth() } }),
      },
    ],
  },
  {
    name: 'participant read (audited)',
    kind: 'read',
    requests: (t) => [
      {
        method: 'GET',
        setupRequest: (r) => ({ ...r, path: `/v1/participants/${pick(t.prepared.participantIds)}`, headers: { authorization: t.auth() } }),
      },
    ],
  },
  {
    name: 'enrol + withdraw',
    kind: 'write',
    requests: (t) => {
      const withdraw = (r: Req, ctx: Ctx): Req => ({ ...r, method: 'POST', path: `/v1/enrolments/${ctx.enrolmentId}/withdraw`, headers: { authorization: t.auth() }, body: undefined });
      const withdrawn = (status: number, ctx: Ctx) => {
        if (!ctx.pair || !ctx.enrolmentId) return;
        if (status === 200) t.pool.give(ctx.pair);
        else if (status === 503) t.pool.withdrawals.push({ pair: ctx.pair, enrolmentId: ctx.enrolmentId });
        else t.pool.lost++;
      };
      return [
        {
          method: 'POST',
          setupRequest: (r, context) => {
            const ctx = context as Ctx;
            const pending = t.pool.withdrawals.shift();
            if (pending) return withdraw(r, Object.assign(ctx, pending, { retry: true }));
            ctx.pair = t.pool.take();
            if (!ctx.pair) return { ...r, path: NO_PAIR_PATH, headers: json(t.auth()), body: '{}' };
            return { ...r, path: `/v1/cohorts/${ctx.pair.cohortId}/enrolments`, headers: json(t.auth()), body: JSON.stringify({ participantId: ctx.pair.participantId }) };
          },
          onResponse: (status, body, context) => {
            const ctx = context as Ctx;
            if (ctx.retry) return withdrawn(status, ctx);
            if (!ctx.pair) return;
            if (status === 201) ctx.enrolmentId = (JSON.parse(body) as { id: string }).id;
            else if (status === 503) t.pool.give(ctx.pair); // refused before anything was done
            else t.pool.lost++; // left out of the pool: its state is unknown
          },
        },
        {
          method: 'POST',
          // Nothing to withdraw (the enrol did not happen, or this loop was a retry): start the loop again.
          setupRequest: (r, context) => {
            const ctx = context as Ctx;
            return (ctx.enrolmentId && !ctx.retry ? withdraw(r, ctx) : undefined) as Req;
          },
          onResponse: (status, _body, context) => withdrawn(status, context as Ctx),
        },
      ];
    },
  },
  {
    name: 'create referral (Idempotency-Key)',
    kind: 'write',
    requests: (t) => [
      {
        method: 'POST',
        setupRequest: (r) => ({ ...r, path: '/v1/referrals', headers: json(`Bearer ${t.partnerKey}`, { 'idempotency-key': randomUUID() }), body: referralBody() }),
      },
    ],
  },
];

interface Stats {
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** The server process's CPU time per answered request: steadier than req/s on a busy machine. */
  cpuMsPerRequest: number | null;
  /** PostgreSQL's CPU time (all its processes) per answered request; null on PGlite (it runs inside the server). */
  dbCpuMsPerRequest: number | null;
  serverRssMiB: number | null;
  /** Each round's own figures, when there was more than one. */
  rounds?: { rps: number; p50: number; p99: number }[];
}

function fire(url: string, requests: Req[], seconds: number, connections: number): { instance: autocannon.Instance; done: Promise<autocannon.Result> } {
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    // Latency of successful answers only: a quick 503 from load shedding must not flatter the figures.
    instance = autocannon({ url, connections, duration: seconds, requests, timeout: 30, excludeErrorStats: true }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
  return { instance, done };
}

async function measure(url: string, endpoint: Endpoint, target: Target, pid: number | undefined): Promise<Stats> {
  if (options.warmup > 0) await fire(url, endpoint.requests(target), options.warmup, options.connections).done;
  const onPostgres = target.prepared.kind === 'postgres';
  const cpuBefore = cpuMs(pid);
  const dbBefore = onPostgres ? postgresCpu() : null;
  const r = await fire(url, endpoint.requests(target), options.duration, options.connections).done;
  const cpuAfter = cpuMs(pid);
  const dbAfter = onPostgres ? postgresCpu() : null;
  const perRequest = (before: number | null, after: number | null) =>
    before !== null && after !== null && r.requests.total > 0 ? Math.round(((after - before) / r.requests.total) * 100) / 100 : null;
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => [code, v?.count ?? 0]));
  return {
    // Answered successfully, per second (refused or failed requests do not count as throughput).
    rps: Math.round(r['2xx'] / r.duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: Math.round(r.latency.mean * 10) / 10,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    statusCodes,
    cpuMsPerRequest: perRequest(cpuBefore, cpuAfter),
    dbCpuMsPerRequest: perRequest(0, postgresCpuBetween(dbBefore, dbAfter)),
    serverRssMiB: rssMiB(pid),
  };
}

/** Rounds as one: throughput and CPU averaged, the median p50, the worst p99, counts summed. */
function combine(rounds: Stats[]): Stats {
  if (rounds.length === 1) return rounds[0]!;
  const mean = (pick: (s: Stats) => number) => rounds.reduce((sum, s) => sum + pick(s), 0) / rounds.length;
  const meanOrNull = (pick: (s: Stats) => number | null) =>
    rounds.every((s) => pick(s) !== null) ? Math.round(mean((s) => pick(s)!) * 100) / 100 : null;
  const p50s = rounds.map((s) => s.p50).sort((a, b) => a - b);
  const statusCodes: Record<string, number> = {};
  for (const s of rounds) for (const [code, n] of Object.entries(s.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    rps: Math.round(mean((s) => s.rps)),
    p50: p50s[Math.floor(p50s.length / 2)]!,
    p99: Math.max(...rounds.map((s) => s.p99)),
    mean: Math.round(mean((s) => s.mean) * 10) / 10,
    requests: rounds.reduce((sum, s) => sum + s.requests, 0),
    non2xx: rounds.reduce((sum, s) => sum + s.non2xx, 0),
    errors: rounds.reduce((sum, s) => sum + s.errors, 0),
    statusCodes,
    cpuMsPerRequest: meanOrNull((s) => s.cpuMsPerRequest),
    dbCpuMsPerRequest: meanOrNull((s) => s.dbCpuMsPerRequest),
    serverRssMiB: rounds.at(-1)!.serverRssMiB,
    rounds: rounds.map((s) => ({ rps: s.rps, p50: s.p50, p99: s.p99 })),
  };
}

// ---------------------------------------------------------------------------------------------
// Runs

interface EndpointResult {
  endpoint: string;
  kind: 'read' | 'write';
  floor: Stats;
  harbour: Stats;
  ratio: number;
}

interface RunResult {
  database: 'postgres' | 'pglite';
  scale: number;
  counts: BenchCounts;
  seedSeconds: number;
  endpoints: EndpointResult[];
}

function log(msg: string) {
  console.log(msg);
}

async function compare(kind: 'postgres' | 'pglite', scale: number): Promise<RunResult> {
  const p = await prepare(kind, scale);
  try {
    log(`Seeded in ${p.seedSeconds.toFixed(0)} s: ${JSON.stringify(p.counts)}`);
    const servers = await startServers(p, true);
    try {
      // Disjoint people for the two servers: on PostgreSQL they share the database.
      const half = (odd: number) => new PairPool(p.pairs.filter((_, i) => i % 2 === odd));
      const floorTarget: Target = { auth: () => servers.staffAuth, partnerKey: p.partner.key, prepared: p, pool: half(0) };
      const harbourTarget: Target = { ...floorTarget, pool: half(1) };
      const endpoints: EndpointResult[] = [];
      for (const endpoint of ENDPOINTS.filter((e) => !args.only || e.name.includes(args.only))) {
        const floorRounds: Stats[] = [];
        const harbourRounds: Stats[] = [];
        for (let round = 0; round < options.rounds; round++) {
          const measureFloor = async () => floorRounds.push(await measure(servers.floor!.url, endpoint, floorTarget, servers.floor!.proc.child.pid));
          const measureHarbour = async () => harbourRounds.push(await measure(servers.harbour.url, endpoint, harbourTarget, servers.harbour.proc.child.pid));
          if (round % 2 === 0) {
            await measureFloor();
            await measureHarbour();
          } else {
            await measureHarbour();
            await measureFloor();
          }
        }
        const floor = combine(floorRounds);
        const harbour = combine(harbourRounds);
        const ratio = floor.rps > 0 ? Math.round((harbour.rps / floor.rps) * 100) / 100 : 0;
        endpoints.push({ endpoint: endpoint.name, kind: endpoint.kind, floor, harbour, ratio });
        log(
          `  ${endpoint.name.padEnd(36)} floor ${String(floor.rps).padStart(6)} req/s p99 ${floor.p99} ms | ` +
            `harbour ${String(harbour.rps).padStart(6)} req/s p99 ${harbour.p99} ms | ratio ${ratio} | CPU ms/req floor ${floor.cpuMsPerRequest} harbour ${harbour.cpuMsPerRequest}` +
            (floor.dbCpuMsPerRequest !== null ? ` | PostgreSQL CPU ms/req floor ${floor.dbCpuMsPerRequest} harbour ${harbour.dbCpuMsPerRequest}` : '') +
            (harbour.non2xx + floor.non2xx > 0 ? `  non-2xx: floor ${JSON.stringify(floor.statusCodes)} harbour ${JSON.stringify(harbour.statusCodes)}` : ''),
        );
      }
      return { database: kind, scale, counts: p.counts, seedSeconds: Math.round(p.seedSeconds), endpoints };
    } finally {
      await servers.stop();
    }
  } finally {
    await p.cleanup();
  }
}

interface SoakResult {
  database: 'postgres' | 'pglite';
  scale: number;
  minutes: number;
  connections: number;
  requests: number;
  non2xx: number;
  /** Answers by HTTP status. */
  statusCodes: Record<string, number>;
  rps: number;
  p50: number;
  p99: number;
  samples: { atSeconds: number; rssMiB: number | null }[];
  /** Harbour's own view of its memory every 5 s (bench/memory-probe.ts). */
  memory: MemorySample[];
  /** Growth of each kind of memory: median of the first vs the last third after warm-up, in MiB. */
  memoryGrowthMiB: Record<string, { first: number; last: number }>;
  warmupSeconds: number;
  rssAfterWarmupMiB: number;
  rssAtEndMiB: number;
  growth: number;
  flat: boolean;
}

interface MemorySample {
  atSeconds: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  arrayBuffersMiB: number;
  /** In use just after the last full garbage collection (null before the first). */
  liveHeapMiB: number | null;
  rssAfterFullGcMiB: number | null;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function soak(kind: 'postgres' | 'pglite', minutes: number): Promise<SoakResult> {
  const scale = options.scales[0] ?? 1;
  const p = await prepare(kind, scale);
  const memoryFile = join(mkdtempSync(join(tmpdir(), 'harbour-soak-')), 'memory.jsonl');
  try {
    const servers = await startServers(p, false, memoryFile);
    try {
      let auth = servers.staffAuth;
      // Access tokens live 15 minutes at most: sign in again every 10.
      const refresh = setInterval(() => {
        signIn(servers.harbour.url, p.admin).then(
          (token) => void (auth = `Bearer ${token}`),
          (err: unknown) => log(`could not sign in again: ${String(err)}`),
        );
      }, 10 * 60_000);
      const target: Target = { auth: () => auth, partnerKey: p.partner.key, prepared: p, pool: new PairPool(p.pairs) };
      // One connection's loop: every benchmarked endpoint in turn.
      const requests = ENDPOINTS.flatMap((e) => e.requests(target));
      const seconds = Math.round(minutes * 60);
      const warmupSeconds = Math.min(120, Math.max(10, Math.round(seconds * 0.2)));
      const pid = servers.harbour.proc.child.pid;
      const samples: SoakResult['samples'] = [];
      const t0 = Date.now();
      const sampler = setInterval(() => samples.push({ atSeconds: Math.round((Date.now() - t0) / 1000), rssMiB: rssMiB(pid) }), 5000);
      log(`Soak: ${minutes} min of mixed load on Harbour (${kind}, ${scale}×, ${options.connections} connections); memory sampled every 5 s…`);
      const r = await fire(servers.harbour.url, requests, seconds, options.connections).done;
      clearInterval(sampler);
      clearInterval(refresh);
      // RSS saws up and down with garbage collection: compare the medians of the first and last thirds after warm-up.
      const after = samples.filter((s) => s.atSeconds >= warmupSeconds && s.rssMiB !== null).map((s) => s.rssMiB!);
      const third = Math.max(1, Math.floor(after.length / 3));
      const first = median(after.slice(0, third));
      const last = median(after.slice(-third));
      const growth = first > 0 ? Math.round(((last - first) / first) * 1000) / 1000 : 0;
      const memory = existsSync(memoryFile)
        ? readFileSync(memoryFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as MemorySample)
        : [];
      const settled = memory.filter((m) => m.atSeconds >= warmupSeconds);
      const memoryThird = Math.max(1, Math.floor(settled.length / 3));
      const memoryGrowthMiB = Object.fromEntries(
        (['rssMiB', 'rssAfterFullGcMiB', 'liveHeapMiB', 'heapTotalMiB', 'externalMiB', 'arrayBuffersMiB'] as const).map((k) => {
          const of = (xs: MemorySample[]) => median(xs.map((m) => m[k]).filter((v): v is number => v !== null));
          return [k, { first: of(settled.slice(0, memoryThird)), last: of(settled.slice(-memoryThird)) }];
        }),
      );
      return {
        database: kind,
        scale,
        minutes,
        connections: options.connections,
        requests: r.requests.total,
        non2xx: r.non2xx,
        statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => [code, v?.count ?? 0])),
        rps: Math.round(r['2xx'] / r.duration),
        p50: r.latency.p50,
        p99: r.latency.p99,
        samples,
        memory,
        memoryGrowthMiB,
        warmupSeconds,
        rssAfterWarmupMiB: first,
        rssAtEndMiB: last,
        growth,
        // Shrinking is fine; growing by more than the margin is not.
        flat: growth <= TARGETS.soakGrowth,
      };
    } finally {
      await servers.stop();
    }
  } finally {
    await p.cleanup();
    rmSync(dirname(memoryFile), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Targets, table, results

interface TargetCheck {
  target: string;
  value: string;
  met: boolean;
}

function judge(runs: RunResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const run of runs) {
    const where = `${run.database} ${run.scale}×`;
    for (const e of run.endpoints) {
      const min = e.kind === 'read' ? TARGETS.readRatio : TARGETS.writeRatio;
      checks.push({ target: `${where} ${e.endpoint}: req/s ≥ ${min} of the floor`, value: String(e.ratio), met: e.ratio >= min });
      if (e.kind === 'read' && run.database === 'postgres') {
        // The floor's own p99 beside it: where the floor misses the line too, this machine cannot meet it at all.
        checks.push({
          target: `${where} ${e.endpoint}: p99 ≤ ${TARGETS.readP99Ms} ms`,
          value: `${e.harbour.p99} ms (floor ${e.floor.p99} ms${e.floor.p99 > TARGETS.readP99Ms ? ', over the line itself' : ''})`,
          met: e.harbour.p99 <= TARGETS.readP99Ms,
        });
      }
      if (e.harbour.non2xx > 0) {
        checks.push({ target: `${where} ${e.endpoint}: every answer 2xx`, value: JSON.stringify(e.harbour.statusCodes), met: false });
      }
    }
  }
  // Latency at 10× data within 1.5× of 1× (list and participant read; median latency).
  for (const db of options.databases) {
    const base = runs.find((r) => r.database === db && r.scale === 1);
    const big = runs.find((r) => r.database === db && r.scale === 10);
    if (!base || !big) continue;
    for (const name of ['list cohorts (25)', 'participant read (audited)']) {
      const a = base.endpoints.find((e) => e.endpoint === name)?.harbour;
      const b = big.endpoints.find((e) => e.endpoint === name)?.harbour;
      if (!a || !b) continue;
      const ratio = Math.round((b.p50 / Math.max(a.p50, 0.1)) * 100) / 100;
      checks.push({
        target: `${db} ${name}: p50 at 10× ≤ ${TARGETS.scaleLatency}× of 1×`,
        value: `${b.p50} vs ${a.p50} ms (${ratio}×; p99 ${b.p99} vs ${a.p99} ms)`,
        met: ratio <= TARGETS.scaleLatency,
      });
    }
  }
  return checks;
}

function table(runs: RunResult[]): string {
  const head = [
    'database',
    'data',
    'endpoint',
    'floor req/s',
    'floor p50/p99 ms',
    'harbour req/s',
    'harbour p50/p99 ms',
    'ratio',
    'server CPU ms/req floor/harbour',
    'PostgreSQL CPU ms/req floor/harbour',
  ];
  const rows = runs.flatMap((r) =>
    r.endpoints.map((e) => [
      r.database,
      `${r.scale}×`,
      e.endpoint,
      String(e.floor.rps),
      `${e.floor.p50} / ${e.floor.p99}`,
      String(e.harbour.rps),
      `${e.harbour.p50} / ${e.harbour.p99}`,
      e.ratio.toFixed(2),
      `${e.floor.cpuMsPerRequest ?? '-'} / ${e.harbour.cpuMsPerRequest ?? '-'}`,
      e.floor.dbCpuMsPerRequest === null ? '(in the server)' : `${e.floor.dbCpuMsPerRequest} / ${e.harbour.dbCpuMsPerRequest ?? '-'}`,
    ]),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i >= 3 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...rows.map(line)].join('\n');
}

async function postgresVersion(): Promise<string | null> {
  if (!options.databases.includes('postgres')) return null;
  const c = new pg.Client({ connectionString: baseUrl });
  try {
    await c.connect();
    return String((await c.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version);
  } catch {
    return null;
  } finally {
    await c.end().catch(() => {});
  }
}

async function main() {
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: await postgresVersion(),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
  if (machine.loadAverageAtStart[0]! > machine.cpus * 0.5) {
    log(`WARNING: the machine is busy (load average ${machine.loadAverageAtStart[0]} on ${machine.cpus} cores): figures will be noisy.`);
  }
  const started = new Date();
  let runs: RunResult[] = [];
  let soakResult: SoakResult | undefined;
  const failures: { database: string; scale: number; error: string }[] = [];
  let checks: TargetCheck[];
  if (options.soakMinutes !== undefined) {
    soakResult = await soak(options.databases[0]!, options.soakMinutes);
    checks = [
      {
        target: `soak: RSS flat after warm-up (grows by at most ${TARGETS.soakGrowth * 100}%: median of the first vs the last third)`,
        value: `${soakResult.rssAfterWarmupMiB} → ${soakResult.rssAtEndMiB} MiB (${(soakResult.growth * 100).toFixed(1)}%)`,
        met: soakResult.flat,
      },
      { target: 'soak: every answer 2xx', value: `${soakResult.non2xx} ${JSON.stringify(soakResult.statusCodes)}`, met: soakResult.non2xx === 0 },
    ];
    log(
      `\nSoak: ${soakResult.requests.toLocaleString('en-GB')} requests, ${soakResult.rps} req/s, p50 ${soakResult.p50} ms, p99 ${soakResult.p99} ms; ` +
        `RSS ${soakResult.samples.map((s) => s.rssMiB).join(' ')} MiB\n` +
        `By kind (first → last third after warm-up, MiB): ${Object.entries(soakResult.memoryGrowthMiB)
          .map(([k, v]) => `${k.replace(/MiB$/, '')} ${v.first} → ${v.last}`)
          .join(', ')}`,
    );
  } else {
    for (const scale of options.scales) {
      for (const db of options.databases) {
        try {
          runs.push(await compare(db, scale));
        } catch (err) {
          log(`FAILED: ${db} at ${scale}×: ${err instanceof Error ? err.message : String(err)}`);
          failures.push({ database: db, scale, error: err instanceof Error ? err.message : String(err) });
        }
      }
    }
    runs = runs.sort((a, b) => (a.database === b.database ? a.scale - b.scale : a.database === 'postgres' ? -1 : 1));
    checks = [...judge(runs), ...failures.map((f) => ({ target: `${f.database} ${f.scale}×: the run completes`, value: f.error.slice(0, 200), met: false }))];
    log(`\n${table(runs)}\n`);
  }
  for (const c of checks) log(`${c.met ? 'met    ' : 'NOT MET'}  ${c.target}: ${c.value}`);
  const loadAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  log(`\nLoad average at start ${machine.loadAverageAtStart.join(' ')}, at end ${loadAtEnd.join(' ')} (${machine.cpus} cores).`);

  if (!args['no-save']) {
    mkdirSync(resultsDir, { recursive: true });
    const day = started.toISOString().slice(0, 10);
    const kind = options.soakMinutes !== undefined ? '-soak' : quick ? '-quick' : '';
    let file = join(resultsDir, `${day}${kind}.json`);
    if (existsSync(file)) file = join(resultsDir, `${day}${kind}-${started.toISOString().slice(11, 19).replace(/:/g, '')}.json`);
    const { soakMinutes: _soakMinutes, ...runOptions } = options;
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          startedAt: started.toISOString(),
          finishedAt: new Date().toISOString(),
          machine: { ...machine, loadAverageAtEnd: loadAtEnd },
          options: runOptions,
          // What Harbour ran with besides its defaults (secrets and paths left out).
          harbourSettings: HARBOUR_SETTINGS,
          // The Node options Harbour and the floor ran with (those of `pnpm start`).
          nodeFlags: NODE_FLAGS,
          targets: TARGETS,
          runs,
          failures,
          soak: soakResult,
          checks,
        },
        null,
        2,
      )}\n`,
    );
    log(`Results written to ${file}`);
  }
  if (args.check && checks.some((c) => !c.met)) process.exit(1);
}

main()
  .catch(async (err) => {
    console.error(err);
    await cleanups();
    process.exitCode = 2;
  })
  .finally(() => {
    for (const p of children) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  });
