import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, stubApi } from '../../../test/fake-api';
import { renderWithQueryClient } from '../../../test/render';
import { COHORT_ID, cohortFixture, rosterEntry, sessions } from '../test/roster-fixtures';
import { CohortEnrolments } from './cohort-enrolments';

const ada = rosterEntry('11111111-1111-4111-8111-111111111111', 'Ada', 'Lovelace');
const grace = rosterEntry('22222222-2222-4222-8222-222222222222', 'Grace', 'Hopper', { status: 'waitlisted', waitlistPosition: 1, confirmedAt: null });
const roster = () => json({ items: [ada, grace], nextCursor: null });

describe('the people on a cohort', () => {
  it('lets a coordinator mark a confirmed person completed once the course has begun', async () => {
    const api = stubApi({
      [`GET /v1/cohorts/${COHORT_ID}/enrolments`]: roster,
      [`POST /v1/enrolments/${ada.id}/complete`]: () => json({ ...ada, status: 'completed', completedAt: '2027-05-10T21:00:00.000Z' }),
    });
    const started = cohortFixture({ status: 'in_progress', firstSessionAt: '2020-01-01T18:00:00.000Z' });
    renderWithQueryClient(<CohortEnrolments cohort={started} roles={['coordinator']} />);
    const user = userEvent.setup({ delay: null });

    await user.click(await screen.findByRole('button', { name: 'Mark completed: Ada Lovelace' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Mark Ada Lovelace as completed?' });
    await user.click(within(dialog).getByRole('button', { name: 'Mark as completed' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(api.requests.some((r) => r.method === 'POST' && r.url.endsWith(`/v1/enrolments/${ada.id}/complete`))).toBe(true);
    // Nobody waiting is offered completion.
    expect(screen.queryByRole('button', { name: 'Mark completed: Grace Hopper' })).not.toBeInTheDocument();
  });

  it('does not offer completion before the first session, nor to a facilitator', async () => {
    stubApi({ [`GET /v1/cohorts/${COHORT_ID}/enrolments`]: roster });
    const ahead = cohortFixture({ firstSessionAt: '2999-01-01T18:00:00.000Z', sessions });
    const { unmount } = renderWithQueryClient(<CohortEnrolments cohort={ahead} roles={['coordinator']} />);
    expect(await screen.findByRole('button', { name: 'Withdraw: Ada Lovelace' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Mark completed/ })).not.toBeInTheDocument();
    unmount();

    renderWithQueryClient(<CohortEnrolments cohort={cohortFixture({ status: 'in_progress', firstSessionAt: '2020-01-01T18:00:00.000Z' })} roles={['facilitator']} />);
    expect(await screen.findByRole('button', { name: 'Raise a concern: Ada Lovelace' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Raise a concern: Grace Hopper' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Mark completed/ })).not.toBeInTheDocument();
  });
});
