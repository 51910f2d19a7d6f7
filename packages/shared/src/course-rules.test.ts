import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COHORT_STATUSES,
  CourseRulesSchema,
  DEFAULT_COURSE_RULES,
  ENROLMENT_STATUSES,
  LIVE_ENROLMENT_STATUSES,
  canTransition,
  formatLondon,
  holdsSeat,
  londonDateKey,
  validateSchedule,
  validateSizeLimits,
  type CourseRules,
  type RuleViolation,
} from './course-rules';

const rules = DEFAULT_COURSE_RULES;
const codes = (violations: RuleViolation[]) => violations.map((v) => `${v.path}:${v.code}`);

function violationsOf(result: { ok: true } | { ok: false; violations: RuleViolation[] }): string[] {
  return result.ok ? [] : codes(result.violations);
}

describe('CourseRulesSchema', () => {
  it('accepts the default course', () => {
    expect(CourseRulesSchema.parse(DEFAULT_COURSE_RULES)).toEqual(DEFAULT_COURSE_RULES);
  });

  it.each([
    ['sessionCount', 0],
    ['sessionCount', 21],
    ['sessionCount', 2.5],
    ['sessionMinutes', 14],
    ['sessionMinutes', 601],
    ['minParticipants', 0],
    ['maxParticipants', 201],
    ['feePence', -1],
    ['feePence', 45.5],
    ['offerHours', 0],
    ['offerHours', 721],
    ['atRiskDays', -1],
    ['atRiskDays', 366],
  ] as const)('rejects %s = %s', (field, value) => {
    const result = CourseRulesSchema.safeParse({ ...DEFAULT_COURSE_RULES, [field]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([field]);
  });

  it('rejects a minimum above the maximum, on minParticipants', () => {
    const result = CourseRulesSchema.safeParse({ ...DEFAULT_COURSE_RULES, minParticipants: 13, maxParticipants: 12 });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['minParticipants']);
  });
});

describe('validateSizeLimits', () => {
  it("defaults to the course's limits", () => {
    expect(validateSizeLimits(rules, {})).toEqual({ ok: true, minParticipants: 8, maxParticipants: 12 });
  });

  it('lets a cohort narrow the limits (a small room)', () => {
    expect(validateSizeLimits(rules, { maxParticipants: 10 })).toEqual({ ok: true, minParticipants: 8, maxParticipants: 10 });
    expect(validateSizeLimits(rules, { minParticipants: 10, maxParticipants: 10 })).toEqual({
      ok: true,
      minParticipants: 10,
      maxParticipants: 10,
    });
  });

  it('refuses a minimum below the course minimum', () => {
    expect(violationsOf(validateSizeLimits(rules, { minParticipants: 7 }))).toEqual(['minParticipants:BELOW_COURSE_MINIMUM']);
  });

  it('refuses a maximum above the course maximum', () => {
    expect(violationsOf(validateSizeLimits(rules, { maxParticipants: 13 }))).toEqual(['maxParticipants:ABOVE_COURSE_MAXIMUM']);
  });

  it('refuses a minimum above the maximum, including one above the course maximum by default', () => {
    expect(violationsOf(validateSizeLimits(rules, { minParticipants: 11, maxParticipants: 10 }))).toEqual([
      'minParticipants:MIN_ABOVE_MAX',
    ]);
    expect(violationsOf(validateSizeLimits(rules, { minParticipants: 13 }))).toEqual(['minParticipants:MIN_ABOVE_MAX']);
  });

  it('refuses numbers that are not whole', () => {
    expect(violationsOf(validateSizeLimits(rules, { minParticipants: 8.5, maxParticipants: Number.NaN }))).toEqual([
      'minParticipants:NOT_A_WHOLE_NUMBER',
      'maxParticipants:NOT_A_WHOLE_NUMBER',
    ]);
  });

  it('explains itself in words a coordinator can act on', () => {
    const result = validateSizeLimits(rules, { maxParticipants: 13 });
    expect(result.ok ? '' : result.violations[0]?.message).toBe(
      "The maximum cannot be higher than the course's maximum of 12 participants.",
    );
  });

  const courseRules = fc
    .tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 }))
    .map(([a, b]): CourseRules => ({ ...rules, minParticipants: Math.min(a, b), maxParticipants: Math.max(a, b) }));
  const limit = fc.option(fc.integer({ min: -5, max: 205 }), { nil: undefined });

  it('never widens the course limits, and accepts every narrowing', () => {
    fc.assert(
      fc.property(courseRules, limit, limit, (course, minParticipants, maxParticipants) => {
        const result = validateSizeLimits(course, { minParticipants, maxParticipants });
        const min = minParticipants ?? course.minParticipants;
        const max = maxParticipants ?? course.maxParticipants;
        const narrows = course.minParticipants <= min && min <= max && max <= course.maxParticipants;
        expect(result.ok).toBe(narrows);
        if (result.ok) {
          expect(result.minParticipants).toBe(min);
          expect(result.maxParticipants).toBe(max);
        }
      }),
    );
  });
});

