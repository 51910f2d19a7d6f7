// Refer a person to Harbour from TypeScript, with a client typed from Harbour's OpenAPI contract
// (api-types.ts is generated from /openapi.json: `pnpm --filter @harbour/examples generate`).
// Creates the referral with an Idempotency-Key, sends the same request again to show it is replayed
// rather than duplicated, then polls the referral's status.
//
//   HARBOUR_URL=http://localhost:3000 HARBOUR_API_KEY=pk_... pnpm --filter @harbour/examples refer
//
// Optional: POLL_TIMES (default 3) and POLL_INTERVAL in seconds (default 5). Exits 1 on a problem+json
// answer, printing its title, detail and code.
import { randomUUID } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { components, paths } from './api-types';

type Problem = components['schemas']['Problem'];
type NewReferral = components['schemas']['CreateReferralBodyInput'];

function env(name: string, example: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name}, e.g. ${example}`);
    process.exit(1);
  }
  return value;
}

const baseUrl = env('HARBOUR_URL', 'http://localhost:3000').replace(/\/+$/, '');
const apiKey = env('HARBOUR_API_KEY', 'pk_... (your partner API key)');
const pollTimes = Math.max(1, Number(process.env.POLL_TIMES ?? 3));
const pollIntervalMs = Math.max(0, Number(process.env.POLL_INTERVAL ?? 5)) * 1000;

const harbour = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${apiKey}` } });

/** A problem+json answer (RFC 9457): `code` is stable, for programs; `detail` is for people. */
class HarbourProblem extends Error {
  constructor(
    readonly problem: Problem,
    readonly response: Response,
  ) {
    super(`${problem.title}: ${problem.detail}`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether a failed call may be sent again as it is: rate limited (429), the same Idempotency-Key still
 * being processed (409 IDEMPOTENCY_KEY_IN_FLIGHT), or Harbour unavailable (5xx). With the same key a
 * retried POST can never refer the person twice.
 */
function retryable(problem: Problem, response: Response): boolean {
  return response.status === 429 || response.status >= 500 || problem.code === 'IDEMPOTENCY_KEY_IN_FLIGHT';
}

/** Calls Harbour, retrying a few times when that is safe; answers the data or throws HarbourProblem. */
async function call<T>(send: () => Promise<{ data?: T; error?: Problem; response: Response }>, attempts = 3): Promise<{ data: T; response: Response }> {
  for (let attempt = 1; ; attempt++) {
    const { data, error, response } = await send();
    if (response.ok && data !== undefined) return { data, response };
    const problem: Problem = error ?? {
      type: 'about:blank',
      title: response.statusText || 'Unexpected answer',
      status: response.status,
      detail: `HTTP ${response.status} without a problem document`,
      instance: '',
      code: 'INTERNAL_ERROR',
    };
    if (attempt >= attempts || !retryable(problem, response)) throw new HarbourProblem(problem, response);
    const retryAfterSeconds = Number(response.headers.get('retry-after'));
    await sleep(Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : 2 ** attempt * 500);
  }
}

async function main(): Promise<void> {
  // The person agreed to be referred (consentToShare must be true, else 422 CONSENT_REQUIRED) and can be
  // reached by e-mail or phone. No offence detail: the person declares what is needed later, themselves.
  const referral: NewReferral = {
    person: { firstName: 'Alex', lastName: 'Example', email: 'alex.example@example.org', phone: '07700 900123' },
    relationship: 'partner',
    consentToShare: true,
    referrer: { name: 'Sam Caseworker', email: 'sam.caseworker@example.org' },
    note: 'Prefers a call in the afternoon.',
  };
  // One key per referral you mean to make; keep it with your record so a retry after a crash reuses it.
  const idempotencyKey = process.env.IDEMPOTENCY_KEY ?? randomUUID();
  const create = () =>
    harbour.POST('/v1/referrals', {
      params: { header: { 'idempotency-key': idempotencyKey } },
      body: referral,
      signal: AbortSignal.timeout(30_000),
    });

  const created = await call(create);
  console.log(`Created referral ${created.data.id} (status: ${created.data.status}, HTTP ${created.response.status})`);

  // As after a timeout: the same request with the same key. Harbour answers with the first answer.
  const again = await call(create);
  const replayed = again.response.headers.get('idempotent-replayed') ?? 'false';
  console.log(`Sent again with the same Idempotency-Key: referral ${again.data.id} (HTTP ${again.response.status}, idempotent-replayed: ${replayed})`);
  if (again.data.id !== created.data.id) throw new Error('The repeated request created a second referral: that should never happen.');

  // Poll until staff move the referral on. A webhook subscription tells you sooner (webhook-receiver.ts).
  for (let i = 1; i <= pollTimes; i++) {
    const { data } = await call(() =>
      harbour.GET('/v1/referrals/{id}', { params: { path: { id: created.data.id } }, signal: AbortSignal.timeout(30_000) }),
    );
    console.log(`Status of referral ${data.id}: ${data.status}`);
    if (data.cohort) console.log(`  Sessions: ${data.cohort.sessions.map((s) => s.startsAt).join(', ')}`);
    if (data.status !== 'received' || i === pollTimes) break;
    await sleep(pollIntervalMs);
  }
}

main().catch((err: unknown) => {
  if (err instanceof HarbourProblem) {
    const { problem, response } = err;
    console.error(`Harbour answered ${response.status}: ${problem.title}: ${problem.detail} [${problem.code}]`);
    for (const e of problem.errors ?? []) console.error(`  ${e.path}: ${e.message}`);
    const retryAfter = response.headers.get('retry-after');
    if (retryAfter) console.error(`Retry after ${retryAfter} seconds.`);
  } else if (err instanceof TypeError && err.cause) {
    // fetch() failed before any answer: wrong URL, Harbour not running, DNS, TLS...
    console.error(`Could not reach ${baseUrl}: ${String((err.cause as Error).message ?? err.cause)}`);
  } else {
    console.error(err instanceof Error ? err.message : err);
  }
  process.exitCode = 1;
});
