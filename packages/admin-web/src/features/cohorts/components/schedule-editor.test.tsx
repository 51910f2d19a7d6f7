import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { problem, stubApi } from '../../../test/fake-api';
import { renderWithQueryClient } from '../../../test/render';
import type { Course } from '../../courses/api/list-courses';
import { CohortForm, type CohortSubmission } from './cohort-form';

const course: Course = {
  id: '3f2a4c1e-9b7d-4e8a-a1c2-5d6e7f8a9b0c',
  name: 'Course for Family Members and Partners',
  description: 'For partners and family members.',
  rules: { sessionCount: 3, sessionMinutes: 180, minParticipants: 8, maxParticipants: 12, feePence: 4500, offerHours: 48, atRiskDays: 14 },
  createdAt: '2027-01-01T10:00:00Z',
  updatedAt: '2027-01-01T10:00:00Z',
};

const NOW = new Date('2027-06-01T09:00:00Z');

function renderForm(onSubmit = vi.fn(async (_submission: CohortSubmission) => undefined)) {
  renderWithQueryClient(
    <CohortForm
      courses={[course]}
      onSubmit={onSubmit}
      isPending={false}
      submitLabel="Save as a draft"
      pendingLabel="Saving…"
      onCancel={vi.fn()}
      now={NOW}
    />,
  );
  return { onSubmit, user: userEvent.setup({ delay: null }) };
}

async function setSession(user: ReturnType<typeof userEvent.setup>, n: number, date: string, time: string) {
  const dateInput = screen.getByLabelText(`Session ${n} date`);
  const timeInput = screen.getByLabelText(`Session ${n} start time`);
  if ((dateInput as HTMLInputElement).value) await user.clear(dateInput);
  await user.type(dateInput, date);
  if ((timeInput as HTMLInputElement).value) await user.clear(timeInput);
  await user.type(timeInput, time);
}

const row = (n: number) => screen.getByText(`Session ${n}`, { selector: '.schedule__row-title' }).closest('li') as HTMLElement;

