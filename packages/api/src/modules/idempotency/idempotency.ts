// Idempotency-Key for POSTs that create (draft-ietf-httpapi-idempotency-key-header): the same key
// with the same request replays the first answer; with another request it is 422; while the first
// is still running it is 409. Keys belong to one caller and are kept 24 hours.
//
// Use in a route:
//   schema: { headers: IdempotencyHeadersSchema, ... }
//   handler: const idem = idempotencyOf(request, callerScope);
//            const result = await withIdempotency(db, idem, async (db) => ({ status: 201, body: await createX(db, ...) }));
//            return sendIdempotent(reply, result);
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { openTransaction, transactionWithRetry } from '../../db/in-transaction';
import { isSingleSession } from '../../db/prepared';
import { AppError } from '../../lib/app-error';
import { sha256Hex } from '../../lib/crypto';
import { claimKey, deleteExpiredKeys, deleteInFlight, findIdempotencyKey, markDone, openResponseBody, takeOverStale } from './idempotency.repo';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An in-flight record older than this belongs to a request that died (crash): a retry may take it over. */
export const IDEMPOTENCY_STALE_IN_FLIGHT_MS = 2 * 60 * 1000;
export const IDEMPOTENCY_REPLAYED_HEADER = 'idempotent-replayed';

// 1–255 printable ASCII characters, optionally as a quoted structured-field string ("…").
const KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;

/** For a route's `schema.headers`: documents the header and refuses a malformed key with 400. */
export const IdempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x20-\x7E]{1,257}$/, 'Use 1–255 printable ASCII characters')
    .optional()
    .describe(
      'Makes the POST safe to retry: the same key with the same body replays the first answer (header `idempotent-replayed: true`); ' +
        'with a different body → 422 IDEMPOTENCY_KEY_REUSED; while the first is still running → 409 IDEMPOTENCY_KEY_IN_FLIGHT. Kept 24 hours.',
    ),
});

export interface IdempotencyRequest {
  /** Who the key belongs to: `partner:<id>` or `staff:<id>`. */
  scope: string;
  key: string;
  /** sha256 of method, path and canonical body (requestHashOf). */
  requestHash: string;
}

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** JSON with object keys sorted at every depth: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  ) ?? 'null';
}

export function requestHashOf(method: string, path: string, body: unknown): string {
  return sha256Hex(`${method.toUpperCase()} ${path}\n${canonicalJson(body ?? null)}`);
}

const invalidKey = () =>
  new AppError('VALIDATION_FAILED', 400, 'The Idempotency-Key header is not valid.', {
    errors: [{ path: 'headers.idempotency-key', message: 'Use 1–255 printable ASCII characters.' }],
  });

/** Reads the key (plain or as a quoted structured-field string); null when the request has none. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  if (Array.isArray(header)) throw invalidKey();
  let key = header.trim();
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(key);
  if (quoted) key = (quoted[1] ?? '').replace(/\\(["\\])/g, '$1');
  if (!KEY_PATTERN.test(key)) throw invalidKey();
  return key;
}

/** The idempotency record of this request for this caller, or null when it carries no key. */
export function idempotencyOf(request: FastifyRequest, scope: string): IdempotencyRequest | null {
  const key = parseIdempotencyKey(request.headers['idempotency-key']);
  if (key === null) return null;
  const path = request.url.split('?')[0] ?? request.url;
  return { scope, key, requestHash: requestHashOf(request.method, path, request.body) };
}

/**
 * Runs `run` once per (scope, key). On PostgreSQL the record is claimed in its own statement before
 * `run` (so a concurrent retry sees it in flight at once: 409), and completed in one transaction
 * with `run`'s writes: `run` gets that transaction as its `db` (inTransaction, transactionWithRetry
 * and auditedWrite join it; a bare db.transaction would nest in it as a savepoint), and the whole is
 * run again on a serialization failure or deadlock. So a crash can never leave the write committed
 * with the record still in flight (a retry would then do it twice): either both are there or neither
 * is. When `run` throws, the record is released: nothing was created, so the client may retry.
 *
 * On PGlite (one session: a retry can only run before or after the first request's transaction,
 * never during it) the claim is the first statement of that same transaction: one commit fewer per
 * request, and a crash leaves no record in flight at all. On both, work that ends in AfterCommit (kept,
 * then answered with an error) is committed and its key released.
 */
export async function withIdempotency<T>(
  db: Db,
  idem: IdempotencyRequest | null,
  run: (db: Db) => Promise<{ status: number; body: T }>,
): Promise<IdempotentResult<T>> {
  if (!idem) return { ...(await run(db)), replayed: false };
  const { scope, key } = idem;
  const now = new Date();
  const runAndMarkDone = async (tx: Db) => {
    const done = await run(tx);
    await markDone(tx, scope, key, done);
    return { ...done, replayed: false };
  };

  // Whether this request holds the key: when its work then fails, the record is released (on PGlite
  // an AfterCommit commits the claim with the rest of the work), so a retry runs again.
  let claimed = false;
  const claim = async (db: Db) => {
    const replay = await claimOrReplay<T>(db, idem, now);
    claimed = replay === null;
    return replay;
  };
  try {
    if (isSingleSession(db)) return await openTransaction(db, async (tx) => (await claim(tx)) ?? runAndMarkDone(tx));
    const replay = await claim(db);
    if (replay) return replay;
    // Run again whole on a serialization failure or deadlock: `run`'s own transactions join this one.
    return await transactionWithRetry(db, runAndMarkDone);
  } catch (err) {
    if (claimed) await deleteInFlight(db, scope, key);
    throw err;
  }
}

/**
 * Claims the key for this request (answers null: go on), or answers the first request's result
 * (a replay); refuses another request under the same key (422) and a key still in flight (409).
 */
async function claimOrReplay<T>(db: Db, { scope, key, requestHash }: IdempotencyRequest, now: Date): Promise<IdempotentResult<T> | null> {
  if (await claimKey(db, { scope, key, requestHash, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) }, now)) return null;
  const existing = await findIdempotencyKey(db, scope, key);
  if (!existing) throw inFlight(); // released a moment ago by a failed first attempt: retry
  if (existing.requestHash !== requestHash) {
    throw new AppError(
      'IDEMPOTENCY_KEY_REUSED',
      422,
      'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
    );
  }
  if (existing.status === 'done' && existing.responseStatus !== null) {
    return { status: existing.responseStatus, body: openResponseBody(existing.responseBody) as T, replayed: true };
  }
  if (await takeOverStale(db, scope, key, new Date(now.getTime() - IDEMPOTENCY_STALE_IN_FLIGHT_MS), now)) return null;
  throw inFlight();
}

const inFlight = () =>
  new AppError(
    'IDEMPOTENCY_KEY_IN_FLIGHT',
    409,
    'A request with this Idempotency-Key is still being processed. Wait a moment, then retry.',
    { headers: { 'retry-after': '1' } },
  );

/** Sends the result, marking a replayed answer with `idempotent-replayed: true`. */
export function sendIdempotent<T>(reply: FastifyReply, result: IdempotentResult<T>) {
  if (result.replayed) reply.header(IDEMPOTENCY_REPLAYED_HEADER, 'true');
  return reply.code(result.status).send(result.body);
}

/** Deletes expired records (for a scheduled job); answers how many. */
export async function purgeExpiredIdempotencyKeys(db: Db, now = new Date()): Promise<number> {
  return deleteExpiredKeys(db, now);
}
