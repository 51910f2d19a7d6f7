// Declaration versions (the wording agreed to) and declarations (the immutable evidence of eligibility).
import { z } from 'zod';
import {
  DECLARATION_QUESTION_KEYS,
  DeclarationAnswersSchema,
  EligibilityOutcomeSchema,
  EligibilityReasonSchema,
} from './eligibility';
import { PageQuerySchema } from './pagination';

export const DECLARATION_CHANNELS = ['self', 'staff', 'referral'] as const;
export const DeclarationChannelSchema = z.enum(DECLARATION_CHANNELS);
export type DeclarationChannel = z.infer<typeof DeclarationChannelSchema>;

export const DECLARATION_CHANNEL_LABELS: Record<DeclarationChannel, string> = {
  self: 'Made by the participant',
  staff: 'Taken by staff (e.g. on the phone)',
  referral: 'Through a partner referral',
};

export const DeclarationQuestionKeySchema = z.enum(DECLARATION_QUESTION_KEYS);

export const DeclarationQuestionSchema = z
  .object({ key: DeclarationQuestionKeySchema, label: z.string() })
  .meta({ id: 'DeclarationQuestion' });

export const DeclarationVersionSchema = z
  .object({
    id: z.uuid(),
    courseId: z.uuid(),
    version: z.number().int(),
    text: z.string(),
    questions: z.array(DeclarationQuestionSchema),
    sha256: z.string().describe('Hex SHA-256 of the canonical form: JSON of { text, questions: [{ key, label }] }'),
    requiresRedeclaration: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'DeclarationVersion' });
export type DeclarationVersion = z.infer<typeof DeclarationVersionSchema>;

export const CurrentDeclarationVersionQuerySchema = z.strictObject({ courseId: z.uuid() });

/** A new wording: every question key exactly once (the eligibility rule reads all four). */
export const CreateDeclarationVersionBodySchema = z.strictObject({
  courseId: z.uuid(),
  text: z.string().trim().min(1, 'Enter the declaration text').max(20_000),
  questions: z
    .array(z.strictObject({ key: DeclarationQuestionKeySchema, label: z.string().trim().min(1, 'Enter the question').max(1000) }))
    .length(DECLARATION_QUESTION_KEYS.length, `Give exactly ${DECLARATION_QUESTION_KEYS.length} questions`)
    .refine((qs) => new Set(qs.map((q) => q.key)).size === qs.length, 'Each question key must appear once'),
  requiresRedeclaration: z.boolean().default(false),
});
export type CreateDeclarationVersionBody = z.infer<typeof CreateDeclarationVersionBodySchema>;

export const CreateDeclarationBodySchema = z.strictObject({
  declarationVersionId: z.uuid(),
  channel: DeclarationChannelSchema,
  answers: DeclarationAnswersSchema,
});
export type CreateDeclarationBody = z.infer<typeof CreateDeclarationBodySchema>;

export const SignpostingSchema = z
  .object({
    summary: z.string(),
    reasons: z.array(z.string()),
    options: z.array(z.object({ name: z.string(), description: z.string() })),
  })
  .meta({ id: 'Signposting' });

export const StaffRefSchema = z.object({ id: z.uuid(), name: z.string() }).meta({ id: 'StaffRef' });
export type StaffRef = z.infer<typeof StaffRefSchema>;

const declarationFields = {
  id: z.uuid(),
  participantId: z.uuid(),
  declarationVersionId: z.uuid(),
  version: z.number().int(),
  channel: DeclarationChannelSchema,
  outcome: EligibilityOutcomeSchema,
  reasons: z.array(EligibilityReasonSchema),
  /** Who entered it; null only if no staff member did. */
  enteredBy: StaffRefSchema.nullable(),
  /** Set on a coordinator's review: the declaration it resolves, and why. */
  reviewOfId: z.uuid().nullable(),
  reviewNote: z.string().nullable(),
  createdAt: z.iso.datetime(),
};

/** A place a person held on a cohort, ended because their latest declaration made them ineligible. */
export const ReleasedPlaceSchema = z
  .object({
    enrolmentId: z.uuid(),
    cohortId: z.uuid(),
    cohortTitle: z.string(),
    /** What they held: a confirmed seat, an offer of one, or a waitlist place. */
    previousStatus: z.enum(['confirmed', 'offered', 'waitlisted']),
  })
  .meta({ id: 'ReleasedPlace' });
export type ReleasedPlace = z.infer<typeof ReleasedPlaceSchema>;

/** The answer to making (or reviewing) a declaration; `signposting` only when ineligible. */
export const DeclarationSchema = z
  .object({
    ...declarationFields,
    signposting: SignpostingSchema.optional(),
    releasedPlaces: z
      .array(ReleasedPlaceSchema)
      .optional()
      .describe(
        'Only a person whose latest declaration is eligible may hold a seat or a waitlist place: when this declaration (or review) is ' +
          'ineligible, the places they held are removed in the same transaction, each freed seat offered to the next person waiting. ' +
          'Present (possibly empty) on an ineligible outcome.',
      ),
  })
  .meta({ id: 'Declaration' });
export type Declaration = z.infer<typeof DeclarationSchema>;

/** One entry of a participant's history, with the answers given. */
export const DeclarationRecordSchema = z
  .object({ ...declarationFields, answers: DeclarationAnswersSchema })
  .meta({ id: 'DeclarationRecord' });
export type DeclarationRecord = z.infer<typeof DeclarationRecordSchema>;

export const REVIEW_OUTCOMES = ['eligible', 'ineligible'] as const;
export const ReviewDeclarationBodySchema = z.strictObject({
  outcome: z.enum(REVIEW_OUTCOMES),
  note: z.string().trim().min(1, 'Say why').max(2000, 'Use at most 2000 characters'),
});
export type ReviewDeclarationBody = z.infer<typeof ReviewDeclarationBodySchema>;

export const DeclarationQueueQuerySchema = PageQuerySchema.extend({
  outcome: EligibilityOutcomeSchema.default('needs_review'),
});
export type DeclarationQueueQuery = z.infer<typeof DeclarationQueueQuerySchema>;

/** A participant whose latest declaration has the asked outcome (the review queue), oldest first. */
export const DeclarationQueueItemSchema = z
  .object({
    id: z.uuid(),
    participant: z.object({ id: z.uuid(), firstName: z.string(), lastName: z.string() }),
    version: z.number().int(),
    channel: DeclarationChannelSchema,
    outcome: EligibilityOutcomeSchema,
    reasons: z.array(EligibilityReasonSchema),
    enteredBy: StaffRefSchema.nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'DeclarationQueueItem' });
export type DeclarationQueueItem = z.infer<typeof DeclarationQueueItemSchema>;
