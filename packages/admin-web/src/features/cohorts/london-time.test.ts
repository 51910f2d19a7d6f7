import { describe, expect, it } from 'vitest';
import { describeTimeLeft, fromLondonWallClock, toLondonWallClock } from './london-time';

describe('London wall-clock times', () => {
  it('reads summer and winter times at the right instant', () => {
    expect(fromLondonWallClock('2027-07-01', '18:00')).toEqual({ ok: true, instant: new Date('2027-07-01T17:00:00Z') });
    expect(fromLondonWallClock('2027-12-01', '18:00')).toEqual({ ok: true, instant: new Date('2027-12-01T18:00:00Z') });
  });

  it('reads the doubled hour in October as summer time, and refuses the missing hour in March', () => {
    expect(fromLondonWallClock('2027-10-31', '01:30')).toEqual({ ok: true, instant: new Date('2027-10-31T00:30:00Z') });
    expect(fromLondonWallClock('2027-03-28', '01:30')).toEqual({ ok: false, reason: 'skipped' });
    expect(fromLondonWallClock('2027-02-30', '10:00')).toEqual({ ok: false, reason: 'invalid' });
    expect(fromLondonWallClock('2027-02-03', '')).toEqual({ ok: false, reason: 'incomplete' });
  });

  it('turns an instant back into the inputs’ values', () => {
    expect(toLondonWallClock('2027-10-30T22:00:00Z')).toEqual({ date: '2027-10-30', time: '23:00' });
    expect(toLondonWallClock('2027-10-31T01:00:00Z')).toEqual({ date: '2027-10-31', time: '01:00' });
  });

  it('says how long an offer has left', () => {
    const now = new Date('2027-01-01T12:00:00Z');
    expect(describeTimeLeft('2027-01-02T15:10:00Z', now)).toBe('1 day 3 hours');
    expect(describeTimeLeft('2027-01-03T12:00:00Z', now)).toBe('2 days');
    expect(describeTimeLeft('2027-01-01T13:45:00Z', now)).toBe('1 hour 45 minutes');
    expect(describeTimeLeft('2027-01-01T12:20:00Z', now)).toBe('20 minutes');
    expect(describeTimeLeft('2027-01-01T11:00:00Z', now)).toBeNull();
  });
});
