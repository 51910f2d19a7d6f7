// A cohort's sessions as an iCalendar file, in neutral wording (it may be opened on a shared device).
import ical, { ICalEventStatus } from 'ical-generator';
import type { CohortRow, CohortSessionRow } from './cohorts.repo';

const LONDON = 'Europe/London';

/** UK rules since 1996 (last Sunday of March 01:00 UTC, last Sunday of October 01:00 UTC). */
const LONDON_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/London',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0000',
  'TZOFFSETTO:+0100',
  'TZNAME:BST',
  'DTSTART:19700329T010000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0000',
  'TZNAME:GMT',
  'DTSTART:19701025T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

const wallClockFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

/** The London wall-clock fields of an instant. */
function londonFields(date: Date) {
  const p: Record<string, number> = {};
  for (const part of wallClockFormat.formatToParts(date)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
}

/**
 * ical-generator writes a plain Date with a TZID in the process's own time zone, so it is handed a
 * minimal Temporal.Instant look-alike instead: it asks for the London wall-clock time and prints that.
 */
function londonInstant(date: Date) {
  const plain = () => {
    const f = londonFields(date);
    const self = {
      ...f,
      toPlainDate: () => ({ year: f.year, month: f.month, day: f.day, toJSON: () => '', toString: () => '' }),
      toZonedDateTime: () => zoned(),
      toJSON: () => date.toISOString(),
      toString: () => date.toISOString(),
    };
    return self;
  };
  const zoned = () => ({
    ...londonFields(date),
    timeZoneId: LONDON,
    toInstant: () => instant,
    toPlainDateTime: plain,
    withTimeZone: () => zoned(),
    toJSON: () => date.toISOString(),
    toString: () => date.toISOString(),
  });
  const instant = {
    epochMilliseconds: date.getTime(),
    toZonedDateTimeISO: () => zoned(),
    toJSON: () => date.toISOString(),
    toString: () => date.toISOString(),
  };
  return instant;
}

export function cohortCalendarIcs(cohort: CohortRow, sessions: CohortSessionRow[]): string {
  const calendar = ical({
    name: 'Course sessions',
    prodId: { company: 'Harbour', product: 'Harbour', language: 'EN' },
    timezone: { name: null, generator: (tz) => (tz === LONDON ? LONDON_VTIMEZONE : null) },
  });
  for (const session of sessions) {
    calendar.createEvent({
      id: `${session.id}@harbour`,
      // Calendar clients replace an event whose SEQUENCE grew: the cohort's version does.
      sequence: cohort.version,
      stamp: cohort.updatedAt,
      start: londonInstant(session.startsAt),
      end: londonInstant(session.endsAt),
      timezone: LONDON,
      summary: `Course session ${session.position} of ${sessions.length}`,
      // The joining link is for confirmed delegates only; this file is downloaded by staff and passed on.
      location: cohort.deliveryMode === 'in_person' && cohort.venue ? cohort.venue : null,
      status: cohort.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
