// Cohorts and their sessions: request and response schemas.
import { z } from 'zod';
import { COHORT_STATUSES, CohortStatusSchema, type CohortStatus } from './course-rules';
import { CursorSchema, LimitSchema } from './pagination';

const instant = z.iso.datetime();
const instantInput = z.iso.datetime({ offset: true });

export const DELIVERY_MODES = ['online', 'in_person'] as const;
export const DeliveryModeSchema = z.enum(DELIVERY_MODES);
export type DeliveryMode = z.infer<typeof DeliveryModeSchema>;

/** A joining link for online sessions: https only, to a real domain name. */
export const JoiningLinkSchema = z.url({
  protocol: /^https$/,
  hostname: z.regexes.domain,
  error: 'Enter the joining link as a full https:// address.',
});

const VenueSchema = z.string().trim().min(1).max(500);
const TitleSchema = z.string().trim().min(1).max(200);

/** One session of a schedule as entered: its start; the end follows from the course's session length. */
export const SessionStartSchema = z.strictObject({ startsAt: instantInput });

const ScheduleSchema = z
  .array(SessionStartSchema)
  .max(20)
  .describe('The sessions in order; the count, length, order and days are checked against the course (422 SCHEDULE_INVALID).');

const AllowSameDaySchema = z
  .boolean()
  .optional()
  .describe('Allow two sessions on the same Europe/London day: an admin decision (403 FORBIDDEN for anyone else); default false.');

export const CreateCohortBodySchema = z
  .strictObject({
    courseId: z.uuid(),
    title: TitleSchema,
    /** Omitted: the course's limits. A cohort may narrow them, never widen (422 SIZE_LIMITS_INVALID). */
    minParticipants: z.number().int().optional(),
    maxParticipants: z.number().int().optional(),
    deliveryMode: DeliveryModeSchema,
    /** Required (in person) before publishing; a draft may be created without it. */
    venue: VenueSchema.nullish(),
    /** Required (online) before publishing; a draft may be created without it. */
    joiningLink: JoiningLinkSchema.nullish(),
    /** When enrolment closes; omitted or null: when the first session starts. */
    enrolmentDeadline: instantInput.nullish(),
    sessions: ScheduleSchema,
    allowSameDay: AllowSameDaySchema,
  })
  .meta({ id: 'CreateCohortBody' });
export type CreateCohortBody = z.infer<typeof CreateCohortBodySchema>;

