import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, stubApi } from '../../../test/fake-api';
import { renderWithQueryClient } from '../../../test/render';
import { COHORT_ID, cohortFixture } from '../../enrolments/test/roster-fixtures';
import { CancelCohortDialog } from './cancel-cohort-dialog';

describe('the cancel dialog', () => {
  it('says how many people will be told, needs a reason, then cancels with the ETag', async () => {
    const cohort = cohortFixture({ confirmedCount: 12, offeredCount: 1, waitlistCount: 2 });
    const api = stubApi({
      [`POST /v1/cohorts/${COHORT_ID}/cancel`]: () =>
        json({ cohort: { ...cohort, status: 'cancelled', version: 8 }, peopleAffected: 15, refundsDue: 3 }),
    });
    const onOpenChange = vi.fn();
    renderWithQueryClient(<CancelCohortDialog cohort={cohort} paidCount={3} isOpen onOpenChange={onOpenChange} />);
    const user = userEvent.setup({ delay: null });

    const dialog = screen.getByRole('alertdialog', { name: 'Cancel Evening cohort (online)?' });
    expect(dialog).toHaveTextContent('15 people will be told');
    expect(dialog).toHaveTextContent('12 with a place, 1 with an offer and 2 waiting');
    expect(dialog).toHaveTextContent('3 people have paid; their fee will be marked as due for refund.');

    await user.click(within(dialog).getByRole('button', { name: 'Cancel the cohort' }));
    const reason = within(dialog).getByRole('textbox', { name: 'Reason for cancelling' });
    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(reason).toHaveAccessibleDescription(expect.stringContaining('Give the reason for cancelling.'));
    expect(api.requests).toHaveLength(0);

    await user.type(reason, 'Facilitator unavailable');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel the cohort' }));
    await waitFor(() => expect(onOpenChange).toHaveBeenCalledWith(false));
    expect(await api.bodiesOf('POST', `/v1/cohorts/${COHORT_ID}/cancel`)).toEqual([{ reason: 'Facilitator unavailable' }]);
    expect(api.requests[0]?.headers.get('If-Match')).toBe('"7"');
  });

  it('says nobody will be told when nobody is enrolled, and goes back without cancelling', async () => {
    const api = stubApi({});
    const onOpenChange = vi.fn();
    renderWithQueryClient(
      <CancelCohortDialog
        cohort={cohortFixture({ status: 'draft', confirmedCount: 0, offeredCount: 0, waitlistCount: 0 })}
        paidCount={0}
        isOpen
        onOpenChange={onOpenChange}
      />,
    );
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('Nobody is enrolled, so nobody will be told.');
    await userEvent.setup({ delay: null }).click(within(dialog).getByRole('button', { name: 'Keep the cohort' }));
    expect(onOpenChange).toHaveBeenCalledWith(false);
    expect(api.requests).toHaveLength(0);
  });
});
