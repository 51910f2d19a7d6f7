// The self-declared eligibility rule: the one function both the API (authoritative) and the console
// (instant preview) use. There is no assessment, so the declaration is the evidence.
import { z } from 'zod';

export const ANSWER_VALUES = ['yes', 'no', 'unsure'] as const;
export const AnswerSchema = z.enum(ANSWER_VALUES);
export type Answer = z.infer<typeof AnswerSchema>;

export const ANSWER_LABELS: Record<Answer, string> = { yes: 'Yes', no: 'No', unsure: 'Not sure' };

/** In the order they are asked; reasons follow this order too. */
export const DECLARATION_QUESTION_KEYS = [
  'offenceInvolvesImages',
  'accusedOfContactOffence',
  'accusedOfOnlineContactWithChild',
  'accusedOfGrooming',
] as const;
export type DeclarationQuestionKey = (typeof DECLARATION_QUESTION_KEYS)[number];

export const DeclarationAnswersSchema = z
  .strictObject({
    offenceInvolvesImages: AnswerSchema,
    accusedOfContactOffence: AnswerSchema,
    accusedOfOnlineContactWithChild: AnswerSchema,
    accusedOfGrooming: AnswerSchema,
  })
  .meta({ id: 'DeclarationAnswers' });
export type DeclarationAnswers = z.infer<typeof DeclarationAnswersSchema>;

export type DeclarationQuestion = { key: DeclarationQuestionKey; label: string };

export const DEFAULT_DECLARATION_QUESTIONS: DeclarationQuestion[] = [
  {
    key: 'offenceInvolvesImages',
    label:
      'The offence my partner or family member is accused of relates to viewing or downloading images or videos of children',
  },
  {
    key: 'accusedOfContactOffence',
    label:
      'My partner or family member has been accused of physically touching a child (sexual abuse, sexual assault or rape)',
  },
  {
    key: 'accusedOfOnlineContactWithChild',
    label: 'My partner or family member has been accused of webcam contact or sexualised chat with a child',
  },
  {
    key: 'accusedOfGrooming',
    label:
      'My partner or family member has been accused of attempting to groom a child, for example towards a meeting or further exploitation',
  },
];

// Stored once per version with its SHA-256: changing a single character makes a new version.
export const DEFAULT_DECLARATION_TEXT =
  'There is no assessment before this course, so we ask you to tell us about your situation yourself. ' +
  "Please answer each question as honestly as you can. If you are not sure of an answer, choose 'Not sure' " +
  'and a coordinator will contact you to talk it through. By agreeing, you confirm that your answers are true ' +
  'to the best of your knowledge. We keep your answers securely and use them only to decide whether this ' +
  'course is the right support for you. If it is not, we will explain why and suggest other support that may ' +
  'help. If anything changes, you can tell us and make a new declaration at any time.';

export const ELIGIBILITY_OUTCOMES = ['eligible', 'ineligible', 'needs_review'] as const;
export const EligibilityOutcomeSchema = z.enum(ELIGIBILITY_OUTCOMES);
export type EligibilityOutcome = z.infer<typeof EligibilityOutcomeSchema>;

export const ELIGIBILITY_REASONS = [
  'CONTACT_OFFENCE',
  'ONLINE_CONTACT_WITH_CHILD',
  'GROOMING',
  'UNSURE_OFFENCE_INVOLVES_IMAGES',
  'UNSURE_ACCUSED_OF_CONTACT_OFFENCE',
  'UNSURE_ACCUSED_OF_ONLINE_CONTACT_WITH_CHILD',
  'UNSURE_ACCUSED_OF_GROOMING',
  'NOT_AN_IMAGES_OFFENCE',
] as const;
export const EligibilityReasonSchema = z.enum(ELIGIBILITY_REASONS);
export type EligibilityReason = z.infer<typeof EligibilityReasonSchema>;

/** For the console: what each reason means, in plain English. */
export const REASON_LABELS: Record<EligibilityReason, string> = {
  CONTACT_OFFENCE: 'Their partner or family member is accused of a contact offence (physically touching a child).',
  ONLINE_CONTACT_WITH_CHILD:
    'Their partner or family member is accused of online contact with a child (webcam contact or sexualised chat).',
  GROOMING: 'Their partner or family member is accused of attempting to groom a child.',
  UNSURE_OFFENCE_INVOLVES_IMAGES:
    'They are not sure whether the offence relates to viewing or downloading images or videos of children.',
  UNSURE_ACCUSED_OF_CONTACT_OFFENCE:
    'They are not sure whether their partner or family member is accused of physically touching a child.',
  UNSURE_ACCUSED_OF_ONLINE_CONTACT_WITH_CHILD:
    'They are not sure whether their partner or family member is accused of webcam contact or sexualised chat with a child.',
  UNSURE_ACCUSED_OF_GROOMING:
    'They are not sure whether their partner or family member is accused of attempting to groom a child.',
  NOT_AN_IMAGES_OFFENCE: 'They said the offence does not relate to viewing or downloading images or videos of children.',
};

