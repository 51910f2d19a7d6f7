// The outbox's public face. Other modules call `enqueue(tx, message)` inside the transaction of the
// change that causes the message: it is sent only if that transaction commits, and survives a crash
// between commit and delivery (the worker picks it up).
import type { OutboxListQuery, OutboxMessage, WebhookEvent } from '@harbour/shared';
import type { Db } from '../../db/client';
import { decodeCursor, toPage } from '../../lib/cursor';
import { renderEmail, type EmailTemplate, type EmailTemplates } from '../email/templates';
import { ENCRYPTED_FIELDS, decryptField, encryptField } from '../../lib/encryption';
import { listActiveStaffWithRole } from '../users/users.repo';
import { insertOutboxMessage, listMessages, sealMessage, type OutboxMessageRow, type OutboxWrite } from './outbox.repo';

/** An e-mail from one of the templates in modules/email/templates.ts. */
export type EmailMessage = {
  [K in EmailTemplate]: { kind: 'email'; to: string; template: K; data: EmailTemplates[K]; /** When it goes to a participant. */ participantId?: string };
}[EmailTemplate];

/**
 * An event for a partner: one delivery is written per live subscription of that partner to `topic`
 * (none when it has none). Keep `payload` thin: ids, status, times; never personal data.
 */
export interface WebhookMessage {
  kind: 'webhook';
  partnerId: string;
  topic: WebhookEvent;
  payload: Record<string, string | number | boolean | null>;
}

export type OutgoingMessage = EmailMessage | WebhookMessage;

/** The body of a webhook delivery, per Standard Webhooks: `{ type, timestamp, data }`. */
export interface WebhookBody {
  type: WebhookEvent;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * Writes `message` to the outbox with `tx`, the transaction of the change that causes it. E-mails are
 * rendered now, so what admins see in the outbox is exactly what is sent. Answers the ids written.
 */
export async function enqueue(tx: Db, message: OutgoingMessage, now: Date = new Date()): Promise<string[]> {
  return insertOutboxMessage(tx, toOutboxWrite(message, now), now);
}

/**
 * What `enqueue` writes for `message`, for a statement that writes its cause and its messages together
 * (outbox.repo outboxInsert). E-mails are rendered now, so what admins see in the outbox is exactly what is sent.
 */
export function toOutboxWrite(message: OutgoingMessage, now: Date): OutboxWrite {
  if (message.kind === 'email') {
    const rendered = renderEmail(message.template, message.data as never);
    return {
      kind: 'email',
      topic: message.template,
      recipient: message.to,
      participantId: message.participantId ?? null,
      payload: { ...rendered },
      isNotice: message.template === 'delivery_failed',
    };
  }
  const body: WebhookBody = { type: message.topic, timestamp: now.toISOString(), data: message.payload };
  return { kind: 'webhook', partnerId: message.partnerId, topic: message.topic, payload: { ...body } };
}

/**
 * Writes an e-mail that carries a secret (a one-time link). `message` is rendered without it (its data
 * with the secret left out): that copy is what is stored in the clear and what admins see. `secret` is
 * the same template's data with the secret, rendered, encrypted and kept beside it (`sealed`) until
 * the message is delivered or given up. The e-mail itself is rendered from the sealed copy.
 */
export async function enqueueSealed<K extends EmailTemplate>(
  tx: Db,
  message: Extract<EmailMessage, { template: K }>,
  secret: EmailTemplates[K],
  now: Date = new Date(),
): Promise<string> {
  const [id] = await enqueue(tx, message, now);
  if (!id) throw new Error('the outbox wrote no message');
  const { text, html } = renderEmail(message.template, secret);
  await sealMessage(tx, id, encryptField(JSON.stringify({ text, html }), ENCRYPTED_FIELDS.outboxSealed));
  return id;
}

/** The text and HTML of a sealed e-mail (enqueueSealed), for sending. */
export function openSealed(sealed: string): { text: string; html: string } {
  const body = JSON.parse(decryptField(sealed, ENCRYPTED_FIELDS.outboxSealed)) as { text?: unknown; html?: unknown };
  if (typeof body.text !== 'string' || typeof body.html !== 'string') throw new Error('a sealed e-mail without its text');
  return { text: body.text, html: body.html };
}

/** Tells every active admin that a message was given up on (by e-mail, through the outbox itself). */
export async function enqueueFailureNotice(tx: Db, failed: OutboxMessageRow, now: Date): Promise<void> {
  // A notice that itself fails is not noticed again: no chain of notices about notices.
  if (failed.isNotice) return;
  for (const { email: to } of await listActiveStaffWithRole(tx, 'admin')) {
    await enqueue(
      tx,
      {
        kind: 'email',
        to,
        template: 'delivery_failed',
        data: { messageId: failed.id, kind: failed.kind, topic: failed.topic, attempts: failed.attempts },
      },
      now,
    );
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const str = (v: unknown) => (typeof v === 'string' ? v : null);

export function toOutboxMessage(row: OutboxMessageRow): OutboxMessage {
  return {
    id: row.id,
    kind: row.kind,
    topic: row.topic,
    status: row.status,
    recipient: row.recipient,
    subject: row.kind === 'email' ? str(row.payload.subject) : null,
    text: row.kind === 'email' ? str(row.payload.text) : null,
    partnerId: row.partnerId,
    subscriptionId: row.subscriptionId,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: iso(row.deliveredAt),
  };
}

export async function listOutboxPage(db: Db, query: OutboxListQuery) {
  let after: { createdAt: Date; id: string } | undefined;
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, 2);
    after = { createdAt: new Date(String(createdAt)), id: String(id) };
    if (Number.isNaN(after.createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(after.id)) decodeCursor('', 2);
  }
  const rows = await listMessages(db, { limit: query.limit + 1, status: query.status, kind: query.kind, after });
  const page = toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: page.items.map(toOutboxMessage), nextCursor: page.nextCursor };
}
