// Words for the cohort and enrolment states (the shared package has the states, not their labels).
import type { AttendanceStatus, CohortStatus, EnrolmentStatus, PaymentStatus } from '@harbour/shared';

export const COHORT_STATUS_LABELS: Record<CohortStatus, string> = {
  draft: 'Draft',
  open: 'Open for enrolment',
  confirmed: 'Confirmed',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export const DELIVERY_LABELS = { online: 'Online', in_person: 'In person' } as const;

export const ENROLMENT_STATUS_LABELS: Record<EnrolmentStatus, string> = {
  waitlisted: 'Waiting',
  offered: 'Offered a place',
  confirmed: 'Confirmed',
  completed: 'Completed',
  declined: 'Declined',
  expired: 'Offer expired',
  withdrawn: 'Withdrawn',
  removed: 'Removed',
};

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  unpaid: 'Not paid',
  paid: 'Paid',
  waived: 'Waived',
  refunded: 'Refunded',
};

export const ATTENDANCE_LABELS: Record<AttendanceStatus, string> = {
  present: 'Present',
  absent: 'Absent',
  excused: 'Excused',
};

export function seatsText(cohort: { seatsTaken: number; maxParticipants: number }): string {
  return `${cohort.seatsTaken} of ${cohort.maxParticipants} seats taken`;
}