export type Signposting = { summary: string; reasons: string[]; options: { name: string; description: string }[] };

// Names the course's subject: fit for the console and a conversation, not for emails (which must stay neutral).
export const INELIGIBLE_SIGNPOSTING: Signposting = {
  summary:
    'Thank you for answering these questions honestly. We understand how painful this is for partners and ' +
    'family members. From your answers, this course is not the right fit for your situation, but you do not ' +
    'have to go through this alone, and there is support that is better suited to you.',
  reasons: [
    'Talking about contact offences committed by someone close to you carries a heavy emotional burden, which is ' +
      'best shared one-to-one or in a very small group where everyone has been assessed first.',
    'The reasons behind contact offending, and the pattern that leads to it, usually differ from those of ' +
      'offences involving images, so the course could not do justice to your situation in the time it has.',
    "The consequences are different too: the involvement of children's services, the criminal justice " +
      'process and sentencing vary greatly from case to case, so a group cannot give you answers that fit yours.',
    "Discussing a case that is still ongoing, especially where the plea may be 'not guilty', could put you or " +
      'the case at risk if more is shared in a group than is wise.',
    'We cannot keep what is said confidential where a child may be at risk, and we want you to have a space ' +
      'where you can speak freely.',
  ],
  options: [
    {
      name: 'Our one-to-one therapists',
      description:
        'We can put you in touch with one of our specialist therapists for one-to-one support. Ask a coordinator ' +
        'and they will explain how it works.',
    },
    {
      name: 'A specialist one-to-one counsellor',
      description:
        'A counsellor experienced in supporting families affected by sexual offending can help you at your own pace.',
    },
    {
      name: 'Your GP',
      description: 'Your GP can support your wellbeing and refer you to local services.',
    },
    {
      name: 'Samaritans',
      description: 'Call 116 123, free, at any time of the day or night, if you need someone to talk to.',
    },
  ],
};

export type EligibilityResult = {
  outcome: EligibilityOutcome;
  reasons: EligibilityReason[];
  signposting?: Signposting;
};

const ACCUSATION_REASONS = {
  accusedOfContactOffence: 'CONTACT_OFFENCE',
  accusedOfOnlineContactWithChild: 'ONLINE_CONTACT_WITH_CHILD',
  accusedOfGrooming: 'GROOMING',
} as const satisfies Record<Exclude<DeclarationQuestionKey, 'offenceInvolvesImages'>, EligibilityReason>;

const UNSURE_REASONS = {
  offenceInvolvesImages: 'UNSURE_OFFENCE_INVOLVES_IMAGES',
  accusedOfContactOffence: 'UNSURE_ACCUSED_OF_CONTACT_OFFENCE',
  accusedOfOnlineContactWithChild: 'UNSURE_ACCUSED_OF_ONLINE_CONTACT_WITH_CHILD',
  accusedOfGrooming: 'UNSURE_ACCUSED_OF_GROOMING',
} as const satisfies Record<DeclarationQuestionKey, EligibilityReason>;

/**
 * ineligible if any accusation is 'yes'; otherwise needs_review if any answer is 'unsure' or the
 * offence is not about images; eligible otherwise. Reasons follow question order. Fails safe:
 * eligible needs exactly 'yes' to images and 'no' to every accusation, so a missing or unknown answer
 * (say, from unvalidated input) reads as 'unsure', never as 'no'.
 */
export function evaluateEligibility(answers: DeclarationAnswers): EligibilityResult {
  const accusations: EligibilityReason[] = [];
  for (const key of DECLARATION_QUESTION_KEYS) {
    if (key !== 'offenceInvolvesImages' && answers[key] === 'yes') accusations.push(ACCUSATION_REASONS[key]);
  }
  if (accusations.length > 0) {
    return { outcome: 'ineligible', reasons: accusations, signposting: INELIGIBLE_SIGNPOSTING };
  }

  const doubts: EligibilityReason[] = [];
  for (const key of DECLARATION_QUESTION_KEYS) {
    const settled = key === 'offenceInvolvesImages' ? 'yes' : 'no';
    if (answers[key] === settled) continue;
    doubts.push(key === 'offenceInvolvesImages' && answers[key] === 'no' ? 'NOT_AN_IMAGES_OFFENCE' : UNSURE_REASONS[key]);
  }
  return doubts.length > 0 ? { outcome: 'needs_review', reasons: doubts } : { outcome: 'eligible', reasons: [] };
}
