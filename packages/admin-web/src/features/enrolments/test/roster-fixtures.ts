// Roster entries and a cohort as the API answers them, for component tests.
import type { Cohort } from '../../cohorts/api/list-cohorts';
import type { RosterEntry } from '../api/list-cohort-enrolments';

export const COHORT_ID = '0b7e8f52-2c1d-4f3a-9e6b-7a8c9d0e1f23';
export const SESSION_IDS = ['5a1b2c3d-0000-4000-8000-000000000001', '5a1b2c3d-0000-4000-8000-000000000002', '5a1b2c3d-0000-4000-8000-000000000003'];

export const sessions: Cohort['sessions'] = SESSION_IDS.map((id, i) => ({
  id,
  position: i + 1,
  startsAt: `2027-0${i + 3}-10T18:00:00.000Z`,
  endsAt: `2027-0${i + 3}-10T21:00:00.000Z`,
  startsAtLondon: '',
}));

export function cohortFixture(overrides: Partial<Cohort> = {}): Cohort {
  return {
    id: COHORT_ID,
    courseId: '3f2a4c1e-9b7d-4e8a-a1c2-5d6e7f8a9b0c',
    title: 'Evening cohort (online)',
    status: 'confirmed',
    minParticipants: 8,
    maxParticipants: 12,
    deliveryMode: 'online',
    venue: null,
    joiningLink: 'https://meet.example.org/evening',
    enrolmentDeadline: null,
    firstSessionAt: sessions[0]?.startsAt ?? null,
    lastSessionEndsAt: sessions[2]?.endsAt ?? null,
    sessions,
    facilitators: [],
    confirmedCount: 12,
    offeredCount: 0,
    waitlistCount: 2,
    seatsTaken: 12,
    seatsFree: 0,
    atRisk: false,
    cancelReason: null,
    publishedAt: '2027-01-01T10:00:00.000Z',
    cancelledAt: null,
    completedAt: null,
    createdAt: '2027-01-01T10:00:00.000Z',
    updatedAt: '2027-01-01T10:00:00.000Z',
    version: 7,
    ...overrides,
  };
}

export function rosterEntry(id: string, firstName: string, lastName: string, overrides: Partial<RosterEntry> = {}): RosterEntry {
  return {
    id,
    cohortId: COHORT_ID,
    courseId: '3f2a4c1e-9b7d-4e8a-a1c2-5d6e7f8a9b0c',
    participantId: `${id.slice(0, -4)}beef`,
    status: 'confirmed',
    queuedAt: '2027-01-02T10:00:00.000Z',
    offeredAt: null,
    offerExpiresAt: null,
    confirmedAt: '2027-01-02T10:00:00.000Z',
    completedAt: null,
    endedAt: null,
    paymentStatus: 'unpaid',
    paymentNote: null,
    refundDue: false,
    manualIssuedAt: null,
    createdAt: '2027-01-02T10:00:00.000Z',
    updatedAt: '2027-01-02T10:00:00.000Z',
    participant: { id: `${id.slice(0, -4)}beef`, firstName, lastName, email: `${firstName.toLowerCase()}@example.org`, phone: null },
    attendance: SESSION_IDS.map((sessionId, i) => ({ sessionId, position: i + 1, status: null })),
    ...overrides,
  };
}
