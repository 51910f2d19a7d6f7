import type {
  CreatedWebhookSubscription,
  CreateWebhookBody,
  PageQuery,
  WebhookDelivery,
  WebhookEvent,
  WebhookSubscription,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { AppError, invalidState, notFound } from '../../lib/app-error';
import { decodeCursor, toPage } from '../../lib/cursor';
import { sealSecret } from '../../lib/sealed';
import {
  cancelPendingForSubscription,
  listAttemptsFor,
  listMessages,
  requeueMessage,
  type OutboxAttemptRow,
  type OutboxMessageRow,
  type WebhookSubscriptionRow,
} from '../outbox/outbox.repo';
import { newWebhookSecret } from './signing';
import { checkWebhookUrl, type UrlPolicy } from './url-guard';
import { findDelivery, findPartnerSubscription, insertSubscription, listPartnerSubscriptions, markSubscriptionDeleted } from './webhooks.repo';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toWebhookSubscription(row: WebhookSubscriptionRow): WebhookSubscription {
  return { id: row.id, url: row.url, events: row.events, disabledAt: iso(row.disabledAt), createdAt: row.createdAt.toISOString() };
}

function toDelivery(row: OutboxMessageRow, attempts: OutboxAttemptRow[]): WebhookDelivery {
  return {
    id: row.id,
    event: row.topic as WebhookEvent,
    status: row.status,
    payload: row.payload,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      at: a.at.toISOString(),
      ok: a.ok,
      responseStatus: a.responseStatus,
      error: a.error,
      durationMs: a.durationMs,
    })),
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: iso(row.deliveredAt),
  };
}

function afterOf(cursor: string | undefined) {
  if (!cursor) return undefined;
  const [createdAt, id] = decodeCursor(cursor, 2);
  const after = { createdAt: new Date(String(createdAt)), id: String(id) };
  if (Number.isNaN(after.createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(after.id)) decodeCursor('', 2);
  return after;
}

/** Refuses URLs that are not https or that reach private, loopback or link-local addresses. */
export async function assertWebhookUrlAllowed(url: string, policy: UrlPolicy): Promise<void> {
  const check = await checkWebhookUrl(url, policy);
  if (!check.ok) {
    throw new AppError('WEBHOOK_URL_NOT_ALLOWED', 422, check.reason, { errors: [{ path: 'url', message: check.reason }] });
  }
}

/**
 * Subscribes a partner; the signing secret is answered here once and never again. Checks the URL
 * first (which may look its host up in DNS, so before any transaction), then stores the subscription
 * through `store` (the route's audited transaction; by default straight into `db`).
 */
export async function createWebhook(
  db: Db,
  partnerId: string,
  body: CreateWebhookBody,
  policy: UrlPolicy,
  store: (write: (tx: Db) => Promise<CreatedWebhookSubscription>) => Promise<CreatedWebhookSubscription> = (write) => write(db),
): Promise<CreatedWebhookSubscription> {
  await assertWebhookUrlAllowed(body.url, policy);
  const secret = newWebhookSecret();
  return store(async (tx) => {
    const row = await insertSubscription(tx, { partnerId, url: body.url, events: body.events, secret: sealSecret(secret) });
    return { ...toWebhookSubscription(row), secret };
  });
}

export async function listWebhookPage(db: Db, partnerId: string, query: PageQuery) {
  const rows = await listPartnerSubscriptions(db, partnerId, { limit: query.limit + 1, after: afterOf(query.cursor) });
  const page = toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: page.items.map(toWebhookSubscription), nextCursor: page.nextCursor };
}

/** Deletes a subscription: nothing more is sent to it, what was waiting is cancelled. */
export async function deleteWebhook(db: Db, partnerId: string, id: string, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await findPartnerSubscription(tx, partnerId, id);
    if (!row) throw notFound('webhook subscription');
    await markSubscriptionDeleted(tx, id, now);
    await cancelPendingForSubscription(tx, id, 'The subscription was deleted.', now);
  });
}

/** The delivery log of one subscription, newest first, each delivery with its attempts. */
export async function listDeliveryPage(db: Db, partnerId: string, id: string, query: PageQuery) {
  const subscription = await findPartnerSubscription(db, partnerId, id);
  if (!subscription) throw notFound('webhook subscription');
  const rows = await listMessages(db, { limit: query.limit + 1, subscriptionId: id, after: afterOf(query.cursor) });
  const page = toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
  const attempts = await listAttemptsFor(
    db,
    page.items.map((r) => r.id),
  );
  return { items: page.items.map((r) => toDelivery(r, attempts.filter((a) => a.messageId === r.id))), nextCursor: page.nextCursor };
}

/**
 * Sends a delivery again, with the same webhook-id and body (receivers that already have it can
 * drop it). Refused while the subscription is disabled.
 */
export async function redeliverWebhook(db: Db, partnerId: string, id: string, deliveryId: string, now = new Date()): Promise<WebhookDelivery> {
  return db.transaction(async (tx) => {
    const subscription = await findPartnerSubscription(tx, partnerId, id);
    if (!subscription) throw notFound('webhook subscription');
    const delivery = await findDelivery(tx, id, deliveryId);
    if (!delivery) throw notFound('delivery');
    if (subscription.disabledAt) throw invalidState('This subscription is disabled (the receiver answered 410 Gone). Subscribe again to receive events.');
    const requeued = await requeueMessage(tx, delivery.id, now);
    if (!requeued) throw notFound('delivery');
    return toDelivery(requeued, await listAttemptsFor(tx, [delivery.id]));
  });
}
