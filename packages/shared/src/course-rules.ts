// Pure rules of a course and its cohorts: size limits, schedule, and the status machines.
import { z } from 'zod';

/**
 * The course's fields without the cross-field check, for `.partial()` / `.pick()` (zod refuses
 * those on a refined object). Validate the merged result with `CourseRulesSchema`.
 */
export const CourseRulesFieldsSchema = z.object({
  sessionCount: z.number().int().min(1).max(20),
  sessionMinutes: z.number().int().min(15).max(600),
  minParticipants: z.number().int().min(1),
  maxParticipants: z.number().int().max(200),
  // The database stores it as a 32-bit integer: larger is refused (400), not a 500.
  feePence: z.number().int().min(0).max(2_147_483_647),
  offerHours: z.number().int().min(1).max(720),
  atRiskDays: z.number().int().min(0).max(365),
});

export const CourseRulesSchema = CourseRulesFieldsSchema.refine(
  (r) => r.minParticipants <= r.maxParticipants,
  { path: ['minParticipants'], message: 'The minimum number of participants cannot be more than the maximum.' },
).meta({ id: 'CourseRules' });
export type CourseRules = z.infer<typeof CourseRulesSchema>;

export const DEFAULT_COURSE_RULES: CourseRules = {
  sessionCount: 3,
  sessionMinutes: 180,
  minParticipants: 8,
  maxParticipants: 12,
  feePence: 4500, // a low fixed fee: £45
  offerHours: 48,
  atRiskDays: 14,
};

/** One reason a rule said no; `message` is plain British English, fit to show a coordinator. */
export type RuleViolation = { path: string; code: string; message: string };

// ---------------------------------------------------------------------------------------------
// Cohort size limits

export type SizeLimitsResult =
  | { ok: true; minParticipants: number; maxParticipants: number }
  | { ok: false; violations: RuleViolation[] };

/** A cohort may narrow its course's size limits, never widen them. Omitted limits are the course's. */
export function validateSizeLimits(
  rules: CourseRules,
  limits: { minParticipants?: number | null; maxParticipants?: number | null },
): SizeLimitsResult {
  const min = limits.minParticipants ?? rules.minParticipants;
  const max = limits.maxParticipants ?? rules.maxParticipants;
  const violations: RuleViolation[] = [];

  // Checked first: NaN or 8.5 would slip through every comparison below.
  for (const [path, value] of [['minParticipants', min], ['maxParticipants', max]] as const) {
    if (!Number.isInteger(value)) {
      violations.push({ path, code: 'NOT_A_WHOLE_NUMBER', message: 'Please enter a whole number of participants.' });
    }
  }
  if (violations.length > 0) return { ok: false, violations };

  if (min < rules.minParticipants) {
    violations.push({
      path: 'minParticipants',
      code: 'BELOW_COURSE_MINIMUM',
      message: `The minimum cannot be lower than the course's minimum of ${rules.minParticipants} participants.`,
    });
  }
  if (max > rules.maxParticipants) {
    violations.push({
      path: 'maxParticipants',
      code: 'ABOVE_COURSE_MAXIMUM',
      message: `The maximum cannot be higher than the course's maximum of ${rules.maxParticipants} participants.`,
    });
  }
  if (min > max) {
    violations.push({
      path: 'minParticipants',
      code: 'MIN_ABOVE_MAX',
      message: 'The minimum number of participants cannot be more than the maximum.',
    });
  }
  return violations.length > 0 ? { ok: false, violations } : { ok: true, minParticipants: min, maxParticipants: max };
}

// ---------------------------------------------------------------------------------------------
// Europe/London dates

const LONDON = 'Europe/London';

// ISO 8601 with an explicit offset only: a string without one is read in the machine's own time zone,
// so it could mean a different instant on each machine. Parsed by hand because engines disagree on
// anything else, and V8 quietly turns 30 February into 2 March.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i;

