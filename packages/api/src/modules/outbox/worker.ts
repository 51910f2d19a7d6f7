// The outbox worker: claims due messages with FOR UPDATE SKIP LOCKED in a short transaction (safe with
// several instances), delivers them outside any transaction, records every attempt, retries with
// back-off, and after the last failure marks the message failed and tells the admins.
import type { FastifyBaseLogger } from 'fastify';
import type { OutboxKind } from '@harbour/shared';
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import { startScheduler } from '../../jobs/scheduler';
import { openSecret } from '../../lib/sealed';
import { createMailer, type Mailer } from '../email/mailer';
import { postWebhook } from '../webhooks/deliver';
import { webhookHeaders } from '../webhooks/signing';
import {
  attemptedPast,
  cancelPendingForSubscription,
  claimDueMessages,
  disableSubscription,
  findSubscriptionsByIds,
  holdDueEmails,
  insertAttempt,
  settleMessage,
  type OutboxMessageRow,
  type WebhookSubscriptionRow,
} from './outbox.repo';
import { enqueueFailureNotice, openSealed } from './outbox.service';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Wait before retry n (after failed attempt n): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. */
export const RETRY_DELAYS_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR] as const;
/** The first attempt and one per retry delay; after that the message is failed. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** How long a claim holds a message: a worker that dies mid-delivery delays it by this much at most. */
export const CLAIM_LEASE_MS = 2 * MINUTE;

export interface OutboxDeps {
  /** null: no mail server (SMTP_URL unset); e-mails are held for admins. */
  mailer: Mailer | null;
  /** WEBHOOK_ALLOW_PRIVATE. */
  allowPrivateWebhooks: boolean;
  log?: FastifyBaseLogger;
  /** Messages claimed per round (default 20). */
  batchSize?: number;
  /** Webhook answer time limit (default 15 s). */
  webhookTimeoutMs?: number;
}

export interface OutboxRun {
  claimed: number;
  delivered: number;
  retrying: number;
  failed: number;
  held: number;
  cancelled: number;
}

type Outcome =
  | { kind: 'delivered'; responseStatus: number | null }
  | { kind: 'failed'; responseStatus: number | null; error: string }
  /** 410 Gone: the receiver wants no more; the subscription is disabled. */
  | { kind: 'gone'; responseStatus: number }
  /** Nothing to deliver to any more (subscription deleted or disabled): no attempt made. */
  | { kind: 'cancelled'; reason: string };

const short = (message: string) => message.replace(/\s+/g, ' ').trim().slice(0, 500);

async function attemptEmail(message: OutboxMessageRow, mailer: Mailer): Promise<Outcome> {
  const p = message.payload as { subject?: unknown; text?: unknown; html?: unknown; sealed?: unknown };
  if (!message.recipient || typeof p.subject !== 'string' || typeof p.text !== 'string' || typeof p.html !== 'string') {
    return { kind: 'failed', responseStatus: null, error: 'The stored e-mail is incomplete.' };
  }
  if (p.sealed === true && !message.sealed) {
    // Its one-time link was cleared when it was delivered or given up: sending the copy without it helps nobody.
    return { kind: 'cancelled', reason: 'The one-time link in this message is no longer kept. Issue a new set-password link instead.' };
  }
  const { text, html } = message.sealed ? openSealed(message.sealed) : { text: p.text, html: p.html };
  try {
    await mailer.send({ id: message.id, to: message.recipient, subject: p.subject, text, html });
    return { kind: 'delivered', responseStatus: 250 };
  } catch (err) {
    const e = err as { responseCode?: number; message?: string };
    return { kind: 'failed', responseStatus: typeof e.responseCode === 'number' ? e.responseCode : null, error: short(e.message ?? 'SMTP error') };
  }
}

async function attemptWebhook(message: OutboxMessageRow, subscription: WebhookSubscriptionRow | undefined, deps: OutboxDeps, now: Date): Promise<Outcome> {
  if (!subscription || subscription.deletedAt) return { kind: 'cancelled', reason: 'The subscription was deleted.' };
  if (subscription.disabledAt) return { kind: 'cancelled', reason: 'The subscription is disabled.' };
  // The same bytes on every attempt (webhook-id stays the message id: receivers deduplicate on it).
  const body = JSON.stringify(message.payload);
  const headers = webhookHeaders(openSecret(subscription.secret), message.id, now, body);
  const result = await postWebhook(subscription.url, headers, body, { allowPrivate: deps.allowPrivateWebhooks }, deps.webhookTimeoutMs);
  if (result.status !== null && result.status >= 200 && result.status < 300) return { kind: 'delivered', responseStatus: result.status };
  if (result.status === 410) return { kind: 'gone', responseStatus: 410 };
  return { kind: 'failed', responseStatus: result.status, error: result.error ?? `The receiver answered HTTP ${result.status}.` };
}

