import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
import { Toasts } from '../../../components/ui/toast';
import { ReviewQueue } from './review-queue';

const item = {
  id: '88888888-8888-4888-8888-888888888888',
  participant: { id: '11111111-1111-4111-8111-111111111111', firstName: 'Morgan', lastName: 'Lee' },
  version: 1,
  channel: 'staff',
  outcome: 'needs_review',
  reasons: ['UNSURE_OFFENCE_INVOLVES_IMAGES'],
  enteredBy: { id: 'u', name: 'Sam Carter' },
  createdAt: '2027-01-02T10:00:00Z',
};

describe('ReviewQueue', () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'u', email: 's@example.org', name: 'S', roles: ['coordinator'] } }));
  afterEach(() => endSession('signed-out'));

  it('needs an outcome and a note, then resolves and refreshes the queue', async () => {
    let resolved = false;
    const api = stubApi({
      'GET /v1/declarations': () => json({ items: resolved ? [] : [item], nextCursor: null }),
      [`POST /v1/declarations/${item.id}/review`]: () => {
        resolved = true;
        return json({ ...item, id: 'new', participantId: item.participant.id, outcome: 'eligible', reasons: [], reviewOfId: item.id, reviewNote: 'ok' }, { status: 201 });
      },
    });
    await renderWithRouter(<ReviewQueue />);
    const u = userEvent.setup({ delay: null });
    const row = await screen.findByRole('row', { name: /Morgan Lee/ });
    expect(row).toHaveTextContent('They are not sure whether the offence relates to viewing or downloading images');
    await u.click(within(row).getByRole('button', { name: 'Resolve the review for Morgan Lee' }));

    const dialog = await screen.findByRole('dialog', { name: 'Resolve the review for Morgan Lee' });
    await u.click(within(dialog).getByRole('button', { name: 'Save the review' }));
    expect(within(dialog).getByRole('radiogroup')).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByLabelText('Note')).toHaveAttribute('aria-invalid', 'true');
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await u.click(within(dialog).getByRole('radio', { name: /Not eligible/ }));
    // Choosing "not eligible" shows the words to say to them.
    expect(within(dialog).getByRole('heading', { name: 'Support that may help' })).toBeInTheDocument();
    await u.click(within(dialog).getByRole('radio', { name: /^Eligible/ }));
    await u.type(within(dialog).getByLabelText('Note'), 'Talked it through: images only.');
    await u.click(within(dialog).getByRole('button', { name: 'Save the review' }));

    expect(await api.bodiesOf('POST', `/v1/declarations/${item.id}/review`)).toEqual([{ outcome: 'eligible', note: 'Talked it through: images only.' }]);
    expect(await screen.findByText('Nothing to review')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('says which places a "not eligible" review released', async () => {
    let resolved = false;
    stubApi({
      'GET /v1/declarations': () => json({ items: resolved ? [] : [item], nextCursor: null }),
      [`POST /v1/declarations/${item.id}/review`]: () => {
        resolved = true;
        return json(
          {
            ...item,
            id: 'new',
            participantId: item.participant.id,
            outcome: 'ineligible',
            reasons: item.reasons,
            reviewOfId: item.id,
            reviewNote: 'ok',
            releasedPlaces: [
              { enrolmentId: '55555555-5555-4555-8555-555555555555', cohortId: '66666666-6666-4666-8666-666666666666', cohortTitle: 'Evening cohort', previousStatus: 'waitlisted' },
            ],
          },
          { status: 201 },
        );
      },
    });
    await renderWithRouter(
      <>
        <ReviewQueue />
        <Toasts />
      </>,
    );
    const u = userEvent.setup({ delay: null });
    const row = await screen.findByRole('row', { name: /Morgan Lee/ });
    await u.click(within(row).getByRole('button', { name: 'Resolve the review for Morgan Lee' }));
    const dialog = await screen.findByRole('dialog', { name: 'Resolve the review for Morgan Lee' });
    await u.click(within(dialog).getByRole('radio', { name: /Not eligible/ }));
    await u.type(within(dialog).getByLabelText('Note'), 'Talked it through: contact offence.');
    await u.click(within(dialog).getByRole('button', { name: 'Save the review' }));
    expect(await screen.findByText(/Morgan Lee: review saved, not eligible\. Place released: “Evening cohort”: a waitlist place\./)).toBeInTheDocument();
  });

  it('says so when someone else has already resolved it (409 REVIEW_NOT_NEEDED)', async () => {
    stubApi({
      'GET /v1/declarations': () => json({ items: [item], nextCursor: null }),
      [`POST /v1/declarations/${item.id}/review`]: () => problem(409, 'REVIEW_NOT_NEEDED', 'A newer declaration has replaced this one: review that one instead.'),
    });
    await renderWithRouter(<ReviewQueue />);
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'Resolve the review for Morgan Lee' }));
    const dialog = await screen.findByRole('dialog');
    await u.click(within(dialog).getByRole('radio', { name: /^Eligible/ }));
    await u.type(within(dialog).getByLabelText('Note'), 'ok');
    await u.click(within(dialog).getByRole('button', { name: 'Save the review' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('A newer declaration has replaced this one');
  });
});
