import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
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
