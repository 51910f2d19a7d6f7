import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
import type { StaffAccount } from '../api/list-users';
import { UsersAdmin } from './users-admin';

const sam: StaffAccount = {
  id: '77777777-7777-4777-8777-777777777777',
  email: 'sam@charity.example',
  name: 'Sam Carter',
  roles: ['facilitator'],
  mfaEnabled: true,
  disabled: false,
  createdAt: '2027-01-01T10:00:00Z',
  updatedAt: '2027-01-01T10:00:00Z',
};

describe('staff roles', () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'admin', email: 'a@charity.example', name: 'Ada', roles: ['admin'] } }));
  afterEach(() => endSession('signed-out'));

  it('changes a staff member’s roles, and refuses none at all before sending anything', async () => {
    const api = stubApi({
      'GET /v1/users': () => json({ items: [sam], nextCursor: null }),
      [`PATCH /v1/users/${sam.id}`]: () => json({ ...sam, roles: ['facilitator', 'safeguarding_lead'] }),
    });
    await renderWithRouter(<UsersAdmin />);
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'Change roles: Sam Carter' }));
    const dialog = await screen.findByRole('dialog', { name: 'Roles of Sam Carter' });
    const facilitator = within(dialog).getByRole('checkbox', { name: /Facilitator/ });
    expect(facilitator).toBeChecked();

    await u.click(facilitator);
    await u.click(within(dialog).getByRole('button', { name: 'Save roles' }));
    expect(await within(dialog).findByText('Choose at least one role.')).toBeInTheDocument();
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

    await u.click(facilitator);
    await u.click(within(dialog).getByRole('checkbox', { name: /Safeguarding lead/ }));
    await u.click(within(dialog).getByRole('button', { name: 'Save roles' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await api.bodiesOf('PATCH', `/v1/users/${sam.id}`)).toEqual([{ roles: ['facilitator', 'safeguarding_lead'] }]);
  });

  it('shows the server’s refusal in the dialog', async () => {
    stubApi({
      'GET /v1/users': () => json({ items: [sam], nextCursor: null }),
      [`PATCH /v1/users/${sam.id}`]: () => problem(409, 'INVALID_STATE', 'There must always be at least one active admin.'),
    });
    await renderWithRouter(<UsersAdmin />);
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'Change roles: Sam Carter' }));
    const dialog = await screen.findByRole('dialog', { name: 'Roles of Sam Carter' });
    await u.click(within(dialog).getByRole('button', { name: 'Save roles' }));
    expect(await within(dialog).findByText(/at least one active admin/)).toBeInTheDocument();
  });
});

describe('set-password links', () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'admin', email: 'a@charity.example', name: 'Ada', roles: ['admin'] } }));
  afterEach(() => endSession('signed-out'));

  const link = (emailed: boolean) => ({ setPasswordUrl: 'https://harbour.example/set-password?token=abc', expiresAt: '2027-01-04T10:00:00Z', emailed });

  it('says when the link was e-mailed too, and when it must be sent by hand', async () => {
    let emailed = true;
    stubApi({
      'GET /v1/users': () => json({ items: [sam], nextCursor: null }),
      [`POST /v1/users/${sam.id}/set-password-link`]: () => json(link(emailed)),
    });
    await renderWithRouter(<UsersAdmin />);
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'New set-password link for Sam Carter' }));
    expect(await screen.findByText(/It has also been e-mailed to Sam Carter/)).toBeInTheDocument();

    emailed = false;
    await u.click(screen.getByRole('button', { name: 'New set-password link for Sam Carter' }));
    expect(await screen.findByText(/Send this link to Sam Carter so they can choose their password\./)).toBeInTheDocument();
    expect(screen.queryByText(/It has also been e-mailed/)).not.toBeInTheDocument();
  });
});
