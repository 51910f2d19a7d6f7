import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithQueryClient } from '../../../test/render';
import { COHORT_ID, cohortFixture } from '../../enrolments/test/roster-fixtures';
import { FacilitatorsDialog } from './facilitators-dialog';

const fran = { id: '88888888-8888-4888-8888-888888888881', name: 'Fran Facilitator' };
const gus = { id: '88888888-8888-4888-8888-888888888882', name: 'Gus Guide' };

describe('the facilitators dialog', () => {
  it('offers the active facilitators, keeps those already on it ticked, and saves the choice with the ETag', async () => {
    const cohort = cohortFixture({ facilitators: [fran] });
    const api = stubApi({
      'GET /v1/facilitators': () => json({ items: [fran, gus] }),
      [`PUT /v1/cohorts/${COHORT_ID}/facilitators`]: () => json({ ...cohort, facilitators: [gus], version: 8 }),
    });
    const onOpenChange = vi.fn();
    renderWithQueryClient(<FacilitatorsDialog cohort={cohort} isOpen onOpenChange={onOpenChange} />);
    const user = userEvent.setup({ delay: null });
    const dialog = screen.getByRole('dialog', { name: `Facilitators of ${cohort.title}` });
    const franBox = await within(dialog).findByRole('checkbox', { name: 'Fran Facilitator' });
    expect(franBox).toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: 'Gus Guide' })).not.toBeChecked();

    await user.click(franBox);
    await user.click(within(dialog).getByRole('checkbox', { name: 'Gus Guide' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save facilitators' }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(await api.bodiesOf('PUT', `/v1/cohorts/${COHORT_ID}/facilitators`)).toEqual([{ userIds: [gus.id] }]);
    expect(api.requests.find((r) => r.method === 'PUT')?.headers.get('If-Match')).toBe('"7"');
  });

  it('says so when someone else changed the cohort meanwhile, and stays open', async () => {
    const cohort = cohortFixture({ facilitators: [] });
    stubApi({
      'GET /v1/facilitators': () => json({ items: [fran] }),
      [`PUT /v1/cohorts/${COHORT_ID}/facilitators`]: () => problem(409, 'ETAG_MISMATCH', 'The cohort changed since you loaded it.'),
    });
    const onOpenChange = vi.fn();
    renderWithQueryClient(<FacilitatorsDialog cohort={cohort} isOpen onOpenChange={onOpenChange} />);
    const user = userEvent.setup({ delay: null });
    const dialog = screen.getByRole('dialog');
    await user.click(await within(dialog).findByRole('checkbox', { name: 'Fran Facilitator' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save facilitators' }));
    expect(await within(dialog).findByText(/changed/i)).toBeInTheDocument();
    expect(onOpenChange).not.toHaveBeenCalledWith(false);
  });
});