function parseInstant(value: Date | string): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  const m = typeof value === 'string' ? ISO_INSTANT.exec(value.trim()) : null;
  if (!m) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (n(10) * 60 + n(11));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const valid =
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 &&
    Math.abs(offsetMinutes) <= 14 * 60;
  return valid ? new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000) : null;
}

function toInstant(value: Date | string): Date {
  const date = parseInstant(value);
  if (!date) throw new RangeError(`Not a date and time with an offset: ${String(value)}`);
  return date;
}

const dateKeyFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

type Parts = Partial<Record<Intl.DateTimeFormatPartTypes, string>>;

// formatToParts is slow and lists show the same few instants over and over: remember recent answers.
const partsSeen = new WeakMap<Intl.DateTimeFormat, Map<number, Parts>>();
const PARTS_KEPT = 5000;

function parts(format: Intl.DateTimeFormat, date: Date): Parts {
  let seen = partsSeen.get(format);
  if (!seen) partsSeen.set(format, (seen = new Map()));
  const time = date.getTime();
  const hit = seen.get(time);
  if (hit) return hit;
  const out: Parts = {};
  for (const part of format.formatToParts(date)) out[part.type] = part.value;
  if (seen.size >= PARTS_KEPT) seen.clear();
  seen.set(time, out);
  return out;
}

/** The calendar day in Europe/London of an instant, as 'YYYY-MM-DD'. */
export function londonDateKey(date: Date | string): string {
  const p = parts(dateKeyFormat, toInstant(date));
  return `${p.year}-${p.month}-${p.day}`;
}

const displayFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * An instant as a person in the UK reads it: "Thursday 14 January 2027, 18:00".
 * Built from parts so the output does not drift with the ICU version ("…, 14 January 2027 at 18:00").
 */
export function formatLondon(date: Date | string, opts: { weekday?: boolean; time?: boolean } = {}): string {
  const p = parts(displayFormat, toInstant(date));
  const day = `${p.day} ${p.month} ${p.year}`;
  const withWeekday = opts.weekday === false ? day : `${p.weekday} ${day}`;
  return opts.time === false ? withWeekday : `${withWeekday}, ${p.hour}:${p.minute}`;
}

// ---------------------------------------------------------------------------------------------
// Cohort schedule

export type ScheduledSession = { startsAt: Date; endsAt: Date };

export type ScheduleResult = { ok: true; sessions: ScheduledSession[] } | { ok: false; violations: RuleViolation[] };

/**
 * A cohort has exactly the course's number of sessions, each of the course's length, in order, not
 * overlapping, on different London days unless `allowSameDay`; with `requireFuture` (publishing),
 * every session starts after `now`.
 */
export function validateSchedule(
  rules: CourseRules,
  sessions: readonly { startsAt: Date | string }[],
  opts: { now?: Date; requireFuture?: boolean; allowSameDay?: boolean } = {},
): ScheduleResult {
  const violations: RuleViolation[] = [];
  const now = opts.now ?? new Date();
  const lengthMs = rules.sessionMinutes * 60_000;

  if (sessions.length !== rules.sessionCount) {
    violations.push({
      path: 'sessions',
      code: 'WRONG_SESSION_COUNT',
      message: `A cohort of this course has exactly ${rules.sessionCount} ${rules.sessionCount === 1 ? 'session' : 'sessions'}; ${sessions.length} ${sessions.length === 1 ? 'was' : 'were'} given.`,
    });
  }

  const scheduled: ScheduledSession[] = [];
  let previous: ScheduledSession | null = null;
  for (const [i, session] of sessions.entries()) {
    const path = `sessions.${i}.startsAt`;
    const label = `Session ${i + 1}`;
    const startsAt = parseInstant(session.startsAt);
    if (!startsAt) {
      violations.push({ path, code: 'INVALID_DATE', message: `${label} needs a valid date and start time.` });
      previous = null; // nothing sound to compare the next session with
      continue;
    }
    const current = { startsAt, endsAt: new Date(startsAt.getTime() + lengthMs) };

    if (opts.requireFuture && startsAt.getTime() <= now.getTime()) {
      violations.push({ path, code: 'NOT_IN_FUTURE', message: `${label} must start in the future.` });
    }
    if (previous) {
      if (startsAt.getTime() <= previous.startsAt.getTime()) {
        violations.push({ path, code: 'OUT_OF_ORDER', message: `${label} must start after session ${i}.` });
      } else if (startsAt.getTime() < previous.endsAt.getTime()) {
        violations.push({
          path,
          code: 'OVERLAPS_PREVIOUS',
          message: `${label} starts before session ${i} ends (${formatLondon(previous.endsAt)}).`,
        });
      } else if (!opts.allowSameDay && londonDateKey(startsAt) === londonDateKey(previous.startsAt)) {
        violations.push({
          path,
          code: 'SAME_DAY_AS_PREVIOUS',
          message: `${label} is on the same day as session ${i}; sessions are held on different days.`,
        });
      }
    }
    scheduled.push(current);
    previous = current;
  }

  return violations.length > 0 ? { ok: false, violations } : { ok: true, sessions: scheduled };
}