describe('londonDateKey and formatLondon', () => {
  it('gives the London calendar day, not the UTC one', () => {
    expect(londonDateKey('2027-10-30T23:30:00Z')).toBe('2027-10-31'); // 00:30 BST
    expect(londonDateKey('2027-10-31T23:30:00Z')).toBe('2027-10-31'); // 23:30 GMT
    expect(londonDateKey('2027-01-14T23:30:00Z')).toBe('2027-01-14');
  });

  it('formats as a person in the UK reads it, in winter and in summer', () => {
    expect(formatLondon('2027-01-14T18:00:00Z')).toBe('Thursday 14 January 2027, 18:00');
    expect(formatLondon(new Date('2027-07-01T17:00:00Z'))).toBe('Thursday 1 July 2027, 18:00');
    expect(formatLondon('2027-07-01T17:00:00Z', { time: false })).toBe('Thursday 1 July 2027');
    expect(formatLondon('2027-07-01T00:05:00+01:00', { weekday: false })).toBe('1 July 2027, 00:05');
  });

  it('refuses strings that do not say their offset or are not real dates', () => {
    expect(() => londonDateKey('2027-01-14T18:00:00')).toThrow(RangeError);
    expect(() => londonDateKey('2027-02-30T18:00:00Z')).toThrow(RangeError);
    expect(() => formatLondon('next Thursday')).toThrow(RangeError);
  });
});

