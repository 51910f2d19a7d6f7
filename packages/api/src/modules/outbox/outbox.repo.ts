import { and, arrayContains, asc, desc, eq, inArray, isNull, lt, lte, or, sql, type Placeholder } from 'drizzle-orm';
import type { OutboxKind, OutboxStatus, WebhookEvent } from '@harbour/shared';
import type { Db } from '../../db/client';
import { prepared } from '../../db/prepared';
import { outboxAttempts, outboxMessages, users, webhookSubscriptions } from '../../db/schema/index';

export type OutboxMessageRow = typeof outboxMessages.$inferSelect;
export type NewOutboxMessageRow = typeof outboxMessages.$inferInsert;
export type OutboxAttemptRow = typeof outboxAttempts.$inferSelect;
export type WebhookSubscriptionRow = typeof webhookSubscriptions.$inferSelect;

/** One pending e-mail, due now (prepared: every enrolment change that tells the person writes one). */
export async function insertEmailMessage(
  db: Db,
  message: { topic: string; recipient: string; payload: Record<string, unknown>; isNotice: boolean; at: Date },
): Promise<string> {
  const p = sql.placeholder;
  const [row] = await prepared(db, 'outbox_insert_email', (db, name) =>
    db
      .insert(outboxMessages)
      .values({
        kind: 'email',
        topic: p('topic'),
        recipient: p('recipient'),
        payload: p('payload'),
        isNotice: p('isNotice'),
        nextAttemptAt: p('at'),
        createdAt: p('at'),
        updatedAt: p('at'),
      })
      .returning({ id: outboxMessages.id })
      .prepare(name),
  ).execute(message);
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

/** Subscriptions of a partner to an event that still take deliveries (not deleted, not disabled). */
const liveSubscriptionsOf = (partnerId: Placeholder, event: Placeholder) =>
  and(
    eq(webhookSubscriptions.partnerId, partnerId),
    sql`${webhookSubscriptions.events} @> array[${event}::text]`,
    isNull(webhookSubscriptions.deletedAt),
    isNull(webhookSubscriptions.disabledAt),
  );

/**
 * Writes one pending webhook delivery of `payload` per live subscription of the partner to `topic`,
 * in one statement: the subscriptions are read by the INSERT itself, not fetched first (a partner
 * with none costs the same single round trip). Answers the ids written.
 */
export async function insertWebhookFanOut(
  db: Db,
  fanOut: { partnerId: string; topic: WebhookEvent; payload: Record<string, unknown>; at: Date },
): Promise<string[]> {
  const rows = await prepared(db, 'outbox_insert_webhook_fan_out', (db, name) => {
    const p = sql.placeholder;
    const at = sql`${p('at')}::timestamptz`;
    const fan = db.$with('fan', { id: sql<string>`id` }).as(sql`
      insert into ${outboxMessages} (kind, topic, partner_id, subscription_id, payload, next_attempt_at, created_at, updated_at)
      select 'webhook', ${p('topic')}::text, ${webhookSubscriptions.partnerId}, ${webhookSubscriptions.id}, ${p('payload')}::jsonb, ${at}, ${at}, ${at}
      from ${webhookSubscriptions}
      where ${liveSubscriptionsOf(p('partnerId'), p('topic'))}
      returning id`);
    return db.with(fan).select({ id: sql<string>`id` }).from(fan).prepare(name);
  }).execute({ partnerId: fanOut.partnerId, topic: fanOut.topic, payload: JSON.stringify(fanOut.payload), at: fanOut.at.toISOString() });
  return rows.map((r) => r.id);
}

export async function findSubscriptionsByIds(db: Db, ids: string[]): Promise<WebhookSubscriptionRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(webhookSubscriptions).where(inArray(webhookSubscriptions.id, ids));
}

/** E-mail addresses of the active admins (for notices). */
export async function listAdminEmails(db: Db): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(users)
    .where(and(arrayContains(users.roles, ['admin']), isNull(users.disabledAt)));
  return rows.map((r) => r.email);
}

