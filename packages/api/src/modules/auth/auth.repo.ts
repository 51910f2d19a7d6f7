import { and, count, eq, gt, isNull, lt, min } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { loginFailures, refreshSessions } from '../../db/schema/index';

export type RefreshSessionRow = typeof refreshSessions.$inferSelect;

export async function insertRefreshSession(db: Db, values: typeof refreshSessions.$inferInsert): Promise<void> {
  await db.insert(refreshSessions).values(values);
}

export async function findRefreshSessionByHashForUpdate(db: Db, tokenHash: string): Promise<RefreshSessionRow | undefined> {
  const [row] = await db.select().from(refreshSessions).where(eq(refreshSessions.tokenHash, tokenHash)).for('update').limit(1);
  return row;
}

export async function markRotated(db: Db, id: string, at: Date): Promise<void> {
  await db.update(refreshSessions).set({ rotatedAt: at }).where(eq(refreshSessions.id, id));
}

export async function revokeFamily(db: Db, familyId: string, at: Date): Promise<void> {
  await db
    .update(refreshSessions)
    .set({ revokedAt: at })
    .where(and(eq(refreshSessions.familyId, familyId), isNull(refreshSessions.revokedAt)));
}

export async function revokeAllForUser(db: Db, userId: string, at: Date): Promise<void> {
  await db
    .update(refreshSessions)
    .set({ revokedAt: at })
    .where(and(eq(refreshSessions.userId, userId), isNull(refreshSessions.revokedAt)));
}

export async function recordLoginFailure(db: Db, accountKey: string, addressKey: string): Promise<void> {
  await db.insert(loginFailures).values({ accountKey, addressKey });
  // Keep the table small: nothing older than a day matters to throttling.
  await db.delete(loginFailures).where(lt(loginFailures.at, new Date(Date.now() - 24 * 3600_000)));
}

export async function clearLoginFailures(db: Db, accountKey: string, addressKey: string): Promise<void> {
  await db.delete(loginFailures).where(and(eq(loginFailures.accountKey, accountKey), eq(loginFailures.addressKey, addressKey)));
}

/** Failures since `since` for this account from this address, and from this address overall. */
export async function countLoginFailures(db: Db, accountKey: string, addressKey: string, since: Date) {
  const [pair] = await db
    .select({ n: count(), oldest: min(loginFailures.at) })
    .from(loginFailures)
    .where(and(eq(loginFailures.accountKey, accountKey), eq(loginFailures.addressKey, addressKey), gt(loginFailures.at, since)));
  const [address] = await db
    .select({ n: count(), oldest: min(loginFailures.at) })
    .from(loginFailures)
    .where(and(eq(loginFailures.addressKey, addressKey), gt(loginFailures.at, since)));
  return {
    pair: { n: pair?.n ?? 0, oldest: pair?.oldest ?? null },
    address: { n: address?.n ?? 0, oldest: address?.oldest ?? null },
  };
}
