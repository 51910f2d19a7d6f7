import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
import { ParticipantForm } from './participant-form';

const existingId = '55555555-5555-4555-8555-555555555555';
const created = {
  id: '66666666-6666-4666-8666-666666666666',
  firstName: 'Alex',
  lastName: 'Morgan',
  email: 'alex@example.org',
  phone: '07700 900123',
  relationship: 'partner',
  preferredContact: 'email',
  latestDeclaration: null,
  createdAt: '2027-01-01T10:00:00Z',
  updatedAt: '2027-01-01T10:00:00Z',
};

async function fillIn(u: ReturnType<typeof userEvent.setup>, email = 'alex@example.org') {
  await u.type(screen.getByLabelText('First name'), 'Alex');
  await u.type(screen.getByLabelText('Last name'), 'Morgan');
  await u.type(screen.getByLabelText('E-mail address'), email);
  await u.type(screen.getByLabelText('Phone number (optional)'), '07700 900123');
  await u.click(screen.getByRole('button', { name: /Relationship to the person accused/ }));
  await u.click(await screen.findByRole('option', { name: 'Partner' }));
}

describe('ParticipantForm', () => {
  beforeEach(() => {
    sessionStorage.clear();
    startSession({ accessToken: 't', user: { id: 'u1', email: 's@example.org', name: 'Sam Carter', roles: ['coordinator'] } });
  });
  afterEach(() => endSession('signed-out'));

  it('checks the fields with the shared schema before sending', async () => {
    const api = stubApi({});
    await renderWithRouter(<ParticipantForm onSaved={vi.fn()} />);
    const u = userEvent.setup({ delay: null });
    await u.type(await screen.findByLabelText('E-mail address'), 'not-an-address');
    await u.click(screen.getByRole('button', { name: 'Add participant' }));

    const summary = await screen.findByRole('alert');
    const links = within(summary).getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(
      expect.arrayContaining(['#participant-first-name', '#participant-last-name', '#participant-email', '#participant-relationship']),
    );
    expect(screen.getByLabelText('E-mail address')).toHaveAccessibleDescription('Enter a valid e-mail address');
    expect(api.requests).toHaveLength(0);
  });

  it('shows field errors from a problem+json answer beside their fields and in the summary', async () => {
    stubApi({
      'POST /v1/participants': () =>
        problem(400, 'VALIDATION_FAILED', 'The request is not valid.', {
          errors: [
            { path: '/phone', message: 'This phone number cannot be reached from the UK' },
            { path: '/somethingElse', message: 'A problem with no field on the form' },
          ],
        }),
    });
    const onSaved = vi.fn();
    await renderWithRouter(<ParticipantForm onSaved={onSaved} />);
    const u = userEvent.setup({ delay: null });
    await screen.findByLabelText('First name');
    await fillIn(u);
    await u.click(screen.getByRole('button', { name: 'Add participant' }));

    const summary = await screen.findByRole('alert');
    expect(within(summary).getByRole('link', { name: 'This phone number cannot be reached from the UK' })).toHaveAttribute('href', '#participant-phone');
    expect(summary).toHaveTextContent('A problem with no field on the form');
    const phone = screen.getByLabelText('Phone number (optional)');
    expect(phone).toHaveAttribute('aria-invalid', 'true');
    expect(phone).toHaveAccessibleDescription(expect.stringContaining('This phone number cannot be reached from the UK'));
    expect(screen.getByLabelText('First name')).not.toHaveAttribute('aria-invalid');
    await waitFor(() => expect(summary).toHaveFocus());
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('links to the person who already has the e-mail address (409 DUPLICATE_EMAIL)', async () => {
    stubApi({
      'POST /v1/participants': () =>
        new Response(
          JSON.stringify({
            type: 'about:blank',
            title: 'Conflict',
            status: 409,
            detail: 'A participant with this e-mail address already exists.',
            instance: '/v1/participants',
            code: 'DUPLICATE_EMAIL',
            existingId,
          }),
          { status: 409, headers: { 'Content-Type': 'application/problem+json' } },
        ),
    });
    await renderWithRouter(<ParticipantForm onSaved={vi.fn()} />);
    const u = userEvent.setup({ delay: null });
    await screen.findByLabelText('First name');
    await fillIn(u);
    await u.click(screen.getByRole('button', { name: 'Add participant' }));

    const link = await screen.findByRole('link', { name: 'Open the record that has this e-mail address' });
    expect(link).toHaveAttribute('href', `/participants/${existingId}`);
    expect(screen.getByLabelText('E-mail address')).toHaveAccessibleDescription(
      'Someone with this e-mail address is already recorded in Harbour.',
    );
  });

  it('sends the details and hands over the new participant', async () => {
    const api = stubApi({ 'POST /v1/participants': () => json(created, { status: 201 }) });
    const onSaved = vi.fn();
    await renderWithRouter(<ParticipantForm onSaved={onSaved} />);
    const u = userEvent.setup({ delay: null });
    await screen.findByLabelText('First name');
    await fillIn(u, '  Alex@Example.org ');
    await u.click(screen.getByRole('button', { name: 'Add participant' }));

    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ id: created.id })));
    expect(await api.bodiesOf('POST', '/v1/participants')).toEqual([
      { firstName: 'Alex', lastName: 'Morgan', email: 'alex@example.org', phone: '07700 900123', relationship: 'partner', preferredContact: 'email' },
    ]);
    expect(sessionStorage.length).toBe(0);
  });

  it('keeps a half-filled form when the session runs out, for the same person only', async () => {
    stubApi({});
    const first = await renderWithRouter(<ParticipantForm onSaved={vi.fn()} />);
    const u = userEvent.setup({ delay: null });
    await u.type(await screen.findByLabelText('First name'), 'Alex');
    await u.type(screen.getByLabelText('E-mail address'), 'alex@example.org');
    // Typing keeps nothing in the browser's storage; the session expiring does.
    expect(sessionStorage.length).toBe(0);
    endSession('expired');
    first.unmount();
    expect(sessionStorage.length).toBe(1);

    startSession({ accessToken: 't2', user: { id: 'u1', email: 's@example.org', name: 'Sam Carter', roles: ['coordinator'] } });
    const again = await renderWithRouter(<ParticipantForm onSaved={vi.fn()} />);
    expect(await screen.findByLabelText('First name')).toHaveValue('Alex');
    expect(screen.getByLabelText('E-mail address')).toHaveValue('alex@example.org');
    expect(screen.getByText(/has been put back/)).toBeInTheDocument();
    // Put back, it leaves storage.
    expect(sessionStorage.length).toBe(0);

    // Someone else signing in on this tab does not see it.
    endSession('expired');
    again.unmount();
    startSession({ accessToken: 't3', user: { id: 'u2', email: 'o@example.org', name: 'Other', roles: ['coordinator'] } });
    const other = await renderWithRouter(<ParticipantForm onSaved={vi.fn()} />);
    expect(await screen.findByLabelText('First name')).toHaveValue('');
    other.unmount();

    // Signing out on purpose forgets every draft.
    endSession('signed-out');
    expect(sessionStorage.length).toBe(0);
  });

  it('leaves nothing behind when the form is closed while signed in', async () => {
    stubApi({});
    const form = await renderWithRouter(<ParticipantForm onSaved={vi.fn()} />);
    const u = userEvent.setup({ delay: null });
    await u.type(await screen.findByLabelText('First name'), 'Alex');
    form.unmount(); // e.g. a link elsewhere
    expect(sessionStorage.length).toBe(0);
    endSession('expired');
    expect(sessionStorage.length).toBe(0);

    startSession({ accessToken: 't4', user: { id: 'u1', email: 's@example.org', name: 'Sam Carter', roles: ['coordinator'] } });
    await renderWithRouter(<ParticipantForm onSaved={vi.fn()} />);
    expect(await screen.findByLabelText('First name')).toHaveValue('');
    expect(screen.queryByText(/has been put back/)).not.toBeInTheDocument();
  });
});