function dueIds(db: Db, now: Date, kinds: OutboxKind[], limit: number) {
  return db
    .select({ id: outboxMessages.id })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.status, 'pending'), lte(outboxMessages.nextAttemptAt, now), inArray(outboxMessages.kind, kinds)))
    .orderBy(asc(outboxMessages.nextAttemptAt), asc(outboxMessages.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/**
 * Claims due messages of these kinds: locks them (skipping rows another worker holds), counts the
 * attempt and pushes nextAttemptAt out by the lease, so a worker that dies mid-delivery only delays
 * them. Run it inside a transaction that commits at once.
 */
export async function claimDueMessages(db: Db, now: Date, kinds: OutboxKind[], limit: number, leaseMs: number): Promise<OutboxMessageRow[]> {
  const due = await dueIds(db, now, kinds, limit);
  if (due.length === 0) return [];
  return db
    .update(outboxMessages)
    .set({ attempts: sql`${outboxMessages.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + leaseMs), updatedAt: now })
    .where(
      inArray(
        outboxMessages.id,
        due.map((d) => d.id),
      ),
    )
    .returning();
}

/** No mail server configured: due e-mails are held for admins instead of attempted. Answers how many. */
export async function holdDueEmails(db: Db, now: Date, limit: number): Promise<number> {
  const due = await dueIds(db, now, ['email'], limit);
  if (due.length === 0) return 0;
  const held = await db
    .update(outboxMessages)
    .set({ status: 'held', updatedAt: now })
    .where(
      inArray(
        outboxMessages.id,
        due.map((d) => d.id),
      ),
    )
    .returning({ id: outboxMessages.id });
  return held.length;
}

export async function insertAttempt(db: Db, row: typeof outboxAttempts.$inferInsert): Promise<void> {
  await db.insert(outboxAttempts).values(row);
}

/**
 * Records the outcome of the claimed attempt `attempt`; changes nothing when the claim is no longer
 * ours (the lease lapsed and another worker took the message): answers the row when it did.
 */
export async function settleMessage(
  db: Db,
  id: string,
  attempt: number,
  values: Partial<Pick<OutboxMessageRow, 'status' | 'nextAttemptAt' | 'lastError' | 'deliveredAt'>>,
  now: Date,
): Promise<OutboxMessageRow | undefined> {
  const [row] = await db
    .update(outboxMessages)
    .set({ ...values, updatedAt: now })
    .where(and(eq(outboxMessages.id, id), eq(outboxMessages.attempts, attempt), eq(outboxMessages.status, 'pending')))
    .returning();
  return row;
}

/** Cancels what is still waiting for a subscription (deleted or disabled). */
export async function cancelPendingForSubscription(db: Db, subscriptionId: string, reason: string, now: Date): Promise<void> {
  await db
    .update(outboxMessages)
    .set({ status: 'cancelled', lastError: reason, updatedAt: now })
    .where(and(eq(outboxMessages.subscriptionId, subscriptionId), eq(outboxMessages.status, 'pending')));
}

export async function disableSubscription(db: Db, id: string, reason: string, now: Date): Promise<void> {
  await db
    .update(webhookSubscriptions)
    .set({ disabledAt: now, disabledReason: reason })
    .where(and(eq(webhookSubscriptions.id, id), isNull(webhookSubscriptions.disabledAt)));
}

/** Keyset page, newest first, ordered by (createdAt, id). */
export async function listMessages(
  db: Db,
  opts: { limit: number; status?: OutboxStatus; kind?: OutboxKind; subscriptionId?: string; after?: { createdAt: Date; id: string } },
): Promise<OutboxMessageRow[]> {
  return db
    .select()
    .from(outboxMessages)
    .where(
      and(
        opts.status ? eq(outboxMessages.status, opts.status) : undefined,
        opts.kind ? eq(outboxMessages.kind, opts.kind) : undefined,
        opts.subscriptionId ? eq(outboxMessages.subscriptionId, opts.subscriptionId) : undefined,
        opts.after
          ? or(
              lt(outboxMessages.createdAt, opts.after.createdAt),
              and(eq(outboxMessages.createdAt, opts.after.createdAt), lt(outboxMessages.id, opts.after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
    .limit(opts.limit);
}

export async function findMessageById(db: Db, id: string): Promise<OutboxMessageRow | undefined> {
  const [row] = await db.select().from(outboxMessages).where(eq(outboxMessages.id, id)).limit(1);
  return row;
}

export async function listAttemptsFor(db: Db, messageIds: string[]): Promise<OutboxAttemptRow[]> {
  if (messageIds.length === 0) return [];
  return db
    .select()
    .from(outboxAttempts)
    .where(inArray(outboxAttempts.messageId, messageIds))
    .orderBy(asc(outboxAttempts.messageId), asc(outboxAttempts.attempt), asc(outboxAttempts.at));
}

/** Makes a message due again now (redelivery), whatever its state. */
export async function requeueMessage(db: Db, id: string, now: Date): Promise<OutboxMessageRow | undefined> {
  const [row] = await db
    .update(outboxMessages)
    .set({ status: 'pending', nextAttemptAt: now, deliveredAt: null, updatedAt: now })
    .where(eq(outboxMessages.id, id))
    .returning();
  return row;
}
