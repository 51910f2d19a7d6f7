// Referrals from partner organisations: request/response schemas and the referral life cycle.
import { z } from 'zod';
import { PageQuerySchema } from './pagination';
import { ParticipantEmailSchema, PersonNameSchema, PhoneSchema, RelationshipSchema } from './participants';

/**
 * received ─▶ contacted ─▶ enrolled (linked to a participant and enrolment) ─▶ completed
 *     └──────────┴─▶ declined (reason code) / withdrawn
 */
export const REFERRAL_STATUSES = ['received', 'contacted', 'enrolled', 'completed', 'declined', 'withdrawn'] as const;
export const ReferralStatusSchema = z.enum(REFERRAL_STATUSES);
export type ReferralStatus = z.infer<typeof ReferralStatusSchema>;

export const REFERRAL_STATUS_LABELS: Record<ReferralStatus, string> = {
  received: 'Received',
  contacted: 'Contacted',
  enrolled: 'Enrolled',
  completed: 'Completed',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
};

const REFERRAL_TRANSITIONS: Record<ReferralStatus, readonly ReferralStatus[]> = {
  received: ['contacted', 'declined', 'withdrawn'],
  contacted: ['enrolled', 'declined', 'withdrawn'],
  enrolled: ['completed'],
  completed: [],
  declined: [],
  withdrawn: [],
};

/** The referral life cycle, for the API (which enforces it) and the console (which offers only these). */
export function canReferralTransition(from: ReferralStatus, to: ReferralStatus): boolean {
  return REFERRAL_TRANSITIONS[from].includes(to);
}

export function nextReferralStatuses(from: ReferralStatus): readonly ReferralStatus[] {
  return REFERRAL_TRANSITIONS[from];
}

/** Why a referral was declined. A code, never free text: it may reach reports. Partners never see it. */
export const REFERRAL_DECLINE_REASONS = ['not_eligible', 'not_reachable', 'declined_by_person', 'duplicate', 'other'] as const;
export const ReferralDeclineReasonSchema = z.enum(REFERRAL_DECLINE_REASONS);
export type ReferralDeclineReason = z.infer<typeof ReferralDeclineReasonSchema>;

export const REFERRAL_DECLINE_REASON_LABELS: Record<ReferralDeclineReason, string> = {
  not_eligible: 'Not eligible for the course',
  not_reachable: 'Could not be reached',
  declined_by_person: 'The person declined',
  duplicate: 'Duplicate referral',
  other: 'Other',
};

export const CreateReferralBodySchema = z
  .strictObject({
    person: z
      .strictObject({
        firstName: PersonNameSchema,
        lastName: PersonNameSchema,
        email: ParticipantEmailSchema.optional(),
        phone: PhoneSchema.optional(),
      })
      .refine((p) => p.email !== undefined || p.phone !== undefined, {
        message: 'Give an e-mail address or a phone number (or both)',
        path: ['email'],
      }),
    /** The referred person's relationship to the person who offended (or is accused). */
    relationship: RelationshipSchema,
    consentToShare: z
      .boolean()
      .optional()
      .describe('Must be `true`: the person agreed to be referred. `false` or missing → 422 CONSENT_REQUIRED.'),
    referrer: z.strictObject({
      name: z.string().trim().min(1, 'Enter a name').max(200, 'Use at most 200 characters'),
      email: ParticipantEmailSchema,
      phone: PhoneSchema.optional(),
    }),
    /** For staff only; partners never read it back. No offence detail. */
    note: z.string().trim().min(1).max(2000, 'Use at most 2000 characters').optional(),
  })
  .meta({ id: 'CreateReferralBody' });
export type CreateReferralBody = z.infer<typeof CreateReferralBodySchema>;

export const ReferralSessionDateSchema = z
  .object({ startsAt: z.iso.datetime(), endsAt: z.iso.datetime() })
  .meta({ id: 'ReferralSessionDate' });
export type ReferralSessionDate = z.infer<typeof ReferralSessionDateSchema>;

/** Once enrolled: the dates of the cohort's sessions. Nothing else of the cohort. */
export const ReferralCohortSchema = z
  .object({ sessions: z.array(ReferralSessionDateSchema) })
  .nullable()
  .describe('Once enrolled (or completed): the cohort’s session dates; otherwise null');

/**
 * What a partner sees of its referral: its status and, once enrolled, the session dates. Never
 * declarations, notes, attendance, decline reasons or safeguarding records. Strict, so a staff view
 * can never be serialised as a partner one.
 */
export const PartnerReferralSchema = z
  .strictObject({
    id: z.uuid(),
    status: ReferralStatusSchema,
    cohort: ReferralCohortSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'PartnerReferral' });
export type PartnerReferral = z.infer<typeof PartnerReferralSchema>;

/** Everything, for staff. */
export const StaffReferralSchema = z
  .strictObject({
    id: z.uuid(),
    status: ReferralStatusSchema,
    cohort: ReferralCohortSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    partner: z.object({ id: z.uuid(), name: z.string() }),
    person: z.object({
      firstName: z.string(),
      lastName: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
    }),
    relationship: RelationshipSchema,
    consentToShare: z.literal(true),
    referrer: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }),
    note: z.string().nullable(),
    declineReason: ReferralDeclineReasonSchema.nullable(),
    participantId: z.uuid().nullable(),
    enrolmentId: z.uuid().nullable(),
    statusChangedAt: z.iso.datetime(),
  })
  .meta({ id: 'StaffReferral' });
export type StaffReferral = z.infer<typeof StaffReferralSchema>;

/** GET answers: staff get the staff view, partners the partner view. */
export const ReferralSchema = z.union([StaffReferralSchema, PartnerReferralSchema]).meta({ id: 'Referral' });
export type Referral = z.infer<typeof ReferralSchema>;

export const ReferralListQuerySchema = PageQuerySchema.extend({
  status: ReferralStatusSchema.optional(),
  partnerId: z.uuid().optional().describe('Staff only; partners always see their own'),
});
export type ReferralListQuery = z.infer<typeof ReferralListQuerySchema>;

export const ChangeReferralStatusBodySchema = z
  .discriminatedUnion('status', [
    z.strictObject({ status: z.literal('contacted') }),
    z.strictObject({ status: z.literal('enrolled'), participantId: z.uuid(), enrolmentId: z.uuid() }),
    z.strictObject({ status: z.literal('completed') }),
    z.strictObject({ status: z.literal('declined'), reason: ReferralDeclineReasonSchema }),
    z.strictObject({ status: z.literal('withdrawn') }),
  ])
  .meta({ id: 'ChangeReferralStatusBody' });
export type ChangeReferralStatusBody = z.infer<typeof ChangeReferralStatusBodySchema>;
