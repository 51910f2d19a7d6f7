import { describe, expect, it } from 'vitest';
import {
  formatAtRiskDays,
  formatDuration,
  formatFee,
  formatOfferHours,
  formatParticipants,
  formatSessions,
} from './format-rules';

describe('course rules in words', () => {
  it('describes the default course as people say it', () => {
    expect(formatSessions({ sessionCount: 3, sessionMinutes: 180 })).toBe('3 sessions of 3 hours');
    expect(formatParticipants({ minParticipants: 8, maxParticipants: 12 })).toBe('8–12 participants');
    expect(formatFee(4500)).toBe('£45.00');
    expect(formatOfferHours(48)).toBe('48 hours (2 days)');
    expect(formatAtRiskDays(14)).toBe('14 days before the first session');
  });

  it('handles singulars, odd lengths, a fixed size and no fee', () => {
    expect(formatSessions({ sessionCount: 1, sessionMinutes: 90 })).toBe('1 session of 1 hour 30 minutes');
    expect(formatDuration(45)).toBe('45 minutes');
    expect(formatDuration(60)).toBe('1 hour');
    expect(formatParticipants({ minParticipants: 10, maxParticipants: 10 })).toBe('10 participants');
    expect(formatFee(0)).toBe('No fee');
    expect(formatFee(1999)).toBe('£19.99');
    expect(formatOfferHours(36)).toBe('36 hours');
    expect(formatAtRiskDays(1)).toBe('1 day before the first session');
  });
});
