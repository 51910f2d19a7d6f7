// Enrolments, the waitlist and attendance: request and response schemas.
import { z } from 'zod';
import { AttendanceStatusSchema, CohortStatusSchema, EnrolmentStatusSchema, PaymentStatusSchema } from './course-rules';
import { LimitSchema, CursorSchema } from './pagination';

const instant = z.iso.datetime();
const nullableInstant = instant.nullable();

export const EnrolmentSchema = z
  .object({
    id: z.uuid(),
    cohortId: z.uuid(),
    courseId: z.uuid(),
    participantId: z.uuid(),
    status: EnrolmentStatusSchema,
    /** 1-based place on the cohort's waitlist (first come, first served); only while waitlisted. */
    waitlistPosition: z.number().int().min(1).optional(),
    queuedAt: instant,
    offeredAt: nullableInstant,
    /** While `offered`: the offer lapses at this instant and the seat goes to the next person. */
    offerExpiresAt: nullableInstant,
    confirmedAt: nullableInstant,
    completedAt: nullableInstant,
    /** When the enrolment ended (withdrawn, removed, declined, expired). */
    endedAt: nullableInstant,
    paymentStatus: PaymentStatusSchema,
    paymentNote: z.string().nullable(),
    refundDue: z.boolean(),
    manualIssuedAt: nullableInstant,
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Enrolment' });
export type Enrolment = z.infer<typeof EnrolmentSchema>;

export const CreateEnrolmentBodySchema = z.strictObject({ participantId: z.uuid() }).meta({ id: 'CreateEnrolmentBody' });
export type CreateEnrolmentBody = z.infer<typeof CreateEnrolmentBodySchema>;

/** Body of withdraw / remove / decline: an optional reason, kept in the enrolment's history. */
export const EnrolmentActionBodySchema = z
  .strictObject({ reason: z.string().trim().min(1).max(1000).optional() })
  .meta({ id: 'EnrolmentActionBody' });
export type EnrolmentActionBody = z.infer<typeof EnrolmentActionBodySchema>;

export const UpdateEnrolmentBodySchema = z
  .strictObject({
    paymentStatus: PaymentStatusSchema.optional(),
    /** Required (the reason) when the payment is waived. */
    paymentNote: z.string().trim().max(1000).nullable().optional(),
    manualIssuedAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .meta({ id: 'UpdateEnrolmentBody' });
export type UpdateEnrolmentBody = z.infer<typeof UpdateEnrolmentBodySchema>;

export const SessionAttendanceSchema = z
  .object({
    sessionId: z.uuid(),
    /** 1-based order of the session within the cohort. */
    position: z.number().int().min(1),
    /** null: not recorded yet. */
    status: AttendanceStatusSchema.nullable(),
  })
  .meta({ id: 'SessionAttendance' });
export type SessionAttendance = z.infer<typeof SessionAttendanceSchema>;

export const RosterParticipantSchema = z
  .object({
    id: z.uuid(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
  })
  .meta({ id: 'RosterParticipant' });

export const RosterEntrySchema = EnrolmentSchema.extend({
  participant: RosterParticipantSchema,
  /** One entry per session of the cohort, in order. */
  attendance: z.array(SessionAttendanceSchema),
}).meta({ id: 'RosterEntry' });
export type RosterEntry = z.infer<typeof RosterEntrySchema>;

export const RosterQuerySchema = z.strictObject({
  limit: LimitSchema,
  cursor: CursorSchema.optional(),
  status: EnrolmentStatusSchema.optional(),
});
export type RosterQuery = z.infer<typeof RosterQuerySchema>;

export const RosterPageSchema = z
  .object({ items: z.array(RosterEntrySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'RosterPage' });
export type RosterPage = z.infer<typeof RosterPageSchema>;

export const AttendanceEntrySchema = z.strictObject({
  enrolmentId: z.uuid(),
  status: AttendanceStatusSchema,
});
export const RecordAttendanceBodySchema = z.array(AttendanceEntrySchema).min(1).max(500).meta({ id: 'RecordAttendanceBody' });
export type RecordAttendanceBody = z.infer<typeof RecordAttendanceBodySchema>;

export const AttendanceRecordSchema = z
  .object({
    enrolmentId: z.uuid(),
    sessionId: z.uuid(),
    status: AttendanceStatusSchema,
    recordedAt: instant,
  })
  .meta({ id: 'AttendanceRecord' });
export type AttendanceRecord = z.infer<typeof AttendanceRecordSchema>;

export const SessionAttendanceListSchema = z
  .object({ sessionId: z.uuid(), items: z.array(AttendanceRecordSchema) })
  .meta({ id: 'SessionAttendanceList' });
export type SessionAttendanceList = z.infer<typeof SessionAttendanceListSchema>;

export const ENROLMENT_ACTOR_KINDS = ['staff', 'system', 'partner'] as const;

export const EnrolmentEventSchema = z
  .object({
    id: z.uuid(),
    /** null for the first event (the enrolment was created). */
    from: EnrolmentStatusSchema.nullable(),
    to: EnrolmentStatusSchema,
    actor: z.object({ kind: z.enum(ENROLMENT_ACTOR_KINDS), id: z.uuid().nullable(), name: z.string().optional() }),
    note: z.string().nullable(),
    at: instant,
  })
  .meta({ id: 'EnrolmentEvent' });
export type EnrolmentEvent = z.infer<typeof EnrolmentEventSchema>;

export const EnrolmentHistorySchema = z
  .object({ enrolmentId: z.uuid(), items: z.array(EnrolmentEventSchema) })
  .meta({ id: 'EnrolmentHistory' });
export type EnrolmentHistory = z.infer<typeof EnrolmentHistorySchema>;

/** One of a person's enrolments, as their record shows it: which cohort, where they stand, payment. */
export const ParticipantEnrolmentSchema = z
  .object({
    id: z.uuid(),
    courseId: z.uuid(),
    cohort: z.object({
      id: z.uuid(),
      title: z.string(),
      status: CohortStatusSchema,
      /** null while the cohort has no sessions yet. */
      firstSessionAt: nullableInstant,
    }),
    status: EnrolmentStatusSchema,
    /** 1-based place on the cohort's waitlist; only while waitlisted. */
    waitlistPosition: z.number().int().min(1).optional(),
    /** While `offered`: the offer lapses at this instant. */
    offerExpiresAt: nullableInstant,
    paymentStatus: PaymentStatusSchema,
    /** When the enrolment ended (withdrawn, removed, declined, expired). */
    endedAt: nullableInstant,
    createdAt: instant,
  })
  .meta({ id: 'ParticipantEnrolment' });
export type ParticipantEnrolment = z.infer<typeof ParticipantEnrolmentSchema>;

/**
 * A person's enrolments, newest first. Not paginated: one person has a handful (at most one live per
 * course), like an enrolment's history. Facilitators get only those in cohorts assigned to them.
 */
export const ParticipantEnrolmentListSchema = z
  .object({ participantId: z.uuid(), items: z.array(ParticipantEnrolmentSchema) })
  .meta({ id: 'ParticipantEnrolmentList' });
export type ParticipantEnrolmentList = z.infer<typeof ParticipantEnrolmentListSchema>;

/** Cells of a spreadsheet export that a spreadsheet would run as a formula get a leading apostrophe. */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}
