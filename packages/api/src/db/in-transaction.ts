import { is } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db } from './client';

/**
 * Runs `write` in `db` when it is already a transaction (an Idempotency-Key's, see withIdempotency),
 * else in a new one. A nested transaction would be a savepoint, two more round trips that buy
 * nothing when nothing catches a failed write to carry on: the whole transaction is rolled back.
 */
export function inTransaction<T>(db: Db, write: (tx: Db) => Promise<T>): Promise<T> {
  return is(db, PgTransaction) ? write(db) : db.transaction((tx) => write(tx as unknown as Db));
}
