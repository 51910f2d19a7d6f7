import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANSWER_VALUES,
  DECLARATION_QUESTION_KEYS,
  DEFAULT_DECLARATION_QUESTIONS,
  DeclarationAnswersSchema,
  INELIGIBLE_SIGNPOSTING,
  evaluateEligibility,
  type DeclarationAnswers,
} from './eligibility';

const CLEAR: DeclarationAnswers = {
  offenceInvolvesImages: 'yes',
  accusedOfContactOffence: 'no',
  accusedOfOnlineContactWithChild: 'no',
  accusedOfGrooming: 'no',
};
const ACCUSATIONS = ['accusedOfContactOffence', 'accusedOfOnlineContactWithChild', 'accusedOfGrooming'] as const;

const answer = fc.constantFrom(...ANSWER_VALUES);
const answers: fc.Arbitrary<DeclarationAnswers> = fc.record({
  offenceInvolvesImages: answer,
  accusedOfContactOffence: answer,
  accusedOfOnlineContactWithChild: answer,
  accusedOfGrooming: answer,
});

describe('DeclarationAnswersSchema', () => {
  it('accepts the four answers and nothing else', () => {
    expect(DeclarationAnswersSchema.safeParse(CLEAR).success).toBe(true);
    expect(DeclarationAnswersSchema.safeParse({ ...CLEAR, accusedOfGrooming: 'maybe' }).success).toBe(false);
    expect(DeclarationAnswersSchema.safeParse({ ...CLEAR, offenceDetail: 'anything' }).success).toBe(false);
    const { accusedOfGrooming: _missing, ...partial } = CLEAR;
    expect(DeclarationAnswersSchema.safeParse(partial).success).toBe(false);
  });

  it('has a question for every answer, in the same order', () => {
    expect(DEFAULT_DECLARATION_QUESTIONS.map((q) => q.key)).toEqual([...DECLARATION_QUESTION_KEYS]);
  });
});

describe('evaluateEligibility', () => {
  it('finds a person eligible when the offence is about images and there is no accusation of contact or grooming', () => {
    expect(evaluateEligibility(CLEAR)).toEqual({ outcome: 'eligible', reasons: [] });
  });

  it.each([
    ['accusedOfContactOffence', 'CONTACT_OFFENCE'],
    ['accusedOfOnlineContactWithChild', 'ONLINE_CONTACT_WITH_CHILD'],
    ['accusedOfGrooming', 'GROOMING'],
  ] as const)('finds a person ineligible when %s is yes, and signposts them', (key, reason) => {
    expect(evaluateEligibility({ ...CLEAR, [key]: 'yes' })).toEqual({
      outcome: 'ineligible',
      reasons: [reason],
      signposting: INELIGIBLE_SIGNPOSTING,
    });
  });

  it('gives one reason per accusation, in question order, and ignores doubts once ineligible', () => {
    const result = evaluateEligibility({
      offenceInvolvesImages: 'unsure',
      accusedOfContactOffence: 'yes',
      accusedOfOnlineContactWithChild: 'unsure',
      accusedOfGrooming: 'yes',
    });
    expect(result.outcome).toBe('ineligible');
    expect(result.reasons).toEqual(['CONTACT_OFFENCE', 'GROOMING']);
  });

  it.each([
    ['offenceInvolvesImages', 'UNSURE_OFFENCE_INVOLVES_IMAGES'],
    ['accusedOfContactOffence', 'UNSURE_ACCUSED_OF_CONTACT_OFFENCE'],
    ['accusedOfOnlineContactWithChild', 'UNSURE_ACCUSED_OF_ONLINE_CONTACT_WITH_CHILD'],
    ['accusedOfGrooming', 'UNSURE_ACCUSED_OF_GROOMING'],
  ] as const)('sends %s = unsure to a coordinator for review', (key, reason) => {
    expect(evaluateEligibility({ ...CLEAR, [key]: 'unsure' })).toEqual({ outcome: 'needs_review', reasons: [reason] });
  });

  it('sends an offence that is not about images to a coordinator for review', () => {
    expect(evaluateEligibility({ ...CLEAR, offenceInvolvesImages: 'no' })).toEqual({
      outcome: 'needs_review',
      reasons: ['NOT_AN_IMAGES_OFFENCE'],
    });
    expect(evaluateEligibility({ ...CLEAR, offenceInvolvesImages: 'no', accusedOfGrooming: 'unsure' }).reasons).toEqual([
      'NOT_AN_IMAGES_OFFENCE',
      'UNSURE_ACCUSED_OF_GROOMING',
    ]);
  });

  it('never reads a missing answer as a clear one', () => {
    const { accusedOfContactOffence: _missing, ...partial } = CLEAR;
    expect(evaluateEligibility(partial as DeclarationAnswers)).toEqual({
      outcome: 'needs_review',
      reasons: ['UNSURE_ACCUSED_OF_CONTACT_OFFENCE'],
    });
  });

  describe('properties', () => {
    it('any yes to an accusation is never eligible', () => {
      fc.assert(
        fc.property(answers, fc.constantFrom(...ACCUSATIONS), (a, key) => {
          expect(evaluateEligibility({ ...a, [key]: 'yes' }).outcome).toBe('ineligible');
        }),
      );
    });

    it('an unsure with no yes to any accusation is always needs_review', () => {
      const noYes = answers.map((a) => {
        const b = { ...a };
        for (const key of ACCUSATIONS) if (b[key] === 'yes') b[key] = 'no';
        return b;
      });
      fc.assert(
        fc.property(noYes, fc.constantFrom(...DECLARATION_QUESTION_KEYS), (a, key) => {
          expect(evaluateEligibility({ ...a, [key]: 'unsure' }).outcome).toBe('needs_review');
        }),
      );
    });

    it('eligible exactly when images is yes and every accusation is no', () => {
      fc.assert(
        fc.property(answers, (a) => {
          const clear = a.offenceInvolvesImages === 'yes' && ACCUSATIONS.every((key) => a[key] === 'no');
          expect(evaluateEligibility(a).outcome === 'eligible').toBe(clear);
        }),
      );
    });

    it('gives reasons unless eligible, and signposting exactly when ineligible', () => {
      fc.assert(
        fc.property(answers, (a) => {
          const result = evaluateEligibility(a);
          expect(result.reasons.length === 0).toBe(result.outcome === 'eligible');
          expect(result.signposting !== undefined).toBe(result.outcome === 'ineligible');
          expect(new Set(result.reasons).size).toBe(result.reasons.length);
        }),
      );
    });
  });
});

describe('signposting', () => {
  it('explains why and offers somewhere to turn, including Samaritans', () => {
    expect(INELIGIBLE_SIGNPOSTING.reasons.length).toBeGreaterThanOrEqual(5);
    expect(INELIGIBLE_SIGNPOSTING.options.map((o) => o.name)).toContain('Samaritans');
    expect(INELIGIBLE_SIGNPOSTING.options.some((o) => o.description.includes('116 123'))).toBe(true);
  });
});
