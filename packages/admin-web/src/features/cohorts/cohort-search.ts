// The cohorts page's filters live in the URL, so a filtered view can be shared and Back works.
// Imported by the router (in the first chunk), so it takes only types from '@harbour/shared'.
import type { CohortStatus } from '@harbour/shared';

const COHORT_STATUSES = ['draft', 'open', 'confirmed', 'in_progress', 'completed', 'cancelled'] as const satisfies readonly CohortStatus[];

export type CohortsView = 'list' | 'calendar';

export interface CohortsSearch {
  status?: CohortStatus;
  view?: CohortsView;
  courseId?: string;
  atRisk?: boolean;
  /** The calendar's month, YYYY-MM; the current month when absent. */
  month?: string;
}

export function validateCohortsSearch(search: Record<string, unknown>): CohortsSearch {
  const out: CohortsSearch = {};
  if (typeof search.status === 'string' && (COHORT_STATUSES as readonly string[]).includes(search.status)) {
    out.status = search.status as CohortStatus;
  }
  if (search.view === 'calendar' || search.view === 'list') out.view = search.view;
  if (typeof search.courseId === 'string' && /^[0-9a-f-]{36}$/i.test(search.courseId)) out.courseId = search.courseId;
  if (search.atRisk === true || search.atRisk === 'true') out.atRisk = true;
  if (typeof search.month === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(search.month)) out.month = search.month;
  return out;
}
