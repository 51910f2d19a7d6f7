import { and, eq, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { prepared } from '../../db/prepared';
import { ENCRYPTED_FIELDS, decryptField, encryptField } from '../../lib/encryption';
import { idempotencyKeys } from '../../db/schema/index';

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;

const byKey = (scope: string, key: string) => and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));

/**
 * Claims the key for a new request in one statement: inserts it in flight, or, when the caller's
 * record for it has expired, replaces that record (no moment where the key is free for another
 * request to take). Answers undefined when a live record holds the key (in flight or done).
 * Concurrent claims queue on the row: the one that waits re-checks the expiry against the row the
 * first one wrote, so only one of them owns the key.
 */
export async function claimKey(
  db: Db,
  values: { scope: string; key: string; requestHash: string; expiresAt: Date },
  now: Date,
): Promise<IdempotencyKeyRow | undefined> {
  const p = sql.placeholder;
  const [row] = await prepared(db, 'idempotency_claim', (db, name) =>
    db
      .insert(idempotencyKeys)
      .values({ scope: p('scope'), key: p('key'), requestHash: p('requestHash'), expiresAt: p('expiresAt'), status: 'in_flight' })
      .onConflictDoUpdate({
        target: [idempotencyKeys.scope, idempotencyKeys.key],
        set: {
          requestHash: sql`excluded.request_hash`,
          status: sql`excluded.status`,
          responseStatus: sql`excluded.response_status`,
          responseBody: sql`excluded.response_body`,
          createdAt: sql`excluded.created_at`,
          expiresAt: sql`excluded.expires_at`,
        },
        setWhere: lte(idempotencyKeys.expiresAt, p('now')),
      })
      .returning()
      .prepare(name),
  ).execute({ ...values, now });
  return row;
}

export async function findIdempotencyKey(db: Db, scope: string, key: string): Promise<IdempotencyKeyRow | undefined> {
  const [row] = await db.select().from(idempotencyKeys).where(byKey(scope, key)).limit(1);
  return row;
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

/** The answer's body as stored: its JSON, encrypted (it may hold personal data). */
function sealResponseBody(body: unknown): string | null {
  return body === undefined || body === null ? null : encryptField(JSON.stringify(body), ENCRYPTED_FIELDS.idempotencyResponse);
}

/** A stored answer's body (one written before encryption at rest is read as it is). */
export function openResponseBody(stored: string | null): unknown {
  return stored === null ? null : (JSON.parse(decryptField(stored, ENCRYPTED_FIELDS.idempotencyResponse)) as unknown);
}

export async function markDone(db: Db, scope: string, key: string, response: { status: number; body: unknown }): Promise<void> {
  const p = sql.placeholder;
  await prepared(db, 'idempotency_done', (db, name) =>
    db
      .update(idempotencyKeys)
      .set({ status: 'done', responseStatus: sql`${p('status')}::integer`, responseBody: sql`${p('body')}::text` })
      .where(and(eq(idempotencyKeys.scope, p('scope')), eq(idempotencyKeys.key, p('key'))))
      .prepare(name),
  ).execute({ scope, key, status: response.status, body: sealResponseBody(response.body) });
}

export async function deleteInFlight(db: Db, scope: string, key: string): Promise<void> {
  await db.delete(idempotencyKeys).where(and(byKey(scope, key), eq(idempotencyKeys.status, 'in_flight')));
}

export async function deleteExpiredKeys(db: Db, now: Date): Promise<number> {
  const rows = await db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now)).returning({ key: idempotencyKeys.key });
  return rows.length;
}
