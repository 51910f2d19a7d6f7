import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, stubApi } from '../../../test/fake-api';
import { renderWithQueryClient } from '../../../test/render';
import { COHORT_ID, SESSION_IDS, rosterEntry, sessions } from '../test/roster-fixtures';
import { AttendanceGrid } from './attendance-grid';

const amelia = rosterEntry('aaaaaaaa-0000-4000-8000-000000000001', 'Amelia', 'Hughes');
const priya = rosterEntry('aaaaaaaa-0000-4000-8000-000000000002', 'Priya', 'Shah', {
  attendance: SESSION_IDS.map((sessionId, i) => ({ sessionId, position: i + 1, status: i === 1 ? 'excused' : null })),
});

describe('the attendance grid', { timeout: 40_000 }, () => {
  it('is filled from the keyboard: Tab between cells, arrows to choose, one Save per session', async () => {
    const api = stubApi({
      [`PUT /v1/sessions/${SESSION_IDS[0]}/attendance`]: () => json({ sessionId: SESSION_IDS[0], items: [] }),
    });
    renderWithQueryClient(<AttendanceGrid cohortId={COHORT_ID} sessions={sessions} people={[amelia, priya]} canRecord />);
    const user = userEvent.setup({ delay: null });

    // Recorded values are shown as chosen.
    expect(screen.getByRole('radiogroup', { name: 'Priya Shah, session 2' })).toContainElement(
      screen.getAllByRole('radio', { name: 'Excused' })[4] as HTMLElement,
    );
    expect(screen.getAllByRole('radio', { name: 'Excused' })[4]).toBeChecked();

    await user.tab();
    expect(screen.getAllByRole('radio', { name: 'Present' })[0]).toHaveFocus(); // Amelia, session 1
    await user.keyboard(' ');
    expect(screen.getAllByRole('radio', { name: 'Present' })[0]).toBeChecked();

    // Tab goes on through Amelia's sessions 2 and 3, then to Priya's session 1.
    await user.tab();
    await user.tab();
    await user.tab();
    const priyaSession1 = screen.getByRole('radiogroup', { name: 'Priya Shah, session 1' });
    expect(priyaSession1).toContainElement(document.activeElement as HTMLElement);
    await user.keyboard('{ArrowRight}');
    expect(screen.getAllByRole('radio', { name: 'Absent' })[3]).toBeChecked();
    expect(screen.getByText('2 unsaved changes')).toBeInTheDocument();

    // Past Priya's sessions 2 and 3 to the first Save button.
    await user.tab();
    await user.tab();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Save session 1' })).toHaveFocus();
    await user.keyboard('{Enter}');

    await waitFor(async () =>
      expect(await api.bodiesOf('PUT', `/v1/sessions/${SESSION_IDS[0]}/attendance`)).toEqual([
        [
          { enrolmentId: amelia.id, status: 'present' },
          { enrolmentId: priya.id, status: 'absent' },
        ],
      ]),
    );
  });

  it('asks for at least one answer before saving an empty session', async () => {
    const api = stubApi({});
    renderWithQueryClient(<AttendanceGrid cohortId={COHORT_ID} sessions={sessions} people={[amelia]} canRecord />);
    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'Save session 3' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Choose present, absent or excused for at least one person at session 3.');
    expect(api.requests).toHaveLength(0);
  });
});
