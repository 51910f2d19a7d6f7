import type { StaffReferral } from '../api/list-referrals';

/** A referral as staff see it (received, unlinked), with whatever a test changes. */
export function referralFixture(overrides: Partial<StaffReferral> = {}): StaffReferral {
  return {
    id: '33333333-3333-4333-8333-333333333333',
    status: 'received',
    cohort: null,
    createdAt: '2027-01-10T10:00:00Z',
    updatedAt: '2027-01-10T10:00:00Z',
    statusChangedAt: '2027-01-10T10:00:00Z',
    partner: { id: '66666666-6666-4666-8666-666666666666', name: 'Probation North' },
    person: { firstName: 'Robin', lastName: 'Hale', email: 'robin@example.org', phone: null },
    relationship: 'partner',
    consentToShare: true,
    referrer: { name: 'Pat Officer', email: 'pat@probation.example', phone: null },
    note: null,
    declineReason: null,
    participantId: null,
    enrolmentId: null,
    ...overrides,
  };
}
