import type { CohortStatus } from '@harbour/shared';
import { COHORT_STATUS_LABELS } from '../labels';

export function CohortStatusTag({ status, atRisk = false }: { status: CohortStatus; atRisk?: boolean }) {
  return (
    <span className="tags">
      <span className={`tag tag--${status}`}>{COHORT_STATUS_LABELS[status]}</span>
      {atRisk ? <span className="tag tag--at-risk">At risk</span> : null}
    </span>
  );
}
