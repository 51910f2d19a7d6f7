import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
import type { Participant } from '../api/get-participant';
import { DataProtectionPanel } from './data-protection-panel';

const participant: Participant = {
  id: '44444444-4444-4444-8444-444444444444',
  firstName: 'Robin',
  lastName: 'Hale',
  email: 'robin@example.org',
  phone: null,
  relationship: 'spouse',
  preferredContact: 'email',
  createdAt: '2027-01-02T10:00:00.000Z',
  updatedAt: '2027-01-02T10:00:00.000Z',
  latestDeclaration: null,
};
const ERASE = `/v1/participants/${participant.id}/erase`;

describe('their data (subject access and erasure)', () => {
  beforeEach(() => {
    URL.createObjectURL = vi.fn(() => 'blob:export');
    URL.revokeObjectURL = vi.fn();
  });

  it('saves the subject access export under the name the API gives', async () => {
    const api = stubApi({
      [`GET /v1/participants/${participant.id}/export`]: () =>
        new Response('{"participant":{}}', {
          headers: { 'Content-Type': 'application/json', 'Content-Disposition': `attachment; filename="participant-${participant.id}.json"` },
        }),
    });
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    await renderWithRouter(<DataProtectionPanel participant={participant} roles={['admin']} />);
    await userEvent.setup({ delay: null }).click(await screen.findByRole('button', { name: 'Download everything held' }));
    await waitFor(() => expect(clicked).toEqual([`participant-${participant.id}.json`]));
    expect(api.requests).toHaveLength(1);
    click.mockRestore();
  });

  it('erases only once their name is typed, shows a refusal in the dialog, and goes back to the search when done', async () => {
    let refuse = true;
    const api = stubApi({
      [`POST ${ERASE}`]: () =>
        refuse
          ? problem(409, 'INVALID_STATE', 'Robin Hale still has a place on a cohort that has not ended. Withdraw them first.')
          : json({ id: participant.id, erasedAt: '2027-03-01T10:00:00.000Z' }),
    });
    const { router } = await renderWithRouter(<DataProtectionPanel participant={participant} roles={['admin']} />, { path: `/participants/${participant.id}` });
    const user = userEvent.setup({ delay: null });

    await user.click(await screen.findByRole('button', { name: 'Erase their personal data' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Erase Robin Hale’s personal data?' });
    const name = within(dialog).getByRole('textbox', { name: 'Their full name' });
    await user.type(name, 'Robin');
    await user.click(within(dialog).getByRole('button', { name: 'Erase for good' }));
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(api.requests).toHaveLength(0);

    await user.type(name, '  hale');
    await user.click(within(dialog).getByRole('button', { name: 'Erase for good' }));
    expect(await within(dialog).findByText(/Withdraw them first/)).toBeInTheDocument();
    expect(router.state.location.pathname).toBe(`/participants/${participant.id}`);

    refuse = false;
    await user.click(within(dialog).getByRole('button', { name: 'Erase for good' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/participants'));
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('is not shown to anyone but an admin', async () => {
    stubApi({});
    await renderWithRouter(
      <>
        <h1>Robin Hale</h1>
        <DataProtectionPanel participant={participant} roles={['coordinator', 'safeguarding_lead']} />
      </>,
    );
    await screen.findByRole('heading', { name: 'Robin Hale' });
    expect(screen.queryByRole('region', { name: 'Their data' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Erase their personal data' })).not.toBeInTheDocument();
  });
});
