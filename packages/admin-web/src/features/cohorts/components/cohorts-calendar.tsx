// A month of sessions, Monday first, each day listing the sessions held that day (London time).
import { londonDateKey } from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import type { Cohort } from '../api/list-cohorts';
import { londonTime } from '../london-time';

const monthName = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthName.format(new Date(Date.UTC(y, m - 1, 1)));
}

export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

interface DaySession {
  cohort: Cohort;
  position: number;
  startsAt: string;
}

export function CohortsCalendar({ cohorts, month }: { cohorts: Cohort[]; month: string }) {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const firstWeekday = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7; // Monday = 0

  const byDay = new Map<string, DaySession[]>();
  for (const cohort of cohorts) {
    for (const session of cohort.sessions) {
      const key = londonDateKey(session.startsAt);
      if (!key.startsWith(month)) continue;
      const list = byDay.get(key) ?? [];
      list.push({ cohort, position: session.position, startsAt: session.startsAt });
      byDay.set(key, list);
    }
  }

  const cells: (number | null)[] = [...Array.from({ length: firstWeekday }, () => null), ...Array.from({ length: daysInMonth }, (_, i) => i + 1)];
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  const count = [...byDay.values()].reduce((n, list) => n + list.length, 0);

  return (
    <div className="table-scroll" role="region" aria-labelledby="calendar-caption" tabIndex={0}>
      <table className="calendar">
        <caption id="calendar-caption" className="table__caption">
          Sessions in {monthLabel(month)}: {count === 0 ? 'none' : count === 1 ? '1 session' : `${count} sessions`}
        </caption>
        <thead>
          <tr>
            {WEEKDAYS.map((day) => (
              <th scope="col" key={day}>
                <abbr title={day}>{day.slice(0, 3)}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week, w) => (
            <tr key={w}>
              {week.map((day, d) => {
                if (day === null) return <td key={d} className="calendar__empty" />;
                const key = `${month}-${String(day).padStart(2, '0')}`;
                const sessions = (byDay.get(key) ?? []).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
                return (
                  <td key={d} className={sessions.length ? 'calendar__day calendar__day--busy' : 'calendar__day'}>
                    <span className="calendar__date">{day}</span>
                    {sessions.length ? (
                      <ul className="calendar__sessions">
                        {sessions.map((s) => (
                          <li key={`${s.cohort.id}-${s.position}`}>
                            <Link to="/cohorts/$cohortId" params={{ cohortId: s.cohort.id }}>
                              {londonTime(s.startsAt)} {s.cohort.title}, session {s.position}
                            </Link>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
