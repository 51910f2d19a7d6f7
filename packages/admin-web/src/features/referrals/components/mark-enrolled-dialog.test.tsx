import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
import { referralFixture } from '../test/referral-fixture';
import { ReferralsInbox } from './referrals-inbox';

const referralId = '33333333-3333-4333-8333-333333333333';
const participantId = '11111111-1111-4111-8111-111111111111';
const liveId = '44444444-4444-4444-8444-444444444444';
const endedId = '55555555-5555-4555-8555-555555555555';

const referral = referralFixture({ id: referralId, status: 'contacted', updatedAt: '2027-01-11T10:00:00Z', statusChangedAt: '2027-01-11T10:00:00Z' });

function enrolment(id: string, status: string, title: string) {
  return {
    id,
    courseId: '22222222-2222-4222-8222-222222222222',
    cohort: { id: crypto.randomUUID(), title, status: 'open', firstSessionAt: '2027-03-04T18:00:00Z' },
    status,
    ...(status === 'waitlisted' ? { waitlistPosition: 3 } : {}),
    offerExpiresAt: null,
    paymentStatus: 'unpaid',
    endedAt: status === 'withdrawn' ? '2027-01-05T10:00:00Z' : null,
    createdAt: '2027-01-04T10:00:00Z',
  };
}

function stub(statusAnswer: () => Response) {
  return stubApi({
    'GET /v1/referrals': () => json({ items: [referral], nextCursor: null }),
    'GET /v1/participants': (request) =>
      json({
        items: new URL(request.url).searchParams.get('q') === 'robin@example.org'
          ? [{ id: participantId, firstName: 'Robin', lastName: 'Hale', email: 'robin@example.org', relationship: 'partner', latestOutcome: 'eligible' }]
          : [],
        nextCursor: null,
      }),
    [`GET /v1/participants/${participantId}/enrolments`]: () =>
      json({ participantId, items: [enrolment(liveId, 'waitlisted', 'Spring evenings'), enrolment(endedId, 'withdrawn', 'Winter mornings')] }),
    [`POST /v1/referrals/${referralId}/status`]: statusAnswer,
  });
}

async function openDialog() {
  await renderWithRouter(<ReferralsInbox status={undefined} onStatus={() => undefined} />);
  const u = userEvent.setup({ delay: null });
  await u.click(await screen.findByRole('button', { name: 'Mark as enrolled: Robin Hale' }));
  const dialog = await screen.findByRole('dialog', { name: 'Mark as enrolled: Robin Hale' });
  return { u, dialog };
}

describe('marking a referral enrolled', () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'u', email: 's@example.org', name: 'S', roles: ['coordinator'] } }));
  afterEach(() => endSession('signed-out'));

  it('finds the person from the referral, offers only their live enrolments, and links both', async () => {
    const api = stub(() => json({ ...referral, status: 'enrolled', participantId, enrolmentId: liveId }));
    const { u, dialog } = await openDialog();
    expect(within(dialog).getByRole('searchbox', { name: /Find the participant/ })).toHaveValue('robin@example.org');

    // Nothing chosen yet: said next to the field, nothing sent.
    await u.click(within(dialog).getByRole('button', { name: 'Mark as enrolled' }));
    expect(await within(dialog).findByText('Choose the participant this referral became')).toBeInTheDocument();

    await u.click(await within(dialog).findByRole('radio', { name: /Robin Hale/ }));
    const enrolments = await within(dialog).findByRole('radiogroup', { name: 'Which enrolment?' });
    expect(within(enrolments).getAllByRole('radio')).toHaveLength(1);
    expect(enrolments).toHaveTextContent('Spring evenings');
    expect(enrolments).not.toHaveTextContent('Winter mornings');
    await u.click(within(enrolments).getByRole('radio', { name: /Spring evenings/ }));
    await u.click(within(dialog).getByRole('button', { name: 'Mark as enrolled' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await api.bodiesOf('POST', `/v1/referrals/${referralId}/status`)).toEqual([{ status: 'enrolled', participantId, enrolmentId: liveId }]);
  });

  it('shows the server’s refusal next to the field it concerns', async () => {
    stub(() =>
      problem(400, 'VALIDATION_FAILED', 'Check the link.', { errors: [{ path: 'enrolmentId', message: 'This enrolment has ended.' }] }),
    );
    const { u, dialog } = await openDialog();
    await u.click(await within(dialog).findByRole('radio', { name: /Robin Hale/ }));
    await u.click(await within(dialog).findByRole('radio', { name: /Spring evenings/ }));
    await u.click(within(dialog).getByRole('button', { name: 'Mark as enrolled' }));
    const group = await within(dialog).findByRole('radiogroup', { name: 'Which enrolment?' });
    expect(await within(group).findByText('This enrolment has ended.')).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('offers to add the person from the referral when no participant matches', async () => {
    stub(() => json(referral));
    const { u, dialog } = await openDialog();
    const search = within(dialog).getByRole('searchbox', { name: /Find the participant/ });
    await u.clear(search);
    await u.type(search, 'nobody{Enter}');
    const add = await within(dialog).findByRole('link', { name: 'Add Robin Hale as a participant' });
    expect(add).toHaveAttribute('href', `/participants/new?referralId=${referralId}`);
  });
});
