import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
import { referralFixture } from '../test/referral-fixture';
import { ReferralsInbox } from './referrals-inbox';

function referral(n: number) {
  return referralFixture({
    id: `33333333-3333-4333-8333-${String(n).padStart(12, '0')}`,
    person: { firstName: 'Person', lastName: `Number${n}`, email: `p${n}@example.org`, phone: null },
  });
}

describe('the referrals inbox', () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'u', email: 's@example.org', name: 'S', roles: ['coordinator'] } }));
  afterEach(() => endSession('signed-out'));

  it('reaches older referrals page by page', async () => {
    const api = stubApi({
      'GET /v1/referrals': (request) =>
        new URL(request.url).searchParams.get('cursor') === 'page-2'
          ? json({ items: [referral(2)], nextCursor: null })
          : json({ items: [referral(1)], nextCursor: 'page-2' }),
    });
    await renderWithRouter(<ReferralsInbox status={undefined} onStatus={() => undefined} />);
    expect(await screen.findByText(/Number1/)).toBeInTheDocument();
    expect(screen.queryByText(/Number2/)).not.toBeInTheDocument();

    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'Show older referrals' }));
    expect(await screen.findByText(/Number2/)).toBeInTheDocument();
    expect(screen.getByText(/Number1/)).toBeInTheDocument();
    // The last page is in: nothing more to ask for.
    expect(screen.queryByRole('button', { name: 'Show older referrals' })).not.toBeInTheDocument();
    expect(api.requests.map((r) => new URL(r.url).searchParams.get('cursor')).at(-1)).toBe('page-2');
  });

  it('declining without a reason says so on the field itself, linked to it; nothing is sent', async () => {
    const api = stubApi({ 'GET /v1/referrals': () => json({ items: [referral(1)], nextCursor: null }) });
    await renderWithRouter(<ReferralsInbox status={undefined} onStatus={() => undefined} />);
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'Decline: Person Number1' }));
    const dialog = await screen.findByRole('alertdialog');
    await u.click(within(dialog).getByRole('button', { name: 'Decline' }));

    const message = await within(dialog).findByText('Choose why it is declined');
    const trigger = within(dialog).getByRole('button', { name: /Why is it declined\?/ });
    expect(trigger.getAttribute('aria-describedby') ?? '').toContain(message.id);
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});
