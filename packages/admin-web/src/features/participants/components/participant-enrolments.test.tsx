import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
import { EnrolPanel } from './enrol-panel';
import { ParticipantEnrolments } from './participant-enrolments';

const participantId = '11111111-1111-4111-8111-111111111111';
const courseId = '22222222-2222-4222-8222-222222222222';
const cohortA = '77777777-7777-4777-8777-777777777777';
const cohortB = '88888888-8888-4888-8888-888888888888';
const path = `/v1/participants/${participantId}/enrolments`;

const HOUR = 3_600_000;

function enrolment(over: Record<string, unknown>) {
  return {
    id: crypto.randomUUID(),
    courseId,
    cohort: { id: cohortA, title: 'Evening cohort', status: 'open', firstSessionAt: '2027-03-04T18:00:00Z' },
    status: 'confirmed',
    offerExpiresAt: null,
    paymentStatus: 'unpaid',
    endedAt: null,
    createdAt: '2027-01-10T10:00:00Z',
    ...over,
  };
}

describe('ParticipantEnrolments', () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'u', email: 's@example.org', name: 'S', roles: ['coordinator'] } }));
  afterEach(() => endSession('signed-out'));

  it('shows each cohort (linked), where they stand, the time left on an offer, and payment', async () => {
    const expires = new Date(Date.now() + 26 * HOUR + 60_000).toISOString();
    stubApi({
      [`GET ${path}`]: () =>
        json({
          participantId,
          items: [
            enrolment({ status: 'offered', offerExpiresAt: expires }),
            enrolment({
              status: 'waitlisted',
              waitlistPosition: 2,
              cohort: { id: cohortB, title: 'Morning cohort', status: 'confirmed', firstSessionAt: null },
            }),
            enrolment({ status: 'withdrawn', paymentStatus: 'refunded', endedAt: '2027-01-12T09:00:00Z' }),
          ],
        }),
    });
    await renderWithRouter(<ParticipantEnrolments participantId={participantId} />);
    const table = await screen.findByRole('table', { name: 'Enrolments, newest first' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);

    expect(within(rows[0]!).getByRole('link', { name: 'Evening cohort' })).toHaveAttribute('href', `/cohorts/${cohortA}`);
    expect(rows[0]).toHaveTextContent('Offered a place');
    expect(rows[0]).toHaveTextContent('Expires in 1 day 2 hours');
    expect(rows[0]).toHaveTextContent('Not paid');

    expect(within(rows[1]!).getByRole('link', { name: 'Morning cohort' })).toHaveAttribute('href', `/cohorts/${cohortB}`);
    expect(rows[1]).toHaveTextContent('Number 2 on the waitlist');
    expect(rows[1]).toHaveTextContent('Dates to be set');

    expect(rows[2]).toHaveTextContent('Withdrawn');
    expect(rows[2]).toHaveTextContent('Refunded');
  });

  it('says so when they have no enrolments', async () => {
    stubApi({ [`GET ${path}`]: () => json({ participantId, items: [] }) });
    await renderWithRouter(<ParticipantEnrolments participantId={participantId} />);
    expect(await screen.findByText('Not enrolled on any cohort yet.')).toBeInTheDocument();
  });

  it('says when the enrolments could not be loaded, and tries again', async () => {
    let calls = 0;
    stubApi({
      [`GET ${path}`]: () => {
        calls += 1;
        return calls === 1 ? problem(503, 'UNAVAILABLE', 'Down.') : json({ participantId, items: [enrolment({})] });
      },
    });
    await renderWithRouter(<ParticipantEnrolments participantId={participantId} />);
    expect(await screen.findByText('Enrolments could not be loaded')).toBeInTheDocument();
    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Evening cohort' })).toBeInTheDocument();
  });

  it('shows the new enrolment once they have been enrolled', async () => {
    let enrolled = false;
    stubApi({
      [`GET ${path}`]: () => json({ participantId, items: enrolled ? [enrolment({ status: 'confirmed' })] : [] }),
      'GET /v1/cohorts': () =>
        json({
          items: [
            { id: cohortA, courseId, title: 'Evening cohort', status: 'open', minParticipants: 8, maxParticipants: 12, seatsFree: 3, waitlistCount: 0, firstSessionAt: '2027-03-04T18:00:00Z' },
          ],
          nextCursor: null,
        }),
      [`POST /v1/cohorts/${cohortA}/enrolments`]: () => {
        enrolled = true;
        return json({ id: 'e1', status: 'confirmed' }, { status: 201 });
      },
    });
    await renderWithRouter(
      <>
        <ParticipantEnrolments participantId={participantId} />
        <EnrolPanel participantId={participantId} participantName="Alex Morgan" courseId={courseId} />
      </>,
    );
    expect(await screen.findByText('Not enrolled on any cohort yet.')).toBeInTheDocument();
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: /Cohort/ }));
    await u.click(await screen.findByRole('option', { name: /^Evening cohort/ }));
    await u.click(screen.getByRole('button', { name: 'Enrol' }));
    expect(await screen.findByText('Seat confirmed')).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Enrolments, newest first' });
    expect(within(table).getByRole('link', { name: 'Evening cohort' })).toBeInTheDocument();
    expect(table).toHaveTextContent('Confirmed');
  });
});
