import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { StaffRole } from '@harbour/shared';
import { endSession, startSession } from '../../lib/session';
import { renderWithRouter } from '../../test/render-with-router';
import { AppLayout } from './app-layout';

function signIn(roles: StaffRole[], mfaSetupRequired = false) {
  startSession({ accessToken: 't', user: { id: 'u', email: 's@example.org', name: 'Sam Carter', roles }, mfaSetupRequired });
}

async function navLinks(path = '/dashboard') {
  await renderWithRouter(<AppLayout />, { path });
  const nav = await screen.findByRole('navigation', { name: 'Main' });
  return within(nav)
    .getAllByRole('link')
    .map((link) => link.textContent);
}

describe('AppLayout', () => {
  afterEach(() => endSession('signed-out'));

  it('shows Referrals to those who may read them, and Account security to everyone', async () => {
    signIn(['coordinator']);
    const coordinator = await navLinks();
    expect(coordinator).toContain('Referrals');
    expect(coordinator).toContain('Account security');
    expect(screen.getByRole('link', { name: 'Referrals' })).toHaveAttribute('href', '/referrals');
    expect(screen.getByRole('link', { name: 'Account security' })).toHaveAttribute('href', '/account/security');
  });

  it('hides Referrals from a facilitator, who still reaches Account security', async () => {
    signIn(['facilitator']);
    const links = await navLinks();
    expect(links).not.toContain('Referrals');
    expect(links).toContain('Account security');
  });

  it('while two-step verification must be set up, links to the set-up page, and says nothing more on that page', async () => {
    signIn(['coordinator'], true);
    await renderWithRouter(<AppLayout />, { path: '/dashboard' });
    const link = await screen.findByRole('link', { name: 'Set up two-step verification' });
    expect(link).toHaveAttribute('href', '/account/security');
  });

  it('does not repeat the notice on the account security page itself', async () => {
    signIn(['coordinator'], true);
    await renderWithRouter(<AppLayout />, { path: '/account/security' });
    await screen.findByRole('navigation', { name: 'Main' });
    expect(screen.queryByText('Two-step verification is needed')).not.toBeInTheDocument();
  });
});
