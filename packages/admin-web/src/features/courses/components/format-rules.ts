// Course rules as a person reads them: "3 sessions of 3 hours", "8–12 participants", "£45.00".
import type { CourseRules } from '../api/list-courses';

const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

function plural(count: number, one: string, many: string = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function formatDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return plural(rest, 'minute');
  if (rest === 0) return plural(hours, 'hour');
  return `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
}

export function formatSessions(rules: Pick<CourseRules, 'sessionCount' | 'sessionMinutes'>): string {
  return `${plural(rules.sessionCount, 'session')} of ${formatDuration(rules.sessionMinutes)}`;
}

export function formatParticipants(rules: Pick<CourseRules, 'minParticipants' | 'maxParticipants'>): string {
  if (rules.minParticipants === rules.maxParticipants) return plural(rules.maxParticipants, 'participant');
  return `${rules.minParticipants}–${rules.maxParticipants} participants`;
}

export function formatFee(feePence: number): string {
  return feePence === 0 ? 'No fee' : pounds.format(feePence / 100);
}

export function formatOfferHours(hours: number): string {
  if (hours >= 24 && hours % 24 === 0) return `${plural(hours, 'hour')} (${plural(hours / 24, 'day')})`;
  return plural(hours, 'hour');
}

export function formatAtRiskDays(days: number): string {
  return `${plural(days, 'day')} before the first session`;
}
