// The outbox as admins see it: every e-mail and webhook delivery Harbour sends, with its state.
import { z } from 'zod';
import { PageQuerySchema } from './pagination';

export const OUTBOX_KINDS = ['email', 'webhook'] as const;
export const OutboxKindSchema = z.enum(OUTBOX_KINDS);
export type OutboxKind = z.infer<typeof OutboxKindSchema>;

/**
 * pending: waiting for its (next) attempt · delivered · held: an e-mail kept here because no mail
 * server is configured (SMTP_URL) · failed: every retry failed, admins were told · cancelled: its
 * webhook subscription was deleted or disabled before it could be delivered.
 */
export const OUTBOX_STATUSES = ['pending', 'delivered', 'held', 'failed', 'cancelled'] as const;
export const OutboxStatusSchema = z.enum(OUTBOX_STATUSES);
export type OutboxStatus = z.infer<typeof OutboxStatusSchema>;

const instant = z.iso.datetime();

export const OutboxMessageSchema = z
  .object({
    id: z.uuid(),
    kind: OutboxKindSchema,
    /** E-mail template, or webhook event type. */
    topic: z.string(),
    status: OutboxStatusSchema,
    /** E-mail only: the address. */
    recipient: z.string().nullable(),
    /** E-mail only: what is (or would be) sent, so a held message can be passed on by hand. */
    subject: z.string().nullable(),
    text: z.string().nullable(),
    /** Webhook only. */
    partnerId: z.uuid().nullable(),
    subscriptionId: z.uuid().nullable(),
    attempts: z.number().int(),
    /** While pending: when the next attempt is due. */
    nextAttemptAt: instant.nullable(),
    lastError: z.string().nullable(),
    createdAt: instant,
    deliveredAt: instant.nullable(),
  })
  .meta({ id: 'OutboxMessage' });
export type OutboxMessage = z.infer<typeof OutboxMessageSchema>;

export const OutboxListQuerySchema = PageQuerySchema.extend({
  status: OutboxStatusSchema.optional(),
  kind: OutboxKindSchema.optional(),
});
export type OutboxListQuery = z.infer<typeof OutboxListQuerySchema>;