// ---------------------------------------------------------------------------------------------
// Cohort status

export const COHORT_STATUSES = ['draft', 'open', 'confirmed', 'in_progress', 'completed', 'cancelled'] as const;
export const CohortStatusSchema = z.enum(COHORT_STATUSES);
export type CohortStatus = z.infer<typeof CohortStatusSchema>;

/** The cohort life as drawn in DOMAIN.md; nothing goes back (a confirmed cohort never reopens). */
export const COHORT_TRANSITIONS: Readonly<Record<CohortStatus, readonly CohortStatus[]>> = {
  draft: ['open', 'cancelled'],
  open: ['confirmed', 'cancelled'],
  confirmed: ['in_progress', 'cancelled'],
  in_progress: ['completed'],
  completed: [],
  cancelled: [],
};

export function canTransition(from: CohortStatus, to: CohortStatus): boolean {
  return COHORT_TRANSITIONS[from].includes(to);
}

// ---------------------------------------------------------------------------------------------
// Enrolment, payment and attendance

export const ENROLMENT_STATUSES = [
  'waitlisted',
  'offered',
  'confirmed',
  'completed',
  'declined',
  'expired',
  'withdrawn',
  'removed',
] as const;
export const EnrolmentStatusSchema = z.enum(ENROLMENT_STATUSES);
export type EnrolmentStatus = z.infer<typeof EnrolmentStatusSchema>;

export const SEAT_HOLDING_STATUSES = ['confirmed', 'offered'] as const satisfies readonly EnrolmentStatus[];
/** A delegate may hold at most one of these per course. */
export const LIVE_ENROLMENT_STATUSES = ['waitlisted', 'offered', 'confirmed'] as const satisfies readonly EnrolmentStatus[];

/**
 * Whether an enrolment in this status holds a seat. An offer holds one only while it is live: pass
 * its expiry to have an offer that has lapsed (but not yet been marked `expired`) count as free.
 */
export function holdsSeat(
  status: EnrolmentStatus,
  offer?: { expiresAt: Date | string | null | undefined; now?: Date },
): boolean {
  if (status === 'confirmed') return true;
  if (status !== 'offered') return false;
  if (!offer?.expiresAt) return true;
  return toInstant(offer.expiresAt).getTime() > (offer.now ?? new Date()).getTime();
}

export const PAYMENT_STATUSES = ['unpaid', 'paid', 'waived', 'refunded'] as const;
export const PaymentStatusSchema = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof PaymentStatusSchema>;

export const ATTENDANCE_STATUSES = ['present', 'absent', 'excused'] as const;
export const AttendanceStatusSchema = z.enum(ATTENDANCE_STATUSES);
export type AttendanceStatus = z.infer<typeof AttendanceStatusSchema>;
