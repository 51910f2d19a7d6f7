// Data protection: subject access export and erasure of a participant (UK GDPR arts. 15 and 17).
import { z } from 'zod';
import { AuditActorKindSchema, AuditOutcomeSchema } from './audit';
import { AttendanceStatusSchema, CohortStatusSchema } from './course-rules';
import { DeclarationRecordSchema } from './declarations';
import { EnrolmentEventSchema, EnrolmentSchema } from './enrolments';
import { ParticipantSchema, RelationshipSchema } from './participants';
import { ReferralStatusSchema } from './referrals';

const instant = z.iso.datetime();

export const ExportedAttendanceSchema = z
  .object({
    sessionId: z.uuid(),
    position: z.number().int().min(1),
    startsAt: instant,
    status: AttendanceStatusSchema,
    recordedAt: instant,
  })
  .meta({ id: 'ExportedAttendance' });

export const ExportedEnrolmentSchema = EnrolmentSchema.extend({
  cohort: z.object({
    id: z.uuid(),
    title: z.string(),
    status: CohortStatusSchema,
    firstSessionAt: instant.nullable(),
    lastSessionEndsAt: instant.nullable(),
  }),
  /** Every state change, oldest first. */
  history: z.array(EnrolmentEventSchema),
  attendance: z.array(ExportedAttendanceSchema),
}).meta({ id: 'ExportedEnrolment' });
export type ExportedEnrolment = z.infer<typeof ExportedEnrolmentSchema>;

/** A partner's referral of the person (the referrer's own contact details are left out: third-party data). */
export const ExportedReferralSchema = z
  .object({
    id: z.uuid(),
    partner: z.object({ id: z.uuid(), name: z.string() }),
    status: ReferralStatusSchema,
    person: z.object({ firstName: z.string(), lastName: z.string(), email: z.string().nullable(), phone: z.string().nullable() }),
    relationship: RelationshipSchema,
    consentToShare: z.boolean(),
    note: z.string().nullable(),
    createdAt: instant,
  })
  .meta({ id: 'ExportedReferral' });
export type ExportedReferral = z.infer<typeof ExportedReferralSchema>;

/** One entry of the audit trail about the person: who read or changed their record, and when. */
export const ExportedAccessSchema = z
  .object({
    at: instant,
    actor: z.object({ kind: AuditActorKindSchema, id: z.uuid().nullable(), name: z.string().nullable() }),
    action: z.string(),
    outcome: AuditOutcomeSchema,
  })
  .meta({ id: 'ExportedAccess' });
export type ExportedAccess = z.infer<typeof ExportedAccessSchema>;

export const ExportedDeclarationVersionSchema = z
  .object({ id: z.uuid(), version: z.number().int(), text: z.string(), sha256: z.string() })
  .meta({ id: 'ExportedDeclarationVersion' });

/**
 * Everything held about a participant, for a subject access request. Safeguarding concerns are
 * deliberately not part of it (they never leave the safeguarding leads; disclosure of those is a
 * separate, human decision).
 */
export const ParticipantExportSchema = z
  .object({
    exportedAt: instant,
    participant: ParticipantSchema.omit({ latestDeclaration: true }),
    /** Newest first, with the answers given. */
    declarations: z.array(DeclarationRecordSchema),
    /** The exact wording of each version the person agreed to. */
    declarationVersions: z.array(ExportedDeclarationVersionSchema),
    enrolments: z.array(ExportedEnrolmentSchema),
    /** Referrals from partner organisations linked to the person. */
    referrals: z.array(ExportedReferralSchema),
    /** Who read or changed the record, oldest first (from the audit trail). */
    accessLog: z.array(ExportedAccessSchema),
  })
  .meta({ id: 'ParticipantExport' });
export type ParticipantExport = z.infer<typeof ParticipantExportSchema>;

/** What stays after an erasure: a tombstone. */
export const ErasureResultSchema = z
  .object({ id: z.uuid(), erasedAt: instant })
  .meta({ id: 'ErasureResult' });
export type ErasureResult = z.infer<typeof ErasureResultSchema>;
