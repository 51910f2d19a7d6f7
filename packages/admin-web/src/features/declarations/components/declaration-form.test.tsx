import { INELIGIBLE_SIGNPOSTING, REASON_LABELS } from '@harbour/shared';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithQueryClient } from '../../../test/render';
import { DeclarationForm } from './declaration-form';

const participantId = '11111111-1111-4111-8111-111111111111';
const courseId = '22222222-2222-4222-8222-222222222222';
const versionId = '33333333-3333-4333-8333-333333333333';

// Wording that differs from the shared defaults: the form must show what the API says.
const version = {
  id: versionId,
  courseId,
  version: 4,
  text: 'Version four wording.\n\nPlease answer honestly.',
  questions: [
    { key: 'offenceInvolvesImages', label: 'Q1 images (v4)' },
    { key: 'accusedOfContactOffence', label: 'Q2 contact (v4)' },
    { key: 'accusedOfOnlineContactWithChild', label: 'Q3 online (v4)' },
    { key: 'accusedOfGrooming', label: 'Q4 grooming (v4)' },
  ],
  sha256: 'a'.repeat(64),
  requiresRedeclaration: false,
  createdAt: '2027-01-01T10:00:00Z',
};

const declaration = (outcome: string, reasons: string[], extra: object = {}) => ({
  id: '44444444-4444-4444-8444-444444444444',
  participantId,
  declarationVersionId: versionId,
  version: 4,
  channel: 'staff',
  outcome,
  reasons,
  enteredBy: { id: 'u', name: 'Sam Carter' },
  reviewOfId: null,
  reviewNote: null,
  createdAt: '2027-01-02T10:00:00Z',
  ...extra,
});

async function answer(u: ReturnType<typeof userEvent.setup>, question: string, choice: 'Yes' | 'No' | 'Not sure') {
  const group = screen.getByRole('radiogroup', { name: question });
  await u.click(within(group).getByRole('radio', { name: choice }));
}

function preview() {
  return screen.getByText(/outcome will show here|From these answers/, { exact: false }).closest('[role="status"]') as HTMLElement;
}

