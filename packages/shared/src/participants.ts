// Participants (delegates): the people who take a course. Request/response schemas and labels.
import { z } from 'zod';
import { EligibilityOutcomeSchema, EligibilityReasonSchema } from './eligibility';
import { ProblemSchema } from './errors';
import { PageQuerySchema } from './pagination';

/** The participant's relationship to the person who offended (or is accused). */
export const RELATIONSHIPS = ['partner', 'spouse', 'parent', 'child', 'sibling', 'other_family', 'other'] as const;
export const RelationshipSchema = z.enum(RELATIONSHIPS);
export type Relationship = z.infer<typeof RelationshipSchema>;

export const RELATIONSHIP_LABELS: Record<Relationship, string> = {
  partner: 'Partner',
  spouse: 'Husband, wife or civil partner',
  parent: 'Parent',
  child: 'Son or daughter',
  sibling: 'Brother or sister',
  other_family: 'Other family member',
  other: 'Other',
};

export const PREFERRED_CONTACTS = ['email', 'phone'] as const;
export const PreferredContactSchema = z.enum(PREFERRED_CONTACTS);
export type PreferredContact = z.infer<typeof PreferredContactSchema>;

export const PREFERRED_CONTACT_LABELS: Record<PreferredContact, string> = { email: 'E-mail', phone: 'Phone' };

export const PersonNameSchema = z.string().trim().min(1, 'Enter a name').max(100, 'Use at most 100 characters');

/** Trimmed and lower-cased before it is checked and stored. */
export const ParticipantEmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Use at most 254 characters')
  .check(z.email('Enter a valid e-mail address'));

/** Loose on purpose: UK or international, digits with optional +, spaces, brackets and dashes. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{5,22}[0-9]$/;
export const PhoneSchema = z
  .string()
  .trim()
  .regex(PHONE_PATTERN, 'Enter a phone number, e.g. 07700 900123 or +44 7700 900123');

export const CreateParticipantBodySchema = z.strictObject({
  firstName: PersonNameSchema,
  lastName: PersonNameSchema,
  email: ParticipantEmailSchema,
  phone: PhoneSchema.optional(),
  relationship: RelationshipSchema,
  preferredContact: PreferredContactSchema.default('email'),
});
export type CreateParticipantBody = z.infer<typeof CreateParticipantBodySchema>;

/** Partial; `phone: null` clears the phone number. */
export const UpdateParticipantBodySchema = z.strictObject({
  firstName: PersonNameSchema.optional(),
  lastName: PersonNameSchema.optional(),
  email: ParticipantEmailSchema.optional(),
  phone: PhoneSchema.nullable().optional(),
  relationship: RelationshipSchema.optional(),
  preferredContact: PreferredContactSchema.optional(),
});
export type UpdateParticipantBody = z.infer<typeof UpdateParticipantBodySchema>;

export const ParticipantListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().max(200).optional().describe('Case-insensitive search in first name, last name, "first last" and e-mail'),
});
export type ParticipantListQuery = z.infer<typeof ParticipantListQuerySchema>;

const participantFields = {
  id: z.uuid(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  relationship: RelationshipSchema,
  preferredContact: PreferredContactSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};

export const LatestDeclarationSummarySchema = z
  .object({
    id: z.uuid(),
    outcome: EligibilityOutcomeSchema,
    reasons: z.array(EligibilityReasonSchema),
    declarationVersionId: z.uuid(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'LatestDeclarationSummary' });
export type LatestDeclarationSummary = z.infer<typeof LatestDeclarationSummarySchema>;

export const ParticipantSchema = z
  .object({
    ...participantFields,
    /** The declaration that counts; null before the first one. */
    latestDeclaration: LatestDeclarationSummarySchema.nullable(),
  })
  .meta({ id: 'Participant' });
export type Participant = z.infer<typeof ParticipantSchema>;

export const ParticipantListItemSchema = z
  .object({ ...participantFields, latestOutcome: EligibilityOutcomeSchema.nullable() })
  .meta({ id: 'ParticipantListItem' });
export type ParticipantListItem = z.infer<typeof ParticipantListItemSchema>;

/** 409 DUPLICATE_EMAIL names the participant who already has the address. */
export const DuplicateEmailProblemSchema = ProblemSchema.extend({ existingId: z.uuid().optional() }).meta({
  id: 'DuplicateEmailProblem',
});
export type DuplicateEmailProblem = z.infer<typeof DuplicateEmailProblemSchema>;
