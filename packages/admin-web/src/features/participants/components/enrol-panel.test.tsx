import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
import { EnrolPanel } from './enrol-panel';

const courseId = '22222222-2222-4222-8222-222222222222';
const participantId = '11111111-1111-4111-8111-111111111111';
const cohortId = '77777777-7777-4777-8777-777777777777';

const cohort = {
  id: cohortId,
  courseId,
  title: 'Evening cohort',
  status: 'open',
  minParticipants: 8,
  maxParticipants: 12,
  seatsFree: 0,
  waitlistCount: 2,
  firstSessionAt: '2027-03-04T18:00:00Z',
};

async function enrol(answer: () => Response) {
  const api = stubApi({
    'GET /v1/cohorts': () => json({ items: [cohort], nextCursor: null }),
    [`POST /v1/cohorts/${cohortId}/enrolments`]: answer,
  });
  await renderWithRouter(<EnrolPanel participantId={participantId} participantName="Alex Morgan" courseId={courseId} />);
  const u = userEvent.setup({ delay: null });
  await u.click(await screen.findByRole('button', { name: /Cohort/ }));
  await u.click(await screen.findByRole('option', { name: /^Evening cohort \(starts 4 March 2027; full, 2 waiting\)/ }));
  await u.click(screen.getByRole('button', { name: 'Enrol' }));
  return api;
}

describe('EnrolPanel', () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'u', email: 's@example.org', name: 'S', roles: ['coordinator'] } }));
  afterEach(() => endSession('signed-out'));

  it('lists only open and confirmed cohorts of the course, and says the waitlist position', async () => {
    const api = await enrol(() => json({ id: 'e1', status: 'waitlisted', waitlistPosition: 3 }, { status: 201 }));
    expect(await screen.findByText('On the waitlist, number 3')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open the cohort' })).toHaveAttribute('href', `/cohorts/${cohortId}`);
    const list = new URL(api.requests[0]?.url ?? '');
    expect(list.searchParams.get('status')).toBe('open,confirmed');
    expect(list.searchParams.get('courseId')).toBe(courseId);
    expect(await api.bodiesOf('POST', `/v1/cohorts/${cohortId}/enrolments`)).toEqual([{ participantId }]);
  });

  it('says plainly when they are not eligible (422 NOT_ELIGIBLE)', async () => {
    await enrol(() => problem(422, 'NOT_ELIGIBLE', 'Not eligible.'));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText(/their latest declaration does not make them eligible/)).toBeInTheDocument();
  });

  it('says plainly when they already have a place (409 ALREADY_ENROLLED)', async () => {
    await enrol(() => problem(409, 'ALREADY_ENROLLED', 'Already enrolled.'));
    expect(await screen.findByRole('alert')).toHaveTextContent('They already have a seat or a waitlist place on this course');
  });
});
