import { and, asc, count, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { prepared } from '../../db/prepared';
import { partnerApiKeys, partners } from '../../db/schema/index';

export type PartnerRow = typeof partners.$inferSelect;
export type NewPartnerRow = typeof partners.$inferInsert;
export type PartnerApiKeyRow = typeof partnerApiKeys.$inferSelect;
export type NewPartnerApiKeyRow = typeof partnerApiKeys.$inferInsert;

type Keyset = { createdAt: Date; id: string };

export async function findPartnerById(db: Db, id: string): Promise<PartnerRow | undefined> {
  const [row] = await db.select().from(partners).where(eq(partners.id, id)).limit(1);
  return row;
}

/** Keyset page ordered by (createdAt, id). */
export async function listPartners(db: Db, opts: { limit: number; after?: Keyset }): Promise<PartnerRow[]> {
  const where = opts.after
    ? or(gt(partners.createdAt, opts.after.createdAt), and(eq(partners.createdAt, opts.after.createdAt), gt(partners.id, opts.after.id)))
    : undefined;
  return db.select().from(partners).where(where).orderBy(asc(partners.createdAt), asc(partners.id)).limit(opts.limit);
}

export async function insertPartner(db: Db, values: NewPartnerRow): Promise<PartnerRow> {
  const [row] = await db.insert(partners).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Keys not revoked, per partner, for the partners given (one query). */
export async function countActiveKeys(db: Db, partnerIds: string[]): Promise<Map<string, number>> {
  if (partnerIds.length === 0) return new Map();
  const rows = await db
    .select({ partnerId: partnerApiKeys.partnerId, n: count() })
    .from(partnerApiKeys)
    .where(and(inArray(partnerApiKeys.partnerId, partnerIds), isNull(partnerApiKeys.revokedAt)))
    .groupBy(partnerApiKeys.partnerId);
  return new Map(rows.map((r) => [r.partnerId, Number(r.n)]));
}

export async function insertApiKey(db: Db, values: NewPartnerApiKeyRow): Promise<PartnerApiKeyRow> {
  const [row] = await db.insert(partnerApiKeys).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findApiKey(db: Db, partnerId: string, keyId: string): Promise<PartnerApiKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(partnerApiKeys)
    .where(and(eq(partnerApiKeys.id, keyId), eq(partnerApiKeys.partnerId, partnerId)))
    .limit(1);
  return row;
}

/** Usually one row; a shared prefix is possible in principle, so the caller compares hashes. */
export async function findApiKeysByPrefix(db: Db, prefix: string): Promise<PartnerApiKeyRow[]> {
  return prepared(db, 'api_keys_by_prefix', (db, name) =>
    db.select().from(partnerApiKeys).where(eq(partnerApiKeys.prefix, sql.placeholder('prefix'))).limit(5).prepare(name),
  ).execute({ prefix });
}

export async function listApiKeys(db: Db, partnerId: string, opts: { limit: number; after?: Keyset }): Promise<PartnerApiKeyRow[]> {
  const k = partnerApiKeys;
  const after = opts.after
    ? or(gt(k.createdAt, opts.after.createdAt), and(eq(k.createdAt, opts.after.createdAt), gt(k.id, opts.after.id)))
    : undefined;
  return db
    .select()
    .from(k)
    .where(and(eq(k.partnerId, partnerId), after))
    .orderBy(asc(k.createdAt), asc(k.id))
    .limit(opts.limit);
}

export async function revokeApiKey(db: Db, keyId: string, by: string, at: Date): Promise<void> {
  await db
    .update(partnerApiKeys)
    .set({ revokedAt: at, revokedBy: by })
    .where(and(eq(partnerApiKeys.id, keyId), isNull(partnerApiKeys.revokedAt)));
}

/** Sets lastUsedAt unless another request did within the last minute (`staleBefore`). */
export async function touchApiKey(db: Db, keyId: string, at: Date, staleBefore: Date): Promise<void> {
  await db
    .update(partnerApiKeys)
    .set({ lastUsedAt: at })
    .where(and(eq(partnerApiKeys.id, keyId), or(isNull(partnerApiKeys.lastUsedAt), lt(partnerApiKeys.lastUsedAt, staleBefore))));
}