describe('validateSchedule', () => {
  const now = new Date('2027-01-01T12:00:00Z');
  const valid = ['2027-01-14T18:00:00Z', '2027-01-21T18:00:00Z', '2027-01-28T18:00:00Z'];
  const sessions = (...startsAt: (string | Date)[]) => startsAt.map((s) => ({ startsAt: s }));
  const shortRules = (sessionCount: number): CourseRules => ({ ...rules, sessionCount, sessionMinutes: 30 });

  it('accepts three weekly evening sessions and works out when each ends', () => {
    const result = validateSchedule(rules, sessions(...valid), { now, requireFuture: true });
    expect(result).toEqual({
      ok: true,
      sessions: [
        { startsAt: new Date('2027-01-14T18:00:00Z'), endsAt: new Date('2027-01-14T21:00:00Z') },
        { startsAt: new Date('2027-01-21T18:00:00Z'), endsAt: new Date('2027-01-21T21:00:00Z') },
        { startsAt: new Date('2027-01-28T18:00:00Z'), endsAt: new Date('2027-01-28T21:00:00Z') },
      ],
    });
  });

  it("refuses fewer or more sessions than the course's number", () => {
    expect(violationsOf(validateSchedule(rules, sessions(...valid.slice(0, 2))))).toEqual(['sessions:WRONG_SESSION_COUNT']);
    expect(violationsOf(validateSchedule(rules, sessions(...valid, '2027-02-04T18:00:00Z')))).toEqual([
      'sessions:WRONG_SESSION_COUNT',
    ]);
    expect(violationsOf(validateSchedule(rules, []))).toEqual(['sessions:WRONG_SESSION_COUNT']);
  });

  it('refuses a start that is not a real date and time with an offset', () => {
    for (const bad of ['2027-01-21T18:00:00', '2027-02-30T18:00:00Z', 'soon', new Date(Number.NaN)]) {
      expect(violationsOf(validateSchedule(rules, sessions(valid[0]!, bad, valid[2]!)))).toEqual([
        'sessions.1.startsAt:INVALID_DATE',
      ]);
    }
  });

  it('reads an explicit offset correctly', () => {
    const result = validateSchedule(rules, sessions('2027-07-01T18:00:00+01:00', '2027-07-08T18:00Z', '2027-07-15T19:00:00.5+01:00'));
    expect(result.ok && result.sessions.map((s) => s.startsAt.toISOString())).toEqual([
      '2027-07-01T17:00:00.000Z',
      '2027-07-08T18:00:00.000Z',
      '2027-07-15T18:00:00.500Z',
    ]);
  });

  it('refuses sessions out of order, including two starting together', () => {
    expect(violationsOf(validateSchedule(rules, sessions(valid[1]!, valid[0]!, valid[2]!)))).toEqual([
      'sessions.1.startsAt:OUT_OF_ORDER',
    ]);
    expect(
      violationsOf(validateSchedule(rules, sessions(valid[0]!, valid[0]!, valid[2]!), { allowSameDay: true })),
    ).toEqual(['sessions.1.startsAt:OUT_OF_ORDER']);
  });

  it('refuses a session that starts before the previous one ends, even when same-day sessions are allowed', () => {
    const result = validateSchedule(rules, sessions(valid[0]!, '2027-01-14T20:59:00Z', valid[2]!), { allowSameDay: true });
    expect(violationsOf(result)).toEqual(['sessions.1.startsAt:OVERLAPS_PREVIOUS']);
  });

  it('allows back-to-back sessions on one day only when the admin says so', () => {
    const backToBack = sessions(valid[0]!, '2027-01-14T21:00:00Z', valid[2]!);
    expect(validateSchedule(rules, backToBack, { allowSameDay: true }).ok).toBe(true);
    expect(violationsOf(validateSchedule(rules, backToBack))).toEqual(['sessions.1.startsAt:SAME_DAY_AS_PREVIOUS']);
  });

  it('refuses, when publishing, a session that does not start after now', () => {
    const past = sessions('2026-12-31T18:00:00Z', valid[1]!, valid[2]!);
    expect(violationsOf(validateSchedule(rules, past, { now, requireFuture: true }))).toEqual([
      'sessions.0.startsAt:NOT_IN_FUTURE',
    ]);
    expect(validateSchedule(rules, past, { now }).ok).toBe(true);
    const startingNow = sessions(now, valid[1]!, valid[2]!);
    expect(violationsOf(validateSchedule(rules, startingNow, { now, requireFuture: true }))).toEqual([
      'sessions.0.startsAt:NOT_IN_FUTURE',
    ]);
  });

  it('reports every problem at once, each on its own session', () => {
    const result = validateSchedule(rules, sessions('2026-12-01T18:00:00Z', '2026-11-01T18:00:00Z'), {
      now,
      requireFuture: true,
    });
    expect(violationsOf(result)).toEqual([
      'sessions:WRONG_SESSION_COUNT',
      'sessions.0.startsAt:NOT_IN_FUTURE',
      'sessions.1.startsAt:NOT_IN_FUTURE',
      'sessions.1.startsAt:OUT_OF_ORDER',
    ]);
  });

  describe('across the clock change on Sunday 31 October 2027 (02:00 BST becomes 01:00 GMT)', () => {
    it('keeps Saturday 18:00 BST and Sunday 18:00 GMT on different days', () => {
      const result = validateSchedule(
        shortRules(3),
        sessions('2027-10-30T17:00:00Z', '2027-10-31T18:00:00Z', '2027-11-01T18:00:00Z'),
      );
      expect(result.ok && result.sessions.map((s) => formatLondon(s.startsAt))).toEqual([
        'Saturday 30 October 2027, 18:00',
        'Sunday 31 October 2027, 18:00',
        'Monday 1 November 2027, 18:00',
      ]);
    });

    it('treats 23:30 BST and 00:30 BST, one hour apart and on one UTC day, as different days', () => {
      const pair = sessions('2027-10-30T22:30:00Z', '2027-10-30T23:30:00Z');
      expect(validateSchedule(shortRules(2), pair).ok).toBe(true);
    });

    it('treats 00:30 BST and 18:00 GMT on Sunday, on two UTC days, as the same day', () => {
      const pair = sessions('2027-10-30T23:30:00Z', '2027-10-31T18:00:00Z');
      expect(violationsOf(validateSchedule(shortRules(2), pair))).toEqual(['sessions.1.startsAt:SAME_DAY_AS_PREVIOUS']);
    });

    it('treats 00:30 BST and 23:30 GMT on Sunday, a full 24 hours apart, as the same (25-hour) day', () => {
      const pair = sessions('2027-10-30T23:30:00Z', '2027-10-31T23:30:00Z');
      expect(violationsOf(validateSchedule(shortRules(2), pair))).toEqual(['sessions.1.startsAt:SAME_DAY_AS_PREVIOUS']);
    });
  });

  it('keeps London days right across the spring change on Sunday 28 March 2027 (01:00 GMT becomes 02:00 BST)', () => {
    // 23:30 GMT Saturday, then 00:30 GMT Sunday, before the clocks go forward: different days.
    expect(validateSchedule(shortRules(2), sessions('2027-03-27T23:30:00Z', '2027-03-28T00:30:00Z')).ok).toBe(true);
    // 00:30 GMT and 23:30 BST on the 23-hour Sunday: the same day.
    expect(violationsOf(validateSchedule(shortRules(2), sessions('2027-03-28T00:30:00Z', '2027-03-28T22:30:00Z')))).toEqual([
      'sessions.1.startsAt:SAME_DAY_AS_PREVIOUS',
    ]);
  });
});

