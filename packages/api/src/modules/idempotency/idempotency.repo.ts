import { and, eq, lt, lte } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { idempotencyKeys } from '../../db/schema/index';

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;

const byKey = (scope: string, key: string) => and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));

/** Inserts an in-flight record; answers undefined when the caller already used the key. */
export async function insertInFlight(
  db: Db,
  values: { scope: string; key: string; requestHash: string; expiresAt: Date },
): Promise<IdempotencyKeyRow | undefined> {
  const [row] = await db
    .insert(idempotencyKeys)
    .values({ ...values, status: 'in_flight' })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function findIdempotencyKey(db: Db, scope: string, key: string): Promise<IdempotencyKeyRow | undefined> {
  const [row] = await db.select().from(idempotencyKeys).where(byKey(scope, key)).limit(1);
  return row;
}

export async function deleteExpiredKey(db: Db, scope: string, key: string, now: Date): Promise<void> {
  await db.delete(idempotencyKeys).where(and(byKey(scope, key), lte(idempotencyKeys.expiresAt, now)));
}

/** Takes over an in-flight record whose request died (crash) before finishing; answers whether it did. */
export async function takeOverStale(db: Db, scope: string, key: string, staleBefore: Date, now: Date): Promise<boolean> {
  const rows = await db
    .update(idempotencyKeys)
    .set({ createdAt: now })
    .where(and(byKey(scope, key), eq(idempotencyKeys.status, 'in_flight'), lt(idempotencyKeys.createdAt, staleBefore)))
    .returning({ key: idempotencyKeys.key });
  return rows.length > 0;
}

export async function markDone(db: Db, scope: string, key: string, response: { status: number; body: unknown }): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ status: 'done', responseStatus: response.status, responseBody: response.body ?? null })
    .where(byKey(scope, key));
}

export async function deleteInFlight(db: Db, scope: string, key: string): Promise<void> {
  await db.delete(idempotencyKeys).where(and(byKey(scope, key), eq(idempotencyKeys.status, 'in_flight')));
}

export async function deleteExpiredKeys(db: Db, now: Date): Promise<number> {
  const rows = await db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now)).returning({ key: idempotencyKeys.key });
  return rows.length;
}
