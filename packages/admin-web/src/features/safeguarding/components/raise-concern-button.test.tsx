import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithQueryClient } from '../../../test/render';
import { COHORT_ID } from '../../enrolments/test/roster-fixtures';
import { RaiseConcernButton } from './raise-concern-button';

const cohort = { id: COHORT_ID, title: 'Evening cohort (online)' };
const person = { id: '77777777-7777-4777-8777-777777777777', name: 'Ada Lovelace' };
const receipt = { id: '99999999-9999-4999-8999-999999999999', status: 'open', raisedAt: '2027-03-10T20:00:00.000Z' };

describe('raising a safeguarding concern', () => {
  it('needs a description, then sends it about the person on this cohort and forgets it once sent', async () => {
    const api = stubApi({ 'POST /v1/safeguarding-concerns': () => json(receipt, { status: 201 }) });
    renderWithQueryClient(<RaiseConcernButton cohort={cohort} person={person} variant="link" />);
    const user = userEvent.setup({ delay: null });

    await user.click(screen.getByRole('button', { name: 'Raise a concern: Ada Lovelace' }));
    const dialog = screen.getByRole('dialog', { name: 'Raise a safeguarding concern: Ada Lovelace' });
    expect(dialog).toHaveTextContent('If anyone is in immediate danger, call 999 first.');
    expect(dialog).toHaveTextContent('you will not be able to read or change it');

    await user.click(within(dialog).getByRole('button', { name: 'Send to the safeguarding lead' }));
    const text = within(dialog).getByRole('textbox', { name: 'What happened' });
    expect(text).toHaveAttribute('aria-invalid', 'true');
    expect(text).toHaveAccessibleDescription(expect.stringContaining('Describe the concern'));
    expect(api.requests).toHaveLength(0);

    await user.type(text, '  Said something worrying after session 2.  ');
    await user.click(within(dialog).getByRole('button', { name: 'Send to the safeguarding lead' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await api.bodiesOf('POST', '/v1/safeguarding-concerns')).toEqual([
      { cohortId: COHORT_ID, participantId: person.id, summary: 'Said something worrying after session 2.' },
    ]);

    // Opened again, it starts empty: nothing written is kept in the page.
    await user.click(screen.getByRole('button', { name: 'Raise a concern: Ada Lovelace' }));
    expect(within(screen.getByRole('dialog')).getByRole('textbox', { name: 'What happened' })).toHaveValue('');
  });

  it('raises one about the cohort itself, and keeps the text with the server’s refusal in view', async () => {
    const api = stubApi({
      'POST /v1/safeguarding-concerns': () => problem(404, 'NOT_FOUND', 'The cohort was not found.'),
    });
    renderWithQueryClient(<RaiseConcernButton cohort={cohort} />);
    const user = userEvent.setup({ delay: null });

    await user.click(screen.getByRole('button', { name: 'Raise a concern about this cohort' }));
    const dialog = screen.getByRole('dialog', { name: 'Raise a safeguarding concern: Evening cohort (online)' });
    await user.type(within(dialog).getByRole('textbox', { name: 'What happened' }), 'A visitor joined the online session.');
    await user.click(within(dialog).getByRole('button', { name: 'Send to the safeguarding lead' }));
    expect(await within(dialog).findByText('The cohort was not found.')).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: 'What happened' })).toHaveValue('A visitor joined the online session.');
    expect(await api.bodiesOf('POST', '/v1/safeguarding-concerns')).toEqual([{ cohortId: COHORT_ID, summary: 'A visitor joined the online session.' }]);
  });
});