describe('cohort status', () => {
  const allowed = new Set([
    'draft>open',
    'draft>cancelled',
    'open>confirmed',
    'open>cancelled',
    'confirmed>in_progress',
    'confirmed>cancelled',
    'in_progress>completed',
  ]);

  it('moves only along the drawn arrows (a confirmed cohort never reopens; nothing leaves completed or cancelled)', () => {
    for (const from of COHORT_STATUSES) {
      for (const to of COHORT_STATUSES) {
        expect(canTransition(from, to), `${from} → ${to}`).toBe(allowed.has(`${from}>${to}`));
      }
    }
  });
});

describe('holdsSeat', () => {
  it('counts confirmed and offered enrolments only', () => {
    expect(ENROLMENT_STATUSES.filter((s) => holdsSeat(s))).toEqual(['offered', 'confirmed']);
  });

  it('counts an offer only while it is live', () => {
    const now = new Date('2027-01-10T12:00:00Z');
    expect(holdsSeat('offered', { expiresAt: '2027-01-10T12:00:01Z', now })).toBe(true);
    expect(holdsSeat('offered', { expiresAt: '2027-01-10T12:00:00Z', now })).toBe(false);
    expect(holdsSeat('confirmed', { expiresAt: '2027-01-01T00:00:00Z', now })).toBe(true);
  });

  it('treats every seat holder as a live enrolment', () => {
    for (const status of ENROLMENT_STATUSES) {
      if (holdsSeat(status)) expect(LIVE_ENROLMENT_STATUSES).toContain(status);
    }
  });
});
