// The outbox: everything that leaves Harbour (e-mail, webhook deliveries) is a row written in the same
// transaction as the change that causes it, then delivered by the in-process worker with retries.
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { OutboxKind, OutboxStatus, WebhookEvent } from '@harbour/shared';
import { ts } from './columns';
import { partners } from './partners';

/** A partner's subscription to events; deliveries are signed with its secret (Standard Webhooks). */
export const webhookSubscriptions = pgTable(
  'webhook_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id),
    url: text('url').notNull(),
    events: text('events').array().$type<WebhookEvent[]>().notNull(),
    /** whsec_… secret, always read and written through lib/sealed.ts. */
    secret: text('secret').notNull(),
    /** Set when the receiver answered 410 Gone: no more deliveries. */
    disabledAt: ts('disabled_at'),
    disabledReason: text('disabled_reason'),
    /** Deleted by the partner: hidden, its delivery log kept for the record. */
    deletedAt: ts('deleted_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_subscriptions_partner_idx').on(t.partnerId, t.createdAt)],
);

export const outboxMessages = pgTable(
  'outbox_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<OutboxKind>().notNull(),
    /** E-mail template name, or webhook event type. */
    topic: text('topic').notNull(),
    /** E-mail: the address. Webhook: null. */
    recipient: text('recipient'),
    /** The participant an e-mail is to (erasure finds their messages by it, whatever address they had then). */
    participantId: uuid('participant_id'),
    partnerId: uuid('partner_id').references(() => partners.id),
    subscriptionId: uuid('subscription_id').references(() => webhookSubscriptions.id),
    /** E-mail: the rendered { subject, text, html }. Webhook: the exact JSON body sent (same on every attempt). */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /**
     * An e-mail that carries a secret (a set-password link): its real { text, html }, encrypted at rest
     * (lib/encryption, outbox_messages.sealed), while `payload` holds the same e-mail without the secret
     * (what admins see). Sent from here, and cleared once the message is delivered or given up.
     */
    sealed: text('sealed'),
    status: text('status').$type<OutboxStatus>().notNull().default('pending'),
    /** Attempts started so far. */
    attempts: integer('attempts').notNull().default(0),
    /** When the worker may next take it (also the lease of a claimed row: a crashed worker's claim lapses). */
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    /** A notice to admins about another message: never itself the cause of a further notice. */
    isNotice: boolean('is_notice').notNull().default(false),
    deliveredAt: ts('delivered_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('outbox_messages_kind_valid', sql`${t.kind} IN ('email','webhook')`),
    check('outbox_messages_status_valid', sql`${t.status} IN ('pending','delivered','held','failed','cancelled')`),
    check('outbox_messages_target', sql`(${t.kind} = 'email' AND ${t.recipient} IS NOT NULL) OR (${t.kind} = 'webhook' AND ${t.subscriptionId} IS NOT NULL)`),
    index('outbox_messages_participant_idx').on(t.participantId),
    index('outbox_messages_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('outbox_messages_status_idx').on(t.status, t.createdAt),
    index('outbox_messages_subscription_idx').on(t.subscriptionId, t.createdAt),
  ],
);

/** One row per delivery attempt: when, how long, and what the other side answered. */
export const outboxAttempts = pgTable(
  'outbox_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => outboxMessages.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    at: ts('at').notNull(),
    ok: boolean('ok').notNull(),
    /** HTTP status of a webhook answer, or the SMTP reply code. */
    responseStatus: integer('response_status'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('outbox_attempts_message_idx').on(t.messageId, t.attempt)],
);
