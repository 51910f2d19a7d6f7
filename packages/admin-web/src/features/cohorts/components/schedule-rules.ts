// The schedule as typed (London dates and times) checked with the shared rule, message by field.
import { validateSchedule, type CourseRules } from '@harbour/shared';
import { fromLondonWallClock } from '../london-time';

export interface SessionRow {
  /** Stable React key; not sent anywhere. */
  key: string;
  date: string;
  time: string;
}

export interface ScheduleCheck {
  /** UTC instants (ISO) of the rows, null where a row has no valid date and time yet. */
  instants: (string | null)[];
  /** Messages keyed by the API's paths: `sessions` and `sessions.N.startsAt`. */
  errors: Record<string, string>;
  ok: boolean;
}

let keySeed = 0;
export function newSessionRow(date = '', time = ''): SessionRow {
  keySeed += 1;
  return { key: `session-${keySeed}`, date, time };
}

/**
 * Runs `validateSchedule` over the rows. A row left empty is reported only when `showIncomplete`
 * (after a submit): nobody needs to be told off for a field they have not reached yet.
 */
export function checkSchedule(
  rules: CourseRules,
  rows: readonly SessionRow[],
  opts: { now?: Date; requireFuture?: boolean; showIncomplete?: boolean } = {},
): ScheduleCheck {
  const errors: Record<string, string> = {};
  const instants = rows.map((row, i) => {
    const result = fromLondonWallClock(row.date, row.time);
    if (result.ok) return result.instant.toISOString();
    const path = `sessions.${i}.startsAt`;
    if (result.reason === 'skipped') {
      errors[path] = `Session ${i + 1}: the clocks go forward at that time, so it does not exist in the UK. Choose another time.`;
    }
    return null;
  });
  const result = validateSchedule(
    rules,
    // An empty string is not a date: the rule reports it as "needs a valid date and start time".
    instants.map((startsAt) => ({ startsAt: startsAt ?? '' })),
    { now: opts.now, requireFuture: opts.requireFuture },
  );
  if (!result.ok) {
    for (const violation of result.violations) {
      const index = /^sessions\.(\d+)\./.exec(violation.path)?.[1];
      const row = index === undefined ? undefined : rows[Number(index)];
      const incomplete = row && (!row.date || !row.time) && violation.code === 'INVALID_DATE';
      if (incomplete && !opts.showIncomplete) continue;
      errors[violation.path] ??= violation.message;
    }
  }
  return { instants, errors, ok: Object.keys(errors).length === 0 && instants.every((i) => i !== null) };
}
