// Partner webhook subscriptions and their delivery log (Standard Webhooks signing).
import { z } from 'zod';
import { OutboxStatusSchema } from './outbox';

/**
 * referral.status_changed: `{ referralId, status, previousStatus, changedAt }`.
 * referral.erased: `{ referralId }`: the referred person's details were erased at their request or
 * under the retention rule; the referral reads as erased from now on.
 */
export const WEBHOOK_EVENTS = ['referral.status_changed', 'referral.erased'] as const;
export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

const instant = z.iso.datetime();

export const CreateWebhookBodySchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).max(2000).describe('https:// URL that receives the events'),
    events: z
      .array(WebhookEventSchema)
      .min(1, 'Choose at least one event')
      .refine((e) => new Set(e).size === e.length, 'Give each event once'),
  })
  .meta({ id: 'CreateWebhookBody' });
export type CreateWebhookBody = z.infer<typeof CreateWebhookBodySchema>;

export const WebhookSubscriptionSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(WebhookEventSchema),
    /** Set when the receiver answered 410 Gone: nothing more is sent to it. */
    disabledAt: instant.nullable(),
    createdAt: instant,
  })
  .meta({ id: 'WebhookSubscription' });
export type WebhookSubscription = z.infer<typeof WebhookSubscriptionSchema>;

export const CreatedWebhookSubscriptionSchema = WebhookSubscriptionSchema.extend({
  secret: z.string().describe('whsec_… signing secret (Standard Webhooks). Shown once: store it now.'),
}).meta({ id: 'CreatedWebhookSubscription' });
export type CreatedWebhookSubscription = z.infer<typeof CreatedWebhookSubscriptionSchema>;

export const WebhookAttemptSchema = z
  .object({
    attempt: z.number().int(),
    at: instant,
    ok: z.boolean(),
    responseStatus: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
  })
  .meta({ id: 'WebhookAttempt' });
export type WebhookAttempt = z.infer<typeof WebhookAttemptSchema>;

export const WebhookDeliverySchema = z
  .object({
    /** Also the `webhook-id` header: the same on every attempt and redelivery (deduplicate on it). */
    id: z.uuid(),
    event: WebhookEventSchema,
    status: OutboxStatusSchema,
    /** The JSON body sent: `{ type, timestamp, data }`. */
    payload: z.record(z.string(), z.unknown()),
    attempts: z.array(WebhookAttemptSchema),
    nextAttemptAt: instant.nullable(),
    createdAt: instant,
    deliveredAt: instant.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
