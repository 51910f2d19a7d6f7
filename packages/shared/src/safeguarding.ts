// Safeguarding concerns: raised by facilitators and coordinators, read and resolved only by
// safeguarding leads and admins. Never part of exports, partner views or webhooks.
import { z } from 'zod';
import { PageQuerySchema } from './pagination';

export const SAFEGUARDING_STATUSES = ['open', 'resolved'] as const;
export const SafeguardingStatusSchema = z.enum(SAFEGUARDING_STATUSES);
export type SafeguardingStatus = z.infer<typeof SafeguardingStatusSchema>;

export const SAFEGUARDING_STATUS_LABELS: Record<SafeguardingStatus, string> = { open: 'Open', resolved: 'Resolved' };

const ConcernText = z.string().trim().min(1, 'Describe the concern').max(10_000, 'Use at most 10,000 characters');

/** About a participant, a cohort, or both (then the participant must be enrolled in the cohort). */
export const RaiseSafeguardingConcernBodySchema = z
  .strictObject({
    participantId: z.uuid().optional(),
    cohortId: z.uuid().optional(),
    summary: ConcernText,
  })
  .refine((b) => b.participantId !== undefined || b.cohortId !== undefined, {
    message: 'Name the participant or the cohort the concern is about',
    path: ['participantId'],
  })
  .meta({ id: 'RaiseSafeguardingConcernBody' });
export type RaiseSafeguardingConcernBody = z.infer<typeof RaiseSafeguardingConcernBodySchema>;

export const ResolveSafeguardingConcernBodySchema = z
  .strictObject({ resolution: ConcernText })
  .meta({ id: 'ResolveSafeguardingConcernBody' });
export type ResolveSafeguardingConcernBody = z.infer<typeof ResolveSafeguardingConcernBodySchema>;

export const SafeguardingConcernListQuerySchema = PageQuerySchema.extend({
  status: SafeguardingStatusSchema.optional(),
  participantId: z.uuid().optional(),
  cohortId: z.uuid().optional(),
});
export type SafeguardingConcernListQuery = z.infer<typeof SafeguardingConcernListQuerySchema>;

/** What the person who raised a concern gets back: no content (they may not read concerns). */
export const SafeguardingConcernReceiptSchema = z
  .object({ id: z.uuid(), status: SafeguardingStatusSchema, raisedAt: z.iso.datetime() })
  .meta({ id: 'SafeguardingConcernReceipt' });
export type SafeguardingConcernReceipt = z.infer<typeof SafeguardingConcernReceiptSchema>;

const StaffRef = z.object({ id: z.uuid(), name: z.string() });

export const SafeguardingConcernSchema = z
  .object({
    id: z.uuid(),
    participant: z.object({ id: z.uuid(), firstName: z.string(), lastName: z.string(), erased: z.boolean() }).nullable(),
    cohort: z.object({ id: z.uuid(), title: z.string() }).nullable(),
    raisedBy: StaffRef,
    raisedAt: z.iso.datetime(),
    summary: z.string(),
    status: SafeguardingStatusSchema,
    resolvedBy: StaffRef.nullable(),
    resolvedAt: z.iso.datetime().nullable(),
    resolution: z.string().nullable(),
  })
  .meta({ id: 'SafeguardingConcern' });
export type SafeguardingConcern = z.infer<typeof SafeguardingConcernSchema>;
