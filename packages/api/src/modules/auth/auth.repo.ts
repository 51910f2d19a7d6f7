import { and, count, eq, gt, isNull, lt, min, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { loginFailures, mfaChallenges, mfaRecoveryCodes, refreshSessions, users } from '../../db/schema/index';

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

/** Answers the new row's id. */
export async function recordLoginFailure(db: Db, accountKey: string, addressKey: string): Promise<string> {
  const [row] = await db.insert(loginFailures).values({ accountKey, addressKey }).returning({ id: loginFailures.id });
  return row!.id;
}

/** Deletes failures recorded before `before`; answers how many. */
export async function deleteLoginFailuresBefore(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(loginFailures).where(lt(loginFailures.at, before)).returning({ id: loginFailures.id });
  return rows.length;
}

export async function deleteLoginFailure(db: Db, id: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.id, id));
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

// --- two-step verification -------------------------------------------------------------------

export type MfaChallengeRow = typeof mfaChallenges.$inferSelect;

export async function insertMfaChallenge(db: Db, userId: string, expiresAt: Date): Promise<MfaChallengeRow> {
  // Keep the table small: expired challenges are of no further use.
  await db.delete(mfaChallenges).where(lt(mfaChallenges.expiresAt, new Date(Date.now() - 24 * 3600_000)));
  const [row] = await db.insert(mfaChallenges).values({ userId, expiresAt }).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findMfaChallengeForUpdate(db: Db, id: string): Promise<MfaChallengeRow | undefined> {
  const [row] = await db.select().from(mfaChallenges).where(eq(mfaChallenges.id, id)).for('update').limit(1);
  return row;
}

export async function updateMfaChallenge(db: Db, id: string, values: { usedAt?: Date; failedAttempts?: number }): Promise<void> {
  await db.update(mfaChallenges).set(values).where(eq(mfaChallenges.id, id));
}

/** Records the time step of an accepted TOTP code; false when that step (or a later one) was already used. */
export async function claimTotpTimeStep(db: Db, userId: string, timeStep: number): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ mfaLastTimeStep: timeStep })
    .where(and(eq(users.id, userId), or(isNull(users.mfaLastTimeStep), lt(users.mfaLastTimeStep, timeStep))))
    .returning({ id: users.id });
  return rows.length === 1;
}

export async function replaceRecoveryCodes(db: Db, userId: string, codeHashes: string[]): Promise<void> {
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
  if (codeHashes.length) await db.insert(mfaRecoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
}

/** Marks an unused recovery code used; false when there is no such unused code. Atomic: single use. */
export async function consumeRecoveryCode(db: Db, userId: string, codeHash: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(mfaRecoveryCodes)
    .set({ usedAt: at })
    .where(and(eq(mfaRecoveryCodes.userId, userId), eq(mfaRecoveryCodes.codeHash, codeHash), isNull(mfaRecoveryCodes.usedAt)))
    .returning({ id: mfaRecoveryCodes.id });
  return rows.length === 1;
}

// --- ending sessions -------------------------------------------------------------------------

/** Revokes every live refresh session of the user except those of `keepFamilyId`. */
export async function revokeOtherFamilies(db: Db, userId: string, keepFamilyId: string, at: Date): Promise<void> {
  await db
    .update(refreshSessions)
    .set({ revokedAt: at })
    .where(and(eq(refreshSessions.userId, userId), ne(refreshSessions.familyId, keepFamilyId), isNull(refreshSessions.revokedAt)));
}

/** Bumps the user's session generation: every access token and refresh session issued before stops working. */
export async function bumpSessionGeneration(db: Db, userId: string, at: Date): Promise<number | undefined> {
  const [row] = await db
    .update(users)
    .set({ sessionGeneration: sql`${users.sessionGeneration} + 1`, sessionsValidAfter: at })
    .where(eq(users.id, userId))
    .returning({ generation: users.sessionGeneration });
  return row?.generation;
}