export const UpdateCohortBodySchema = z
  .strictObject({
    title: TitleSchema.optional(),
    minParticipants: z.number().int().optional(),
    maxParticipants: z.number().int().optional(),
    deliveryMode: DeliveryModeSchema.optional(),
    venue: VenueSchema.nullable().optional(),
    joiningLink: JoiningLinkSchema.nullable().optional(),
    enrolmentDeadline: instantInput.nullable().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Send at least one field to change.' })
  .meta({ id: 'UpdateCohortBody' });
export type UpdateCohortBody = z.infer<typeof UpdateCohortBodySchema>;

export const ReplaceSessionsBodySchema = z
  .strictObject({ sessions: ScheduleSchema, allowSameDay: AllowSameDaySchema })
  .meta({ id: 'ReplaceSessionsBody' });
export type ReplaceSessionsBody = z.infer<typeof ReplaceSessionsBodySchema>;

export const CancelCohortBodySchema = z
  .strictObject({ reason: z.string().trim().min(1, 'Give a reason for cancelling.').max(1000) })
  .meta({ id: 'CancelCohortBody' });
export type CancelCohortBody = z.infer<typeof CancelCohortBodySchema>;

export const SetFacilitatorsBodySchema = z
  .strictObject({
    userIds: z.array(z.uuid()).max(20).describe('Every facilitator of the cohort (replaces the current ones); each must have the facilitator role.'),
  })
  .meta({ id: 'SetFacilitatorsBody' });

/** Who can be given a cohort to facilitate: active staff with the facilitator role, by name. */
export const FacilitatorListSchema = z
  .object({ items: z.array(z.object({ id: z.uuid(), name: z.string() })).describe('Active staff with the facilitator role, by name') })
  .meta({ id: 'FacilitatorList' });
export type FacilitatorList = z.infer<typeof FacilitatorListSchema>;
export type SetFacilitatorsBody = z.infer<typeof SetFacilitatorsBodySchema>;

export const CohortSessionSchema = z
  .object({
    id: z.uuid(),
    /** 1-based order within the cohort. */
    position: z.number().int().min(1),
    startsAt: instant,
    endsAt: instant,
    /** The start as read in the UK, e.g. "Saturday 30 October 2027, 18:00". */
    startsAtLondon: z.string(),
  })
  .meta({ id: 'CohortSession' });
export type CohortSession = z.infer<typeof CohortSessionSchema>;

export const CohortFacilitatorSchema = z.object({ id: z.uuid(), name: z.string() }).meta({ id: 'CohortFacilitator' });
export type CohortFacilitator = z.infer<typeof CohortFacilitatorSchema>;

export const CohortSchema = z
  .object({
    id: z.uuid(),
    courseId: z.uuid(),
    title: z.string(),
    status: CohortStatusSchema,
    minParticipants: z.number().int(),
    maxParticipants: z.number().int(),
    deliveryMode: DeliveryModeSchema,
    venue: z.string().nullable(),
    joiningLink: z.string().nullable(),
    enrolmentDeadline: instant.nullable(),
    firstSessionAt: instant.nullable(),
    lastSessionEndsAt: instant.nullable(),
    sessions: z.array(CohortSessionSchema),
    facilitators: z.array(CohortFacilitatorSchema),
    confirmedCount: z.number().int(),
    offeredCount: z.number().int(),
    waitlistCount: z.number().int(),
    /** Seats held (confirmed and live offers). */
    seatsTaken: z.number().int(),
    seatsFree: z.number().int(),
    /** Open, below its minimum, and its first session within the course's `atRiskDays`. */
    atRisk: z.boolean(),
    cancelReason: z.string().nullable(),
    publishedAt: instant.nullable(),
    cancelledAt: instant.nullable(),
    completedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
    /** Optimistic concurrency: the ETag is `"<version>"`; send it back as If-Match. */
    version: z.number().int(),
  })
  .meta({ id: 'Cohort' });
export type Cohort = z.infer<typeof CohortSchema>;

export const CohortCancellationSchema = z
  .object({
    cohort: CohortSchema,
    /** Live enrolments (waitlisted, offered, confirmed) that were removed. */
    peopleAffected: z.number().int(),
    /** Enrolments whose fee had been paid and is now marked as owed back. */
    refundsDue: z.number().int(),
  })
  .meta({ id: 'CohortCancellation' });
export type CohortCancellation = z.infer<typeof CohortCancellationSchema>;

const STATUS_LIST = new RegExp(`^(${COHORT_STATUSES.join('|')})(,(${COHORT_STATUSES.join('|')}))*$`);

export const ListCohortsQuerySchema = z.strictObject({
  limit: LimitSchema,
  cursor: CursorSchema.optional(),
  status: z
    .string()
    .regex(STATUS_LIST, `One or more of ${COHORT_STATUSES.join(', ')}, separated by commas.`)
    .describe(`One status or several separated by commas (${COHORT_STATUSES.join(', ')}).`)
    .transform((s) => [...new Set(s.split(','))] as CohortStatus[])
    .optional(),
  courseId: z.uuid().optional(),
  from: instantInput.describe('Only cohorts whose first session starts at or after this instant.').optional(),
  to: instantInput.describe('Only cohorts whose first session starts before this instant.').optional(),
  atRisk: z
    .enum(['true', 'false'])
    .describe('Only cohorts at risk (true) or not at risk (false).')
    .transform((v) => v === 'true')
    .optional(),
});
export type ListCohortsQuery = z.infer<typeof ListCohortsQuerySchema>;