// Typing dates key by key is slow on a busy machine; the default 15 s is not always enough.
describe('the schedule editor', { timeout: 40_000 }, () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'u', email: 'a@example.org', name: 'A', roles: ['coordinator'] } }));
  afterEach(() => endSession('signed-out'));

  it('offers one row per session of the course and says nothing before anything is typed', () => {
    renderForm();
    expect(screen.getAllByLabelText(/^Session \d date$/)).toHaveLength(3);
    expect(screen.getByText(/3 sessions of 3 hours, in order, on different days/)).toBeInTheDocument();
    expect(document.querySelectorAll('.schedule .field__error')).toHaveLength(0);
  });

  it('works out end times and overlaps in London time across the October clock change', async () => {
    const { user } = renderForm();
    // 23:00 BST on Saturday 30 October 2027 is 22:00 UTC; three hours later the clocks have gone
    // back, so it ends at 01:00 GMT on Sunday (not 02:00).
    await setSession(user, 1, '2027-10-30', '23:00');
    expect(within(row(1)).getByText('Ends Sunday 31 October 2027, 01:00')).toBeInTheDocument();

    // 00:30 on Sunday is still summer time (23:30 UTC on Saturday): inside session 1.
    await setSession(user, 2, '2027-10-31', '00:30');
    const message = within(row(2)).getByText('Session 2 starts before session 1 ends (Sunday 31 October 2027, 01:00).');
    expect(screen.getByLabelText('Session 2 date')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Session 2 date')).toHaveAccessibleDescription(expect.stringContaining(message.textContent ?? ''));

    // Moved to the next evening, the message goes as it is typed.
    await setSession(user, 2, '2027-10-31', '18:00');
    expect(within(row(2)).queryByText(/starts before session 1 ends/)).not.toBeInTheDocument();
    expect(within(row(2)).getByText('Ends 21:00')).toBeInTheDocument();
  });

  it('sends UTC instants that follow the clock change', async () => {
    const { user, onSubmit } = renderForm();
    await user.type(screen.getByLabelText('Cohort name'), 'Autumn evenings');
    await user.type(screen.getByLabelText('Joining link'), 'https://meet.example.org/autumn');
    await setSession(user, 1, '2027-10-23', '18:00');
    await setSession(user, 2, '2027-10-30', '18:00');
    await setSession(user, 3, '2027-11-06', '18:00');
    await user.click(screen.getByRole('button', { name: 'Save as a draft' }));

    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit.mock.calls[0]?.[0]).toMatchObject({
      title: 'Autumn evenings',
      deliveryMode: 'online',
      joiningLink: 'https://meet.example.org/autumn',
      venue: null,
      sessions: [
        { startsAt: '2027-10-23T17:00:00.000Z' },
        { startsAt: '2027-10-30T17:00:00.000Z' },
        { startsAt: '2027-11-06T18:00:00.000Z' },
      ],
    });
  });

  it('says when two sessions fall on the same day, or are out of order', async () => {
    const { user } = renderForm();
    await setSession(user, 1, '2027-07-10', '10:00');
    await setSession(user, 2, '2027-07-10', '14:00');
    expect(within(row(2)).getByText('Session 2 is on the same day as session 1; sessions are held on different days.')).toBeInTheDocument();
    await setSession(user, 2, '2027-07-03', '10:00');
    expect(within(row(2)).getByText('Session 2 must start after session 1.')).toBeInTheDocument();
  });

  it('says when the number of sessions is wrong, and the summary links to the schedule', async () => {
    const { user, onSubmit } = renderForm();
    await user.click(screen.getByRole('button', { name: 'Remove session 3' }));
    expect(screen.getByText('A cohort of this course has exactly 3 sessions; 2 were given.')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Cohort name'), 'Short one');
    await setSession(user, 1, '2027-07-10', '10:00');
    await setSession(user, 2, '2027-07-17', '10:00');
    await user.click(screen.getByRole('button', { name: 'Save as a draft' }));
    const summary = await screen.findByRole('alert');
    expect(within(summary).getByRole('link', { name: /exactly 3 sessions; 2 were given/ })).toHaveAttribute('href', '#sessions-heading');
    expect(onSubmit).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Add a session' }));
    await setSession(user, 3, '2027-07-24', '10:00');
    expect(screen.queryByText(/exactly 3 sessions/, { selector: '.schedule .field__error' })).not.toBeInTheDocument();
  });

  it('refuses a time the spring clock change skips, and a session in the past', async () => {
    const { user } = renderForm();
    await setSession(user, 1, '2028-03-26', '01:30');
    expect(within(row(1)).getByText(/the clocks go forward at that time/)).toBeInTheDocument();
    await setSession(user, 1, '2027-05-01', '10:00');
    expect(within(row(1)).getByText('Session 1 must start in the future.')).toBeInTheDocument();
  });

  it('checks the size limits against the course as they are typed', async () => {
    const { user } = renderForm();
    await user.type(screen.getByLabelText('Most people'), '14');
    await user.tab();
    expect(screen.getByLabelText('Most people')).toHaveAccessibleDescription(
      expect.stringContaining("The maximum cannot be higher than the course's maximum of 12 participants."),
    );
  });

  it('shows the server’s 422 messages against the session they concern', async () => {
    stubApi({});
    const onSubmit = vi.fn(async (_submission: CohortSubmission) => {
      const { toApiError } = await import('../../../lib/problem');
      const response = problem(422, 'SCHEDULE_INVALID', 'The sessions do not fit the course’s schedule rules. See errors.', {
        errors: [{ path: 'sessions.1.startsAt', message: 'Session 2 clashes with a bank holiday.' }],
      });
      throw toApiError(await response.json(), response);
    });
    const { user } = renderForm(onSubmit);
    await user.type(screen.getByLabelText('Cohort name'), 'Summer');
    await user.type(screen.getByLabelText('Joining link'), 'https://meet.example.org/summer');
    await setSession(user, 1, '2027-08-21', '10:00');
    await setSession(user, 2, '2027-08-28', '10:00');
    await setSession(user, 3, '2027-09-04', '10:00');
    await user.click(screen.getByRole('button', { name: 'Save as a draft' }));

    const summary = await screen.findByRole('alert');
    expect(within(summary).getByRole('link', { name: 'Session 2 clashes with a bank holiday.' })).toHaveAttribute('href', '#session-2-date');
    expect(within(row(2)).getByText('Session 2 clashes with a bank holiday.')).toBeInTheDocument();
  });
});
