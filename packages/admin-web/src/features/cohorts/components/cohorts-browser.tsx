// The cohorts page's content: filters (kept in the URL), then a list or a month calendar.
import { can, type CohortStatus } from '@harbour/shared';
import { Link, useNavigate } from '@tanstack/react-router';
import { Checkbox } from 'react-aria-components/Checkbox';
import { ListBox, ListBoxItem } from 'react-aria-components/ListBox';
import { Popover } from 'react-aria-components/Popover';
import { Button as AriaButton, Label, Select, SelectValue } from 'react-aria-components/Select';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { useSession } from '../../../lib/session';
import { useEveryPage } from '../../../lib/use-every-page';
import { useCourses } from '../../courses/api/list-courses';
import { useCohorts, type CohortFilters } from '../api/list-cohorts';
import type { CohortsSearch } from '../cohort-search';
import { COHORT_STATUS_LABELS } from '../labels';
import { fromLondonWallClock, toLondonWallClock } from '../london-time';
import { CohortsCalendar, monthLabel, shiftMonth } from './cohorts-calendar';
import { CohortsTable } from './cohorts-table';
import { errorText } from './form-errors';

const ALL = 'all';

function monthRange(month: string): { from: string; to: string } {
  const start = fromLondonWallClock(`${month}-01`, '00:00');
  const end = fromLondonWallClock(`${shiftMonth(month, 1)}-01`, '00:00');
  if (!start.ok || !end.ok) throw new Error(`Not a month: ${month}`);
  // A cohort whose first session is in an earlier month may still have sessions in this one.
  const from = new Date(start.instant.getTime() - 62 * 24 * 3600_000);
  return { from: from.toISOString(), to: end.instant.toISOString() };
}

function FilterSelect({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: { id: string; name: string }[];
  onChange: (value: string) => void;
}) {
  return (
    <Select className="field filter" selectedKey={value} onSelectionChange={(key) => onChange(String(key))}>
      <Label className="field__label">{label}</Label>
      <AriaButton className="field__input select__trigger">
        <SelectValue className="select__value" />
        <span aria-hidden="true">▾</span>
      </AriaButton>
      <Popover className="select__popover">
        <ListBox className="select__list">
          {options.map((o) => (
            <ListBoxItem key={o.id} id={o.id} className="select__option">
              {o.name}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

export function CohortsBrowser({ search }: { search: CohortsSearch }) {
  const navigate = useNavigate({ from: '/cohorts' });
  const session = useSession();
  const roles = session.status === 'signed-in' ? session.user.roles : [];
  const courses = useCourses();
  const courseList = courses.data?.pages.flatMap((p) => p.items) ?? [];
  const view = search.view ?? 'list';
  const month = search.month ?? toLondonWallClock(new Date()).date.slice(0, 7);

  const filters: CohortFilters = {
    ...(search.status ? { status: search.status } : {}),
    ...(search.courseId ? { courseId: search.courseId } : {}),
    ...(search.atRisk ? { atRisk: true } : {}),
    ...(view === 'calendar' ? { ...monthRange(month), limit: 100 } : {}),
  };
  const cohorts = useCohorts(filters);
  // A month's calendar shows every cohort with a session in it, however many pages that takes.
  const moreToCome = useEveryPage(cohorts, view === 'calendar');
  const update = (patch: Partial<CohortsSearch>) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch }) });

  const items = cohorts.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(search.status || search.courseId || search.atRisk);

  return (
    <>
      <div className="toolbar">
        <nav aria-label="Cohort views" className="view-switch">
          <Link to="/cohorts" search={{ ...search, view: undefined }} className="view-switch__link" aria-current={view === 'list' ? 'page' : undefined} activeProps={{ 'aria-current': view === 'list' ? 'page' : undefined }}>
            List
          </Link>
          <Link to="/cohorts" search={{ ...search, view: 'calendar' }} className="view-switch__link" aria-current={view === 'calendar' ? 'page' : undefined} activeProps={{ 'aria-current': view === 'calendar' ? 'page' : undefined }}>
            Calendar
          </Link>
        </nav>
        {can(roles, 'cohorts:write') ? (
          <Link to="/cohorts/new" className="button button--primary">
            New cohort
          </Link>
        ) : null}
      </div>

      <div className="filters" role="group" aria-label="Filter cohorts">
        <FilterSelect
          label="Status"
          value={search.status ?? ALL}
          options={[{ id: ALL, name: 'Any status' }, ...Object.entries(COHORT_STATUS_LABELS).map(([id, name]) => ({ id, name }))]}
          onChange={(value) => update({ status: value === ALL ? undefined : (value as CohortStatus) })}
        />
        {courseList.length > 1 ? (
          <FilterSelect
            label="Course"
            value={search.courseId ?? ALL}
            options={[{ id: ALL, name: 'Every course' }, ...courseList.map((c) => ({ id: c.id, name: c.name }))]}
            onChange={(value) => update({ courseId: value === ALL ? undefined : value })}
          />
        ) : null}
        <Checkbox className="radio checkbox filter" isSelected={Boolean(search.atRisk)} onChange={(on) => update({ atRisk: on || undefined })}>
          Only cohorts at risk
        </Checkbox>
      </div>

      {view === 'calendar' ? (
        <div className="month-nav">
          <Link to="/cohorts" search={{ ...search, month: shiftMonth(month, -1) }} className="month-nav__link">
            <span aria-hidden="true">← </span>
            {monthLabel(shiftMonth(month, -1))}
          </Link>
          <h2 className="month-nav__title">{monthLabel(month)}</h2>
          <Link to="/cohorts" search={{ ...search, month: shiftMonth(month, 1) }} className="month-nav__link">
            {monthLabel(shiftMonth(month, 1))}
            <span aria-hidden="true"> →</span>
          </Link>
        </div>
      ) : null}

      {cohorts.isPending ? (
        <Loading label="Loading cohorts…" />
      ) : cohorts.isError ? (
        <Notice tone="error" title="Cohorts could not be loaded">
          <p>{errorText(cohorts.error, 'cohort list')}</p>
          <Button variant="secondary" onPress={() => void cohorts.refetch()}>
            Try again
          </Button>
        </Notice>
      ) : view === 'calendar' ? (
        <>
          <CohortsCalendar cohorts={items} month={month} />
          {moreToCome ? <Loading label="Loading more cohorts for this month…" /> : null}
        </>
      ) : items.length === 0 ? (
        <Notice title={filtered ? 'No cohorts match these filters' : 'There are no cohorts yet'}>
          <p>{filtered ? 'Try another status, or clear the filters.' : 'Create a cohort to start taking enrolments.'}</p>
        </Notice>
      ) : (
        <>
          <CohortsTable cohorts={items} caption={filtered ? 'Cohorts matching the filters' : 'All cohorts, soonest first'} />
          {cohorts.hasNextPage ? (
            <div className="list-more">
              <Button
                variant="secondary"
                onPress={() => void cohorts.fetchNextPage()}
                isPending={cohorts.isFetchingNextPage}
                pendingLabel="Loading more cohorts…"
              >
                Show more cohorts
              </Button>
            </div>
          ) : null}
        </>
      )}
    </>
  );
}