/** Records one attempt's outcome and decides what happens next, in one short transaction. */
async function settle(db: Db, message: OutboxMessageRow, outcome: Outcome, now: Date, durationMs: number, log?: FastifyBaseLogger) {
  const attempt = message.attempts;
  return db.transaction(async (tx) => {
    if (outcome.kind !== 'cancelled') {
      await insertAttempt(tx, {
        messageId: message.id,
        attempt,
        at: now,
        ok: outcome.kind === 'delivered',
        responseStatus: outcome.responseStatus,
        error: outcome.kind === 'failed' ? outcome.error : outcome.kind === 'gone' ? 'The receiver answered 410 Gone.' : null,
        durationMs,
      });
    }
    switch (outcome.kind) {
      case 'delivered':
        await settleMessage(tx, message.id, attempt, { status: 'delivered', deliveredAt: now, lastError: null }, now);
        return 'delivered' as const;
      case 'cancelled':
        await settleMessage(tx, message.id, attempt, { status: 'cancelled', lastError: outcome.reason }, now);
        return 'cancelled' as const;
      case 'gone': {
        const reason = 'The receiver answered 410 Gone: the subscription was disabled.';
        await settleMessage(tx, message.id, attempt, { status: 'cancelled', lastError: reason }, now);
        if (message.subscriptionId) {
          await disableSubscription(tx, message.subscriptionId, reason, now);
          await cancelPendingForSubscription(tx, message.subscriptionId, reason, now);
        }
        log?.warn({ messageId: message.id, subscriptionId: message.subscriptionId }, 'webhook subscription disabled (410 Gone)');
        return 'cancelled' as const;
      }
      case 'failed': {
        if (attempt < MAX_ATTEMPTS) {
          const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1] ?? 24 * HOUR;
          await settleMessage(tx, message.id, attempt, { lastError: outcome.error, nextAttemptAt: new Date(now.getTime() + delay) }, now);
          return 'retrying' as const;
        }
        const failed = await settleMessage(tx, message.id, attempt, { status: 'failed', lastError: outcome.error }, now);
        // Tell the admins once, when the schedule is first spent: also when the attempt that spent it was
        // lost (a crash after the claim makes the next one attempt 11), but not again after a manual
        // redelivery (an earlier attempt past the schedule was recorded).
        if (failed && !(await attemptedPast(tx, message.id, MAX_ATTEMPTS, attempt))) await enqueueFailureNotice(tx, failed, now);
        log?.error({ messageId: message.id, kind: message.kind, attempts: attempt }, 'outbox message failed after every retry');
        return 'failed' as const;
      }
    }
  });
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/**
 * One round: claims what is due at `now` (tests pass a later `now` instead of sleeping), delivers it
 * and records the outcomes. Answers what happened.
 */
export async function runOutboxOnce(db: Db, deps: OutboxDeps, now: Date = new Date()): Promise<OutboxRun> {
  const batch = deps.batchSize ?? 20;
  const kinds: OutboxKind[] = deps.mailer ? ['email', 'webhook'] : ['webhook'];
  const { claimed, held } = await db.transaction(async (tx) => ({
    held: deps.mailer ? 0 : await holdDueEmails(tx, now, batch),
    claimed: await claimDueMessages(tx, now, kinds, batch, CLAIM_LEASE_MS),
  }));
  const run: OutboxRun = { claimed: claimed.length, delivered: 0, retrying: 0, failed: 0, held, cancelled: 0 };
  if (claimed.length === 0) return run;

  const subscriptionIds = [...new Set(claimed.map((m) => m.subscriptionId).filter((id): id is string => id !== null))];
  const subscriptions = new Map((await findSubscriptionsByIds(db, subscriptionIds)).map((s) => [s.id, s]));

  // A round may take a minute (slow receivers): each webhook is signed with the time it is sent,
  // counted on from `now` (receivers refuse a webhook-timestamp minutes old).
  const roundStarted = performance.now();
  const clock = () => new Date(now.getTime() + Math.round(performance.now() - roundStarted));
  await inParallel(claimed, 5, async (message) => {
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome =
        message.kind === 'email'
          ? await attemptEmail(message, deps.mailer as Mailer)
          : await attemptWebhook(message, message.subscriptionId ? subscriptions.get(message.subscriptionId) : undefined, deps, clock());
    } catch (err) {
      outcome = { kind: 'failed', responseStatus: null, error: short(err instanceof Error ? err.message : 'delivery error') };
    }
    const durationMs = Math.round(performance.now() - started);
    try {
      const result = await settle(db, message, outcome, now, durationMs, deps.log);
      run[result]++;
    } catch (err) {
      // The claim lapses after the lease and the message is tried again.
      deps.log?.error({ err, messageId: message.id }, 'could not record an outbox attempt');
    }
  });
  return run;
}

export interface OutboxWorker {
  /** Runs a round now (also what the timer does). */
  tick(): Promise<void>;
  /** Stops the timer, waits for the round in progress, closes the mail connection. */
  stop(): Promise<void>;
}

/** Starts the in-process worker: a round every OUTBOX_POLL_MS. Call `stop()` on shutdown. */
export function startOutboxWorker({ db, config, log }: { db: Db; config: Config; log: FastifyBaseLogger }): OutboxWorker {
  const mailer = createMailer(config);
  const deps: OutboxDeps = { mailer, allowPrivateWebhooks: config.WEBHOOK_ALLOW_PRIVATE, log };
  if (!mailer) log.warn('SMTP_URL is not set: e-mails are held in the outbox (GET /v1/outbox) instead of being sent');
  const scheduler = startScheduler(
    [
      {
        name: 'outbox',
        async run(now) {
          let total = 0;
          // Drain a backlog in a few rounds, then leave the rest to the next tick. Each round claims with
          // the time it starts: claims leased from a time minutes old would have lapsed already.
          for (let round = 0; round < 10; round++) {
            const r = await runOutboxOnce(db, deps, round === 0 ? now : new Date());
            total += r.claimed + r.held;
            if (r.claimed + r.held < (deps.batchSize ?? 20)) break;
          }
          return total;
        },
      },
    ],
    { intervalMs: config.OUTBOX_POLL_MS, log },
  );
  return {
    tick: scheduler.tick,
    async stop() {
      await scheduler.stop();
      mailer?.close();
    },
  };
}
