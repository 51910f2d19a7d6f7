import { DECLARATION_QUESTION_KEYS, type StaffRole } from '@harbour/shared';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithRouter } from '../../../test/render-with-router';
import { CourseWording } from './course-details';

const courseId = '11111111-1111-4111-8111-111111111111';
const version = {
  id: '33333333-3333-4333-8333-333333333333',
  courseId,
  version: 4,
  text: 'Please answer each question as honestly as you can.',
  questions: DECLARATION_QUESTION_KEYS.map((key) => ({ key, label: `About ${key}` })),
  sha256: 'a'.repeat(64),
  requiresRedeclaration: true,
  createdAt: '2027-01-01T10:00:00Z',
};

const signInAs = (role: StaffRole) => startSession({ accessToken: 't', user: { id: 'u', email: 'u@charity.example', name: 'U', roles: [role] } });

describe('CourseWording', () => {
  afterEach(() => endSession('signed-out'));

  it('shows admins the current wording, its questions in order, and the way to publish a new one', async () => {
    signInAs('admin');
    const api = stubApi({ 'GET /v1/declaration-versions/current': () => json(version) });
    await renderWithRouter(<CourseWording courseId={courseId} />);
    const region = await screen.findByRole('region', { name: 'Declaration wording' });
    expect(await within(region).findByText(/Version 4, in use since/)).toHaveTextContent('must declare again');
    expect(within(region).getAllByRole('listitem').map((li) => li.textContent)).toEqual(DECLARATION_QUESTION_KEYS.map((k) => `About ${k}`));
    expect(within(region).getByRole('link', { name: 'Publish new wording' })).toHaveAttribute('href', `/courses/${courseId}/wording`);
    expect(new URL(api.requests[0]!.url).searchParams.get('courseId')).toBe(courseId);
  });

  it('shows coordinators the wording without the way to change it', async () => {
    signInAs('coordinator');
    stubApi({ 'GET /v1/declaration-versions/current': () => json(version) });
    await renderWithRouter(<CourseWording courseId={courseId} />);
    await screen.findByText(/Version 4, in use since/);
    expect(screen.queryByRole('link', { name: 'Publish new wording' })).not.toBeInTheDocument();
  });

  it('asks nothing for a facilitator, who may not read declarations', async () => {
    signInAs('facilitator');
    const api = stubApi({ 'GET /v1/declaration-versions/current': () => json(version) });
    await renderWithRouter(
      <>
        <p>Page shown</p>
        <CourseWording courseId={courseId} />
      </>,
    );
    await screen.findByText('Page shown');
    expect(screen.queryByRole('region', { name: 'Declaration wording' })).not.toBeInTheDocument();
    expect(api.requests).toHaveLength(0);
  });

  it('says when the wording could not be loaded, and tries again on request', async () => {
    signInAs('coordinator');
    let calls = 0;
    stubApi({ 'GET /v1/declaration-versions/current': () => (++calls === 1 ? problem(500, 'INTERNAL_ERROR', 'Internal error.') : json(version)) });
    await renderWithRouter(<CourseWording courseId={courseId} />);
    expect(await screen.findByText('The wording could not be loaded')).toBeInTheDocument();
    expect(screen.getByText('Something went wrong on our side. Please try again in a moment.')).toBeInTheDocument();
    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText(/Version 4, in use since/)).toBeInTheDocument();
  });
});
