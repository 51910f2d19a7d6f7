import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
import { cohortFixture, rosterEntry } from '../../enrolments/test/roster-fixtures';
import { referralFixture } from '../../referrals/test/referral-fixture';
import { Dashboard } from './dashboard';

const emptyPage = { items: [], nextCursor: null };
const referral = referralFixture({ person: { firstName: 'Robin', lastName: 'Hale', email: null, phone: '07700 900123' }, relationship: 'spouse' });

describe('Dashboard: referrals waiting for contact', () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'u', email: 's@example.org', name: 'S', roles: ['coordinator'] } }));
  afterEach(() => endSession('signed-out'));

  it('lists the received referrals with a link to the inbox', async () => {
    const api = stubApi({
      'GET /v1/cohorts': () => json(emptyPage),
      'GET /v1/declarations': () => json(emptyPage),
      'GET /v1/referrals': () => json({ items: [referral], nextCursor: null }),
    });
    await renderWithRouter(<Dashboard roles={['coordinator']} />);
    const panel = await screen.findByRole('region', { name: 'Referrals waiting for contact (1)' });
    expect(within(panel).getByText('Robin Hale')).toBeInTheDocument();
    expect(panel).toHaveTextContent('referred by Probation North');
    expect(within(panel).getByRole('link', { name: 'Referrals inbox' })).toHaveAttribute('href', '/referrals?status=received');
    const asked = api.requests.map((r) => new URL(r.url)).find((u) => u.pathname === '/v1/referrals');
    expect(asked?.searchParams.get('status')).toBe('received');
  });

  it('says when nobody is waiting, and is not shown to a facilitator', async () => {
    stubApi({
      'GET /v1/cohorts': () => json(emptyPage),
      'GET /v1/declarations': () => json(emptyPage),
      'GET /v1/referrals': () => json(emptyPage),
    });
    const { unmount } = await renderWithRouter(<Dashboard roles={['coordinator']} />);
    expect(await screen.findByText('No referrals are waiting for contact.')).toBeInTheDocument();
    unmount();
    await renderWithRouter(<Dashboard roles={['facilitator']} />);
    await screen.findByRole('region', { name: 'Cohorts at risk' });
    expect(screen.queryByRole('region', { name: /Referrals waiting/ })).not.toBeInTheDocument();
  });
});

describe('Dashboard: offers waiting for an answer', () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'u', email: 's@example.org', name: 'S', roles: ['coordinator'] } }));
  afterEach(() => endSession('signed-out'));

  it('gathers the offers of every open cohort, past the ten shown and across pages', async () => {
    const shown = Array.from({ length: 10 }, (_, i) => cohortFixture({ id: `0b7e8f52-2c1d-4f3a-9e6b-7a8c9d0e1f${String(i).padStart(2, '0')}`, title: `Cohort ${i}`, offeredCount: 0 }));
    const later = cohortFixture({ id: '0b7e8f52-2c1d-4f3a-9e6b-7a8c9d0e1fff', title: 'Spring cohort', offeredCount: 1 });
    const offer = rosterEntry('33333333-3333-4333-8333-333333333333', 'Robin', 'Hale', {
      cohortId: later.id,
      status: 'offered',
      offerExpiresAt: '2999-01-01T10:00:00.000Z',
    });
    const api = stubApi({
      'GET /v1/cohorts': (request) => {
        const query = new URL(request.url).searchParams;
        if (query.get('atRisk')) return json(emptyPage);
        if (query.get('limit') === '10') return json({ items: shown, nextCursor: 'more' });
        return query.get('cursor') === 'page-2' ? json({ items: [later], nextCursor: null }) : json({ items: shown, nextCursor: 'page-2' });
      },
      [`GET /v1/cohorts/${later.id}/enrolments`]: () => json({ items: [offer], nextCursor: null }),
      'GET /v1/declarations': () => json(emptyPage),
      'GET /v1/referrals': () => json(emptyPage),
    });
    await renderWithRouter(<Dashboard roles={['coordinator']} />);
    const panel = await screen.findByRole('region', { name: 'Offers waiting for an answer' });
    expect(await within(panel).findByText('Robin Hale')).toBeInTheDocument();
    expect(within(panel).getByRole('link', { name: 'Spring cohort' })).toBeInTheDocument();
    const offered = api.requests.map((r) => new URL(r.url)).filter((u) => u.pathname === '/v1/cohorts' && u.searchParams.get('limit') === '100');
    expect(offered.map((u) => u.searchParams.get('status'))).toEqual(['open,confirmed', 'open,confirmed']);
  });
});