describe('DeclarationForm', () => {
  beforeEach(() =>
    startSession({ accessToken: 't', user: { id: 'u', email: 's@example.org', name: 'Sam Carter', roles: ['coordinator'] } }),
  );
  afterEach(() => endSession('signed-out'));

  it('shows the exact wording and questions of the current version from the API', async () => {
    stubApi({ 'GET /v1/declaration-versions/current': () => json(version) });
    renderWithQueryClient(<DeclarationForm participantId={participantId} courseId={courseId} />);

    expect(await screen.findByText('Version four wording.')).toBeInTheDocument();
    expect(screen.getByText('Please answer honestly.')).toBeInTheDocument();
    expect(screen.getByText(/version 4/)).toBeInTheDocument();
    for (const q of version.questions) {
      const group = screen.getByRole('radiogroup', { name: q.label });
      expect(within(group).getAllByRole('radio').map((r) => r.closest('label')?.textContent)).toEqual(['Yes', 'No', 'Not sure']);
    }
  });

  it('shows eligible live once every answer settles it', async () => {
    stubApi({ 'GET /v1/declaration-versions/current': () => json(version) });
    renderWithQueryClient(<DeclarationForm participantId={participantId} courseId={courseId} />);
    const u = userEvent.setup({ delay: null });
    await screen.findByText('Version four wording.');

    await answer(u, 'Q1 images (v4)', 'Yes');
    await answer(u, 'Q2 contact (v4)', 'No');
    await answer(u, 'Q3 online (v4)', 'No');
    expect(preview()).toHaveTextContent('The outcome will show here');
    await answer(u, 'Q4 grooming (v4)', 'No');
    expect(preview()).toHaveTextContent('From these answers: eligible');
  });

  it('shows needs review live with the reasons in words', async () => {
    stubApi({ 'GET /v1/declaration-versions/current': () => json(version) });
    renderWithQueryClient(<DeclarationForm participantId={participantId} courseId={courseId} />);
    const u = userEvent.setup({ delay: null });
    await screen.findByText('Version four wording.');

    await answer(u, 'Q1 images (v4)', 'No');
    await answer(u, 'Q2 contact (v4)', 'No');
    await answer(u, 'Q3 online (v4)', 'Not sure');
    await answer(u, 'Q4 grooming (v4)', 'No');
    const region = preview();
    expect(region).toHaveTextContent('From these answers: needs review');
    expect(region).toHaveTextContent(REASON_LABELS.NOT_AN_IMAGES_OFFENCE);
    expect(region).toHaveTextContent(REASON_LABELS.UNSURE_ACCUSED_OF_ONLINE_CONTACT_WITH_CHILD);
    expect(region).not.toHaveTextContent(INELIGIBLE_SIGNPOSTING.summary);
  });

  it('shows the kind signposting as soon as an accusation is yes, never a bare refusal', async () => {
    stubApi({ 'GET /v1/declaration-versions/current': () => json(version) });
    renderWithQueryClient(<DeclarationForm participantId={participantId} courseId={courseId} />);
    const u = userEvent.setup({ delay: null });
    await screen.findByText('Version four wording.');

    await answer(u, 'Q2 contact (v4)', 'Yes');
    const region = preview();
    expect(region).toHaveTextContent('this course is not the right fit');
    expect(region).toHaveTextContent(REASON_LABELS.CONTACT_OFFENCE);
    expect(region).toHaveTextContent(INELIGIBLE_SIGNPOSTING.summary);
    for (const option of INELIGIBLE_SIGNPOSTING.options) expect(region).toHaveTextContent(option.name);
    expect(within(region).getByRole('heading', { name: 'Support that may help' })).toBeInTheDocument();

    // Changing the answer back takes the outcome away again until all are answered.
    await answer(u, 'Q2 contact (v4)', 'No');
    expect(preview()).toHaveTextContent('The outcome will show here');
  });

  it('needs every question answered before saving, and says which', async () => {
    const api = stubApi({ 'GET /v1/declaration-versions/current': () => json(version) });
    renderWithQueryClient(<DeclarationForm participantId={participantId} courseId={courseId} />);
    const u = userEvent.setup({ delay: null });
    await screen.findByText('Version four wording.');

    await answer(u, 'Q1 images (v4)', 'Yes');
    await u.click(screen.getByRole('button', { name: 'Save declaration' }));

    const summary = await screen.findByRole('alert');
    expect(within(summary).getAllByRole('link').map((a) => a.textContent)).toEqual([
      'Answer question 2: yes, no or not sure',
      'Answer question 3: yes, no or not sure',
      'Answer question 4: yes, no or not sure',
    ]);
    expect(within(summary).getAllByRole('link')[0]).toHaveAttribute('href', '#declaration-accusedOfContactOffence');
    expect(screen.getByRole('radiogroup', { name: 'Q2 contact (v4)' })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('radiogroup', { name: 'Q1 images (v4)' })).not.toHaveAttribute('aria-invalid');
    expect(api.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('sends the version, channel and answers, then shows the server’s outcome (the one that counts)', async () => {
    const api = stubApi({
      'GET /v1/declaration-versions/current': () => json(version),
      // The server is authoritative: here it disagrees with the preview.
      'POST /v1/participants/11111111-1111-4111-8111-111111111111/declarations': () =>
        json(
          declaration('ineligible', ['GROOMING'], {
            signposting: INELIGIBLE_SIGNPOSTING,
            releasedPlaces: [
              { enrolmentId: '55555555-5555-4555-8555-555555555555', cohortId: '66666666-6666-4666-8666-666666666666', cohortTitle: 'Evening cohort', previousStatus: 'confirmed' },
            ],
          }),
          { status: 201 },
        ),
    });
    renderWithQueryClient(<DeclarationForm participantId={participantId} courseId={courseId} />);
    const u = userEvent.setup({ delay: null });
    await screen.findByText('Version four wording.');

    await answer(u, 'Q1 images (v4)', 'Yes');
    await answer(u, 'Q2 contact (v4)', 'No');
    await answer(u, 'Q3 online (v4)', 'No');
    await answer(u, 'Q4 grooming (v4)', 'No');
    expect(within(screen.getByRole('radiogroup', { name: 'How was this declaration made?' })).getByRole('radio', { name: /Taken by staff/ })).toBeChecked();
    await u.click(screen.getByRole('button', { name: 'Save declaration' }));

    expect(await screen.findByRole('heading', { name: 'Declaration recorded' })).toBeInTheDocument();
    expect(screen.getByText('Saved: this course is not the right fit')).toBeInTheDocument();
    expect(screen.getByText(REASON_LABELS.GROOMING)).toBeInTheDocument();
    expect(screen.getByText(INELIGIBLE_SIGNPOSTING.summary)).toBeInTheDocument();
    // The place they held ended with the ineligible outcome: said, not silently done.
    expect(screen.getByText('Their place has been released')).toBeInTheDocument();
    expect(screen.getByText('“Evening cohort”: a confirmed seat')).toBeInTheDocument();
    expect(await api.bodiesOf('POST', `/v1/participants/${participantId}/declarations`)).toEqual([
      {
        declarationVersionId: versionId,
        channel: 'staff',
        answers: { offenceInvolvesImages: 'yes', accusedOfContactOffence: 'no', accusedOfOnlineContactWithChild: 'no', accusedOfGrooming: 'no' },
      },
    ]);
    // Nothing of the answers is kept in the browser.
    expect(JSON.stringify(Object.entries(sessionStorage))).not.toContain('offenceInvolvesImages');
  });

  it('explains when the wording changed under them, and loads the new one', async () => {
    let versionCalls = 0;
    stubApi({
      'GET /v1/declaration-versions/current': () => json(++versionCalls === 1 ? version : { ...version, version: 5, text: 'Version five wording.' }),
      'POST /v1/participants/11111111-1111-4111-8111-111111111111/declarations': () =>
        problem(422, 'DECLARATION_VERSION_NOT_CURRENT', 'A newer version exists.'),
    });
    renderWithQueryClient(<DeclarationForm participantId={participantId} courseId={courseId} />);
    const u = userEvent.setup({ delay: null });
    await screen.findByText('Version four wording.');
    for (const q of version.questions) await answer(u, q.label, 'No');
    await u.click(screen.getByRole('button', { name: 'Save declaration' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('The declaration wording has just changed.');
    expect(await screen.findByText('Version five wording.')).toBeInTheDocument();
    await waitFor(() => expect(versionCalls).toBe(2));
  });
});
