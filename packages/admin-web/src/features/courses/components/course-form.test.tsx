import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { endSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithQueryClient } from '../../../test/render';
import type { Course } from '../api/list-courses';
import { useCreateCourse, useUpdateCourse } from '../api/save-course';
import { CourseForm, courseChanges, parsePounds } from './course-form';

const course: Course = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Course for Family Members and Partners',
  description: 'For partners and family members.',
  rules: { sessionCount: 3, sessionMinutes: 180, minParticipants: 8, maxParticipants: 12, feePence: 4500, offerHours: 48, atRiskDays: 14 },
  createdAt: '2027-01-01T10:00:00Z',
  updatedAt: '2027-01-01T10:00:00Z',
};

/** The form as the pages use it: submitting through the real mutation, to the stubbed network. */
function AddCourse({ onDone }: { onDone: () => void }) {
  const create = useCreateCourse();
  return (
    <CourseForm
      isPending={create.isPending}
      submitLabel="Add the course"
      pendingLabel="Adding…"
      onCancel={() => undefined}
      onSubmit={async (s) => {
        await create.mutateAsync(s);
        onDone();
      }}
    />
  );
}

function ChangeCourse({ onDone }: { onDone: () => void }) {
  const save = useUpdateCourse(course.id);
  return (
    <CourseForm
      course={course}
      isPending={save.isPending}
      submitLabel="Save changes"
      pendingLabel="Saving…"
      onCancel={() => undefined}
      onSubmit={async (s) => {
        const changes = courseChanges(course, s);
        if (changes) await save.mutateAsync(changes);
        onDone();
      }}
    />
  );
}

describe('CourseForm', () => {
  beforeEach(() => startSession({ accessToken: 't', user: { id: 'admin', email: 'a@charity.example', name: 'Ada', roles: ['admin'] } }));
  afterEach(() => endSession('signed-out'));

  it('adds a course with its rules, the fee typed in pounds', async () => {
    const api = stubApi({ 'POST /v1/courses': () => json({ ...course, id: '22222222-2222-4222-8222-222222222222' }, { status: 201 }) });
    const done = vi.fn();
    renderWithQueryClient(<AddCourse onDone={done} />);
    const u = userEvent.setup({ delay: null });
    await u.type(screen.getByLabelText(/Course name/), '  Weekend course ');
    await u.type(screen.getByLabelText('How many sessions'), '3');
    await u.type(screen.getByLabelText('Minutes per session'), '180');
    await u.type(screen.getByLabelText('Fewest people'), '8');
    await u.type(screen.getByLabelText('Most people'), '12');
    await u.type(screen.getByLabelText('Fee in pounds'), '£45.5');
    await u.type(screen.getByLabelText('Hours a freed seat is held'), '48');
    await u.type(screen.getByLabelText('Days before the first session to check numbers'), '14');
    await u.click(screen.getByRole('button', { name: 'Add the course' }));

    await waitFor(() => expect(done).toHaveBeenCalled());
    expect(await api.bodiesOf('POST', '/v1/courses')).toEqual([
      {
        name: 'Weekend course',
        description: '',
        rules: { sessionCount: 3, sessionMinutes: 180, minParticipants: 8, maxParticipants: 12, feePence: 4550, offerHours: 48, atRiskDays: 14 },
      },
    ]);
  });

  it('says what is wrong, beside each field and in a focused summary, and sends nothing', async () => {
    const api = stubApi({});
    renderWithQueryClient(<ChangeCourse onDone={vi.fn()} />);
    const u = userEvent.setup({ delay: null });
    const set = async (label: string, value: string) => {
      await u.clear(screen.getByLabelText(label));
      if (value) await u.type(screen.getByLabelText(label), value);
    };
    await set('How many sessions', '0');
    await set('Fewest people', '13');
    await set('Fee in pounds', '45.555');
    await set('Hours a freed seat is held', '');
    await u.click(screen.getByRole('button', { name: 'Save changes' }));

    const summary = await screen.findByRole('alert');
    await waitFor(() => expect(summary).toHaveFocus());
    expect(summary).toHaveTextContent('Enter the number of sessions as a whole number from 1 to 20');
    expect(summary).toHaveTextContent('The minimum number of participants cannot be more than the maximum.');
    expect(summary).toHaveTextContent('Enter the fee in pounds, for example 45 or 45.00 (0 for no fee)');
    expect(summary).toHaveTextContent('Enter how many hours an offer is held as a whole number from 1 to 720');
    expect(screen.getByLabelText('How many sessions')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Fewest people')).toHaveAccessibleDescription(/cannot be more than the maximum/);
    expect(api.requests).toHaveLength(0);
  });

  it('sends only what changed, and shows the server’s refusal against the field it names', async () => {
    const api = stubApi({
      [`PATCH /v1/courses/${course.id}`]: () =>
        problem(422, 'RULE_VIOLATION', 'The course’s cohorts would break this rule.', {
          errors: [{ path: 'rules.sessionCount', message: 'The sessions of cohort (“Spring”) not yet completed or cancelled follow the current rule.' }],
        }),
    });
    const done = vi.fn();
    renderWithQueryClient(<ChangeCourse onDone={done} />);
    const u = userEvent.setup({ delay: null });
    await u.clear(screen.getByLabelText('How many sessions'));
    await u.type(screen.getByLabelText('How many sessions'), '4');
    await u.clear(screen.getByLabelText('Fee in pounds'));
    await u.type(screen.getByLabelText('Fee in pounds'), '50');
    await u.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('follow the current rule');
    expect(screen.getByLabelText('How many sessions')).toHaveAccessibleDescription(/follow the current rule/);
    expect(await api.bodiesOf('PATCH', `/v1/courses/${course.id}`)).toEqual([{ rules: { sessionCount: 4, feePence: 5000 } }]);
    expect(done).not.toHaveBeenCalled();
  });
});

describe('parsePounds and courseChanges', () => {
  it('reads pounds and pence, and refuses anything else', () => {
    expect(parsePounds('45')).toBe(4500);
    expect(parsePounds('£45.5')).toBe(4550);
    expect(parsePounds(' 0.05 ')).toBe(5);
    expect(parsePounds('0')).toBe(0);
    for (const bad of ['', '-1', '45.555', '4,500', 'forty', '1e3']) expect(parsePounds(bad)).toBeNaN();
  });

  it('is null when nothing changed', () => {
    expect(courseChanges(course, { name: course.name, description: course.description, rules: course.rules })).toBeNull();
    expect(courseChanges(course, { name: 'New name', description: course.description, rules: { ...course.rules, atRiskDays: 21 } })).toEqual({
      name: 'New name',
      rules: { atRiskDays: 21 },
    });
  });
});
