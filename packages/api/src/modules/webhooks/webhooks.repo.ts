import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { outboxMessages, webhookSubscriptions } from '../../db/schema/index';
import type { OutboxMessageRow, WebhookSubscriptionRow } from '../outbox/outbox.repo';

const isUuid = (id: string) => /^[0-9a-f-]{36}$/i.test(id);

export async function insertSubscription(db: Db, values: typeof webhookSubscriptions.$inferInsert): Promise<WebhookSubscriptionRow> {
  const [row] = await db.insert(webhookSubscriptions).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** A partner's own subscription (another partner's, or a deleted one, is undefined). */
export async function findPartnerSubscription(db: Db, partnerId: string, id: string): Promise<WebhookSubscriptionRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.id, id), eq(webhookSubscriptions.partnerId, partnerId), isNull(webhookSubscriptions.deletedAt)))
    .limit(1);
  return row;
}

/** Keyset page of a partner's subscriptions, newest first. */
export async function listPartnerSubscriptions(
  db: Db,
  partnerId: string,
  opts: { limit: number; after?: { createdAt: Date; id: string } },
): Promise<WebhookSubscriptionRow[]> {
  return db
    .select()
    .from(webhookSubscriptions)
    .where(
      and(
        eq(webhookSubscriptions.partnerId, partnerId),
        isNull(webhookSubscriptions.deletedAt),
        opts.after
          ? or(
              lt(webhookSubscriptions.createdAt, opts.after.createdAt),
              and(eq(webhookSubscriptions.createdAt, opts.after.createdAt), lt(webhookSubscriptions.id, opts.after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(webhookSubscriptions.createdAt), desc(webhookSubscriptions.id))
    .limit(opts.limit);
}

export async function markSubscriptionDeleted(db: Db, id: string, now: Date): Promise<void> {
  await db.update(webhookSubscriptions).set({ deletedAt: now }).where(eq(webhookSubscriptions.id, id));
}

export async function findDelivery(db: Db, subscriptionId: string, id: string): Promise<OutboxMessageRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.id, id), eq(outboxMessages.subscriptionId, subscriptionId)))
    .limit(1);
  return row;
}
