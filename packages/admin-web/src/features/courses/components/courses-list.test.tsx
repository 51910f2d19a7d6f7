import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
import { CoursesList } from './courses-list';

const rules = { sessionCount: 3, sessionMinutes: 180, minParticipants: 8, maxParticipants: 12, feePence: 4500, offerHours: 48, atRiskDays: 14 };
const course = (id: string, name: string) => ({
  id,
  name,
  description: 'For partners and family members.',
  rules,
  createdAt: '2027-01-01T10:00:00Z',
  updatedAt: '2027-01-01T10:00:00Z',
});

describe('CoursesList', () => {
  beforeEach(() =>
    startSession({ accessToken: 't', user: { id: 'u', email: 'a@example.org', name: 'A', roles: ['admin'] } }),
  );
  afterEach(() => endSession('signed-out'));

  it('lists each course with its rules in words, and loads more on request', async () => {
    stubApi({
      'GET /v1/courses': (request) =>
        new URL(request.url).searchParams.get('cursor') === 'page-2'
          ? json({ items: [course('c2', 'Second course')], nextCursor: null })
          : json({ items: [course('c1', 'Course for Family Members and Partners')], nextCursor: 'page-2' }),
    });
    await renderWithRouter(<CoursesList />);

    const table = await screen.findByRole('table', { name: 'Courses and their rules' });
    const row = within(table).getByRole('row', { name: /Course for Family Members and Partners/ });
    expect(row).toHaveTextContent('3 sessions of 3 hours');
    expect(row).toHaveTextContent('8–12 participants');
    expect(row).toHaveTextContent('£45.00');
    expect(row).toHaveTextContent('48 hours (2 days)');
    expect(row).toHaveTextContent('14 days before the first session');
    expect(within(row).getByRole('link', { name: 'Course for Family Members and Partners' })).toHaveAttribute('href', '/courses/c1');

    await userEvent.setup().click(screen.getByRole('button', { name: 'Show more courses' }));
    expect(await within(table).findByRole('row', { name: /Second course/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show more courses' })).not.toBeInTheDocument();
  });

  it('says so when there are no courses', async () => {
    stubApi({ 'GET /v1/courses': () => json({ items: [], nextCursor: null }) });
    await renderWithRouter(<CoursesList />);
    expect(await screen.findByText('There are no courses yet')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows an error that can be retried', async () => {
    let calls = 0;
    stubApi({
      'GET /v1/courses': () =>
        ++calls === 1 ? problem(500, 'INTERNAL_ERROR', 'Internal error.') : json({ items: [course('c1', 'Back again')], nextCursor: null }),
    });
    await renderWithRouter(<CoursesList />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Courses could not be loaded');
    await userEvent.setup().click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('row', { name: /Back again/ })).toBeInTheDocument();
  });
});
