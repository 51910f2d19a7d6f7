import { formatLondon } from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import type { Cohort } from '../api/list-cohorts';
import { DELIVERY_LABELS, seatsText } from '../labels';
import { CohortStatusTag } from './cohort-status-tag';

/** Cohorts with their first session, seats and waitlist; the name links to the cohort. */
export function CohortsTable({ cohorts, caption }: { cohorts: Cohort[]; caption: string }) {
  return (
    <div className="table-scroll" role="region" aria-labelledby="cohorts-caption" tabIndex={0}>
      <table className="table">
        <caption id="cohorts-caption" className="table__caption">
          {caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">Cohort</th>
            <th scope="col">Status</th>
            <th scope="col">First session</th>
            <th scope="col">Seats</th>
            <th scope="col">Waiting</th>
          </tr>
        </thead>
        <tbody>
          {cohorts.map((cohort) => (
            <tr key={cohort.id}>
              <th scope="row" className="table__row-heading">
                <Link to="/cohorts/$cohortId" params={{ cohortId: cohort.id }} className="strong-link">
                  {cohort.title}
                </Link>
                <span className="muted">{DELIVERY_LABELS[cohort.deliveryMode]}</span>
              </th>
              <td>
                <CohortStatusTag status={cohort.status} atRisk={cohort.atRisk} />
              </td>
              <td>{cohort.firstSessionAt ? formatLondon(cohort.firstSessionAt) : 'Not scheduled'}</td>
              <td>{seatsText(cohort)}</td>
              <td>{cohort.waitlistCount === 0 ? 'No one' : `${cohort.waitlistCount} waiting`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
