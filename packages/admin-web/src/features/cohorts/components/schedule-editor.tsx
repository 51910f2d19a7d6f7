// The cohort's sessions: a London date and start time each, the end worked out from the course's
// session length, and the shared schedule rules' verdict beside each row as it is typed.
import { formatLondon, londonDateKey, type CourseRules } from '@harbour/shared';
import { Input, Label, TextField } from 'react-aria-components/TextField';
import { Button } from '../../../components/ui/button';
import { formatDuration } from '../../courses/components/format-rules';
import { londonTime } from '../london-time';
import { newSessionRow, type ScheduleCheck, type SessionRow } from './schedule-rules';

export interface ScheduleEditorProps {
  rules: CourseRules;
  rows: SessionRow[];
  onChange: (rows: SessionRow[]) => void;
  check: ScheduleCheck;
  /** Server messages by path (sessions.N.startsAt), shown where the rule's own would be. */
  serverErrors?: Record<string, string>;
  isDisabled?: boolean;
}

export const sessionFieldId = (index: number) => `session-${index + 1}-date`;
export const SESSIONS_FIELD_ID = 'sessions-heading';

function endOf(startIso: string, minutes: number): string {
  const end = new Date(new Date(startIso).getTime() + minutes * 60_000);
  return londonDateKey(end) === londonDateKey(startIso) ? londonTime(end) : formatLondon(end);
}

export function ScheduleEditor({ rules, rows, onChange, check, serverErrors = {}, isDisabled = false }: ScheduleEditorProps) {
  const update = (index: number, patch: Partial<SessionRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const countError = check.errors.sessions ?? serverErrors.sessions;

  return (
    <fieldset className="schedule" aria-describedby={countError ? 'sessions-count-error' : 'sessions-hint'}>
      <legend className="schedule__legend" id={SESSIONS_FIELD_ID} tabIndex={-1}>
        Sessions
      </legend>
      <p className="field__hint" id="sessions-hint">
        {rules.sessionCount} {rules.sessionCount === 1 ? 'session' : 'sessions'} of {formatDuration(rules.sessionMinutes)},
        in order, on different days. Dates and times are UK time (Europe/London).
      </p>
      {countError ? (
        <p className="field__error" id="sessions-count-error">
          {countError}
        </p>
      ) : null}
      <ol className="schedule__rows">
        {rows.map((row, index) => {
          const path = `sessions.${index}.startsAt`;
          const error = check.errors[path] ?? serverErrors[path];
          const errorId = `session-${index + 1}-error`;
          const endId = `session-${index + 1}-end`;
          const instant = check.instants[index];
          const describedBy = [error ? errorId : null, instant ? endId : null].filter(Boolean).join(' ') || undefined;
          return (
            <li key={row.key} className={`schedule__row${error ? ' schedule__row--invalid' : ''}`}>
              <p className="schedule__row-title" id={`session-${index + 1}-title`}>
                Session {index + 1}
              </p>
              {error ? (
                <p className="field__error" id={errorId}>
                  {error}
                </p>
              ) : null}
              <div className="schedule__inputs">
                <TextField
                  id={sessionFieldId(index)}
                  className="field field--inline"
                  type="date"
                  value={row.date}
                  onChange={(date) => update(index, { date })}
                  isInvalid={Boolean(error)}
                  isDisabled={isDisabled}
                  aria-describedby={describedBy}
                >
                  <Label className="field__label">Session {index + 1} date</Label>
                  <Input className="field__input field__input--date" />
                </TextField>
                <TextField
                  className="field field--inline"
                  type="time"
                  value={row.time}
                  onChange={(time) => update(index, { time })}
                  isInvalid={Boolean(error)}
                  isDisabled={isDisabled}
                  aria-describedby={describedBy}
                >
                  <Label className="field__label">Session {index + 1} start time</Label>
                  <Input className="field__input field__input--time" step={300} />
                </TextField>
                <p className="schedule__end" id={endId} aria-live="polite">
                  {instant ? `Ends ${endOf(instant, rules.sessionMinutes)}` : ''}
                </p>
                {rows.length > 1 ? (
                  <Button
                    variant="link"
                    onPress={() => onChange(rows.filter((_, i) => i !== index))}
                    isDisabled={isDisabled}
                    aria-label={`Remove session ${index + 1}`}
                  >
                    Remove
                  </Button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
      <Button variant="secondary" onPress={() => onChange([...rows, newSessionRow()])} isDisabled={isDisabled}>
        Add a session
      </Button>
    </fieldset>
  );
}
