import { is } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
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
