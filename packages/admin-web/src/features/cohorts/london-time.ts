// Europe/London wall-clock times as typed into date and time inputs, to and from UTC instants.
// The clock changes make this more than adding an hour: 01:30 on the last Sunday of October
// happens twice, and 01:30 on the last Sunday of March does not happen at all.

const LONDON = 'Europe/London';

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

interface WallClock {
  date: string; // YYYY-MM-DD
  time: string; // HH:MM
}

/** The London date and time of an instant, as date and time inputs hold them. */
export function toLondonWallClock(instant: Date | string): WallClock {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  const p: Record<string, string> = {};
  for (const part of partsFormat.formatToParts(date)) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** Minutes London is ahead of UTC at an instant (0 in winter, 60 in summer). */
function londonOffsetMinutes(utcMs: number): number {
  const { date, time } = toLondonWallClock(new Date(utcMs));
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  return (Date.UTC(y, mo - 1, d, h, mi) - Math.floor(utcMs / 60_000) * 60_000) / 60_000;
}

export type WallClockResult =
  | { ok: true; instant: Date }
  | { ok: false; reason: 'incomplete' | 'invalid' | 'skipped' };

/**
 * The instant at which London's clocks show `date` `time`. A time that happens twice (the
 * autumn change) is read as the first, in summer time; one that never happens (the spring
 * change) is refused as 'skipped'.
 */
export function fromLondonWallClock(date: string, time: string): WallClockResult {
  if (!date || !time) return { ok: false, reason: 'incomplete' };
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return { ok: false, reason: 'invalid' };
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) {
    return { ok: false, reason: 'invalid' };
  }
  // Try the summer reading first (the earlier instant), then the winter one.
  for (const offset of [...new Set([londonOffsetMinutes(asUtc - 60 * 60_000), londonOffsetMinutes(asUtc + 60 * 60_000)])].sort((a, b) => b - a)) {
    const candidate = new Date(asUtc - offset * 60_000);
    const back = toLondonWallClock(candidate);
    if (back.date === date && back.time === time) return { ok: true, instant: candidate };
  }
  return { ok: false, reason: 'skipped' };
}

/** "18:00" in London for an instant. */
export function londonTime(instant: Date | string): string {
  return toLondonWallClock(instant).time;
}

function plural(count: number, one: string): string {
  return `${count} ${one}${count === 1 ? '' : 's'}`;
}

/** How long until an offer lapses, as people say it: "1 day 3 hours", "45 minutes". */
export function describeTimeLeft(expiresAt: Date | string, now: Date = new Date()): string | null {
  const ms = new Date(expiresAt).getTime() - now.getTime();
  if (ms <= 0) return null;
  const totalMinutes = Math.floor(ms / 60_000);
  const days = Math.floor(totalMinutes / (24 * 60));
  const hours = Math.floor((totalMinutes % (24 * 60)) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) return hours > 0 ? `${plural(days, 'day')} ${plural(hours, 'hour')}` : plural(days, 'day');
  if (hours > 0) return minutes > 0 ? `${plural(hours, 'hour')} ${plural(minutes, 'minute')}` : plural(hours, 'hour');
  return totalMinutes > 0 ? plural(totalMinutes, 'minute') : 'less than a minute';
}
