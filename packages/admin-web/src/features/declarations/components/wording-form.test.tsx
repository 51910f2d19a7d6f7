import { DECLARATION_QUESTION_KEYS } from '@harbour/shared';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithQueryClient } from '../../../test/render';
import { usePublishDeclarationVersion } from '../api/create-declaration-version';
import type { DeclarationVersion } from '../api/get-current-version';
import { WordingForm } from './wording-form';

const courseId = '11111111-1111-4111-8111-111111111111';
const current: DeclarationVersion = {
  id: '33333333-3333-4333-8333-333333333333',
  courseId,
  version: 2,
  text: 'Please answer each question as honestly as you can.',
  questions: DECLARATION_QUESTION_KEYS.map((key, i) => ({ key, label: `Question about ${key} (${i + 1})` })),
  sha256: 'a'.repeat(64),
  requiresRedeclaration: false,
  createdAt: '2027-01-01T10:00:00Z',
};

function Publish({ onDone }: { onDone: () => void }) {
  const publish = usePublishDeclarationVersion();
  return (
    <WordingForm
      courseId={courseId}
      current={current}
      isPending={publish.isPending}
      onCancel={() => undefined}
      onSubmit={async (body) => {
        await publish.mutateAsync(body);
        onDone();
      }}
    />
  );
}

describe('WordingForm', () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'admin', email: 'a@charity.example', name: 'Ada', roles: ['admin'] } }));
  afterEach(() => endSession('signed-out'));

  it('starts from the current wording and publishes the next version, every question under its key', async () => {
    const api = stubApi({ 'POST /v1/declaration-versions': () => json({ ...current, id: '44444444-4444-4444-8444-444444444444', version: 3 }, { status: 201 }) });
    const done = vi.fn();
    renderWithQueryClient(<Publish onDone={done} />);
    const u = userEvent.setup({ delay: null });
    expect(screen.getByLabelText(/What the person is told/)).toHaveValue(current.text);
    const second = screen.getByLabelText('Question 2');
    expect(second).toHaveValue(current.questions[1]!.label);
    expect(second).toHaveAccessibleDescription(/“Yes” means the course is not suitable/);
    await u.clear(second);
    await u.type(second, 'Has your partner or family member been accused of touching a child?');
    const again = screen.getByRole('checkbox', { name: 'Everyone must declare again under this wording' });
    expect(again).toHaveAccessibleDescription(/declarations already made stay valid/);
    await u.click(again);
    await u.click(screen.getByRole('button', { name: 'Publish version 3' }));

    await waitFor(() => expect(done).toHaveBeenCalled());
    expect(await api.bodiesOf('POST', '/v1/declaration-versions')).toEqual([
      {
        courseId,
        text: current.text,
        questions: [
          { key: 'offenceInvolvesImages', label: current.questions[0]!.label },
          { key: 'accusedOfContactOffence', label: 'Has your partner or family member been accused of touching a child?' },
          { key: 'accusedOfOnlineContactWithChild', label: current.questions[2]!.label },
          { key: 'accusedOfGrooming', label: current.questions[3]!.label },
        ],
        requiresRedeclaration: true,
      },
    ]);
  });

  it('refuses an empty question or text before sending anything', async () => {
    const api = stubApi({});
    renderWithQueryClient(<Publish onDone={vi.fn()} />);
    const u = userEvent.setup({ delay: null });
    await u.clear(screen.getByLabelText('Question 4'));
    await u.clear(screen.getByLabelText(/What the person is told/));
    await u.click(screen.getByRole('button', { name: 'Publish version 3' }));

    const summary = await screen.findByRole('alert');
    expect(summary).toHaveTextContent('Enter the declaration text');
    expect(summary).toHaveTextContent('Enter the question');
    expect(screen.getByLabelText('Question 4')).toHaveAccessibleDescription(/Enter the question/);
    expect(screen.getByLabelText('Question 3')).not.toHaveAttribute('aria-invalid');
    expect(api.requests).toHaveLength(0);
  });

  it('says so when the wording is the same as the current version', async () => {
    stubApi({ 'POST /v1/declaration-versions': () => problem(409, 'DUPLICATE', 'This wording is the same as the current version.') });
    const done = vi.fn();
    renderWithQueryClient(<Publish onDone={done} />);
    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'Publish version 3' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Change the text or a question to publish a new version.');
    expect(done).not.toHaveBeenCalled();
  });
});
