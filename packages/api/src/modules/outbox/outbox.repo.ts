import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { OutboxKind, OutboxStatus, WebhookEvent } from '@harbour/shared';
import type { Db } from '../../db/client';
import { prepared } from '../../db/prepared';
import { outboxAttempts, outboxMessages, webhookSubscriptions } from '../../db/schema/index';

export type OutboxMessageRow = typeof outboxMessages.$inferSelect;
export type NewOutboxMessageRow = typeof outboxMessages.$inferInsert;
export type OutboxAttemptRow = typeof outboxAttempts.$inferSelect;
export type WebhookSubscriptionRow = typeof webhookSubscriptions.$inferSelect;

/** A message ready to be written: an e-mail already rendered, or a webhook event for a partner's subscriptions. */
export type OutboxWrite =
  | { kind: 'email'; topic: string; recipient: string; participantId: string | null; payload: Record<string, unknown>; isNotice: boolean }
  | { kind: 'webhook'; partnerId: string; topic: WebhookEvent; payload: Record<string, unknown> };

/** Subscriptions of a partner to an event that still take deliveries (not deleted, not disabled). */
const liveSubscriptionsOf = (partnerId: Placeholder, event: Placeholder) =>
  and(
    eq(webhookSubscriptions.partnerId, partnerId),
    sql`${webhookSubscriptions.events} @> array[${event}::text]`,
    isNull(webhookSubscriptions.deletedAt),
    isNull(webhookSubscriptions.disabledAt),
  );

/**
 * The INSERT that writes `write` to the outbox, due at placeholder `at`, its values as placeholders
 * named with `prefix` (see outboxValues), answering the ids written. A webhook event becomes one
 * pending delivery per live subscription of the partner to its topic: the subscriptions are read by
 * the INSERT itself, not fetched first (a partner with none costs nothing more). For a statement of
 * its own, or as a WITH query of the statement that writes the change causing it.
 */
export function outboxInsert(write: Pick<OutboxWrite, 'kind'>, prefix: string): SQL {
  const p = (name: string) => sql.placeholder(`${prefix}${name}`);
  const at = sql`${sql.placeholder('at')}::timestamptz`;
  if (write.kind === 'email') {
    return sql`insert into ${outboxMessages} (kind, topic, recipient, participant_id, payload, is_notice, next_attempt_at, created_at, updated_at)
      values ('email', ${p('topic')}::text, ${p('recipient')}::text, ${p('participantId')}::uuid, ${p('payload')}::jsonb, ${p('isNotice')}::boolean, ${at}, ${at}, ${at})
      returning id`;
  }
  return sql`insert into ${outboxMessages} (kind, topic, partner_id, subscription_id, payload, next_attempt_at, created_at, updated_at)
    select 'webhook', ${p('topic')}::text, ${webhookSubscriptions.partnerId}, ${webhookSubscriptions.id}, ${p('payload')}::jsonb, ${at}, ${at}, ${at}
    from ${webhookSubscriptions}
    where ${liveSubscriptionsOf(p('partnerId'), p('topic'))}
    returning id`;
}

/** The placeholder values of `outboxInsert(write, prefix)` (`at` is the statement's own). */
export function outboxValues(write: OutboxWrite, prefix: string): Record<string, unknown> {
  const { kind: _kind, payload, ...rest } = write;
  return Object.fromEntries([['payload', JSON.stringify(payload)], ...Object.entries(rest)].map(([k, v]) => [`${prefix}${k}`, v]));
}

/** Writes one message (prepared, one statement per kind), due at `at`. Answers the ids written. */
export async function insertOutboxMessage(db: Db, write: OutboxWrite, at: Date): Promise<string[]> {
  const rows = await prepared(db, `outbox_insert_${write.kind}`, (db, name) => {
    const written = db.$with('written', { id: sql<string>`id` }).as(outboxInsert(write, ''));
    return db.with(written).select({ id: sql<string>`id` }).from(written).prepare(name);
  }).execute({ ...outboxValues(write, ''), at: at.toISOString() });
  return rows.map((r) => r.id);
}

export async function findSubscriptionsByIds(db: Db, ids: string[]): Promise<WebhookSubscriptionRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(webhookSubscriptions).where(inArray(webhookSubscriptions.id, ids));
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

/** Whether the message has a recorded attempt numbered `limit` or more, before attempt `before`. */
export async function attemptedPast(db: Db, messageId: string, limit: number, before: number): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(outboxAttempts)
    .where(and(eq(outboxAttempts.messageId, messageId), gte(outboxAttempts.attempt, limit), lt(outboxAttempts.attempt, before)))
    .limit(1);
  return row !== undefined;
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
  // A sealed secret is kept only while the message may still be sent.
  const ended = values.status !== undefined && values.status !== 'pending';
  const [row] = await db
    .update(outboxMessages)
    .set({ ...values, ...(ended && { sealed: null }), updatedAt: now })
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

/** Keeps the encrypted copy of a message that carries a secret (outbox.service enqueueSealed). */
export async function sealMessage(db: Db, id: string, sealed: string): Promise<void> {
  // `payload.sealed` says so for good: once the secret is cleared, the copy without it is never sent.
  await db
    .update(outboxMessages)
    .set({ sealed, payload: sql`${outboxMessages.payload} || '{"sealed": true}'::jsonb` })
    .where(eq(outboxMessages.id, id));
}

/** Cancels the e-mails of one template still waiting for a recipient (a set-password link replaced by a newer one). */
export async function cancelPendingEmails(db: Db, recipient: string, topic: string, reason: string, now: Date): Promise<void> {
  await db
    .update(outboxMessages)
    .set({ status: 'cancelled', lastError: reason, sealed: null, updatedAt: now })
    .where(and(eq(outboxMessages.kind, 'email'), eq(outboxMessages.recipient, recipient), eq(outboxMessages.topic, topic), eq(outboxMessages.status, 'pending')));
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
