// Attendance for each confirmed person at each session: one radio group per cell (Tab moves
// between people and sessions, arrow keys choose present, absent or excused), one Save per session.
import { ATTENDANCE_STATUSES, formatLondon, type AttendanceStatus } from '@harbour/shared';
import { useMemo, useState } from 'react';
import { Radio, RadioGroup } from 'react-aria-components/RadioGroup';
import { Button } from '../../../components/ui/button';
import { Notice } from '../../../components/ui/notice';
import { showToast } from '../../../components/ui/toast';
import type { CohortSession } from '../../cohorts/api/list-cohorts';
import { errorText } from '../../cohorts/components/form-errors';
import { ATTENDANCE_LABELS } from '../../cohorts/labels';
import type { RosterEntry } from '../api/list-cohort-enrolments';
import { useRecordAttendance } from '../api/record-attendance';
import { nameOf } from './person-name';

type Draft = Record<string, Record<string, AttendanceStatus | null>>; // sessionId → enrolmentId → status

function fromRoster(sessions: CohortSession[], people: RosterEntry[]): Draft {
  const draft: Draft = {};
  for (const session of sessions) {
    draft[session.id] = Object.fromEntries(
      people.map((p) => [p.id, p.attendance.find((a) => a.sessionId === session.id)?.status ?? null]),
    );
  }
  return draft;
}

export interface AttendanceGridProps {
  cohortId: string;
  sessions: CohortSession[];
  /** Confirmed (and completed) people: only they have attendance. */
  people: RosterEntry[];
  canRecord: boolean;
}

export function AttendanceGrid({ cohortId, sessions, people, canRecord }: AttendanceGridProps) {
  const saved = useMemo(() => fromRoster(sessions, people), [sessions, people]);
  const [edits, setEdits] = useState<Draft>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const record = useRecordAttendance(cohortId);
  const [savingSession, setSavingSession] = useState<string | null>(null);

  const valueOf = (sessionId: string, enrolmentId: string) =>
    edits[sessionId]?.[enrolmentId] !== undefined ? (edits[sessionId]?.[enrolmentId] ?? null) : (saved[sessionId]?.[enrolmentId] ?? null);

  const changedCount = (sessionId: string) =>
    Object.entries(edits[sessionId] ?? {}).filter(([id, status]) => status !== (saved[sessionId]?.[id] ?? null)).length;

  const save = (session: CohortSession) => {
    const entries = people.flatMap((p) => {
      const status = valueOf(session.id, p.id);
      return status ? [{ enrolmentId: p.id, status }] : [];
    });
    if (entries.length === 0) {
      setErrors((e) => ({ ...e, [session.id]: `Choose present, absent or excused for at least one person at session ${session.position}.` }));
      return;
    }
    setSavingSession(session.id);
    record.mutate(
      { sessionId: session.id, entries },
      {
        onSuccess: () => {
          setEdits((e) => ({ ...e, [session.id]: {} }));
          setErrors((e) => ({ ...e, [session.id]: '' }));
          showToast(`Attendance saved for session ${session.position}.`);
        },
        onError: (error) => setErrors((e) => ({ ...e, [session.id]: errorText(error, 'session') })),
        onSettled: () => setSavingSession(null),
      },
    );
  };

  if (people.length === 0) {
    return (
      <Notice title="No one to record yet">
        <p>Attendance is recorded for people with a confirmed place.</p>
      </Notice>
    );
  }

  return (
    <>
      {sessions.map((s) =>
        errors[s.id] ? (
          <Notice key={s.id} tone="error" title={`Session ${s.position} attendance was not saved`}>
            <p>{errors[s.id]}</p>
          </Notice>
        ) : null,
      )}
      <div className="table-scroll" role="region" aria-labelledby="attendance-caption" tabIndex={-1}>
        <table className="table attendance">
          <caption id="attendance-caption" className="visually-hidden">
            Attendance by person and session
          </caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              {sessions.map((s) => (
                <th scope="col" key={s.id}>
                  Session {s.position}
                  <span className="muted">{formatLondon(s.startsAt, { weekday: false })}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {people.map((person) => (
              <tr key={person.id}>
                <th scope="row" className="table__row-heading">
                  {nameOf(person)}
                </th>
                {sessions.map((s) => (
                  <td key={s.id}>
                    <RadioGroup
                      className="segmented"
                      orientation="horizontal"
                      aria-label={`${nameOf(person)}, session ${s.position}`}
                      value={valueOf(s.id, person.id)}
                      onChange={(value) =>
                        setEdits((e) => ({ ...e, [s.id]: { ...e[s.id], [person.id]: value as AttendanceStatus } }))
                      }
                      isDisabled={!canRecord || savingSession === s.id}
                    >
                      {ATTENDANCE_STATUSES.map((status) => (
                        <Radio key={status} value={status} className={`segmented__option segmented__option--${status}`}>
                          {ATTENDANCE_LABELS[status]}
                        </Radio>
                      ))}
                    </RadioGroup>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          {canRecord ? (
            <tfoot>
              <tr>
                <td />
                {sessions.map((s) => {
                  const changed = changedCount(s.id);
                  return (
                    <td key={s.id}>
                      <Button
                        variant={changed > 0 ? 'primary' : 'secondary'}
                        onPress={() => save(s)}
                        isPending={savingSession === s.id}
                        pendingLabel={`Saving session ${s.position}…`}
                      >
                        Save session {s.position}
                      </Button>
                      <span className="muted" aria-live="polite">
                        {changed > 0 ? `${changed} unsaved ${changed === 1 ? 'change' : 'changes'}` : ''}
                      </span>
                    </td>
                  );
                })}
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
    </>
  );
}
