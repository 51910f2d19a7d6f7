import { is } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { AppError } from '../lib/app-error';
import type { Db } from './client';

/**
 * Thrown inside a transaction to keep what it did and still answer `error`: the transaction (the
 * outermost one, when it is nested) commits, then `error` is thrown. E.g. an offer found lapsed is
 * recorded as expired, then accepting it is refused. Transactions opened by `openTransaction`,
 * `inTransaction` and `transactionWithRetry` honour it.
 */
export class AfterCommit extends Error {
  constructor(readonly error: unknown) {
    super('answered after the transaction commits');
  }
}

/**
 * `db.transaction(write)` (a savepoint when `db` already is a transaction) that honours AfterCommit:
 * it is committed (or released), then the error is thrown: as itself from a savepoint, so the
 * transaction around it commits too; as the error it carries from the outermost transaction.
 */
export async function openTransaction<T>(db: Db, write: (tx: Db) => Promise<T>): Promise<T> {
  let deferred: AfterCommit | undefined;
  const result = await db.transaction(async (tx) => {
    try {
      return await write(tx as unknown as Db);
    } catch (err) {
      if (!(err instanceof AfterCommit)) throw err;
      deferred = err;
      return undefined;
    }
  });
  if (deferred) throw is(db, PgTransaction) ? deferred : deferred.error;
  return result as T;
}

/**
 * Runs `write` in `db` when it is already a transaction (an Idempotency-Key's, see withIdempotency,
 * or a route's audited one, see auditedWrite), else in a new one. A nested transaction would be a
 * savepoint, two more round trips that buy nothing when nothing catches a failed write to carry on:
 * the whole transaction is rolled back.
 */
export function inTransaction<T>(db: Db, write: (tx: Db) => Promise<T>): Promise<T> {
  return is(db, PgTransaction) ? write(db) : openTransaction(db, write);
}

// ---------------------------------------------------------------------------------------------
// Transactions that survive real concurrency

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/** The SQLSTATE of a database error, through drizzle's wrapper. */
export function sqlStateOf(err: unknown): { code?: string; constraint?: string } {
  if (err instanceof AppError) return {};
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint } = e as { code?: unknown; constraint?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      return { code, constraint: typeof constraint === 'string' ? constraint : undefined };
    }
  }
  return {};
}

export const MAX_TRANSACTION_ATTEMPTS = 5;

/**
 * A transaction (openTransaction) run again, a bounded number of times with a short random pause,
 * when PostgreSQL aborts it as a serialization failure or deadlock victim. `fn` must use only `tx`.
 * In a transaction already (a route's audited one, an Idempotency-Key's), `fn` joins it: no
 * savepoint, and the retry is that transaction's owner's to make, since a failure aborts it whole.
 */
export async function transactionWithRetry<T>(
  db: Db,
  fn: (tx: Db) => Promise<T>,
  opts: { attempts?: number; onRetry?: (attempt: number, code: string) => void } = {},
): Promise<T> {
  if (is(db, PgTransaction)) return fn(db);
  const attempts = opts.attempts ?? MAX_TRANSACTION_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await openTransaction(db, fn);
    } catch (err) {
      const { code } = sqlStateOf(err);
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw err;
      opts.onRetry?.(attempt, code);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
