// A person's enrolments on their own page, newest first: which cohort, where they stand (a waitlist
// place, an offer and how long is left to accept it), and payment.
import { formatLondon } from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { describeProblem } from '../../../lib/form-errors';
import { COHORT_STATUS_LABELS, ENROLMENT_STATUS_LABELS, PAYMENT_STATUS_LABELS } from '../../cohorts/labels';
import { OfferTimeLeft } from '../../enrolments/components/offer-time-left';
import { useNow } from '../../enrolments/components/use-now';
import { useParticipantEnrolments, type ParticipantEnrolment } from '../api/list-participant-enrolments';

function Standing({ enrolment, now }: { enrolment: ParticipantEnrolment; now: Date }) {
  return (
    <>
      <span className="strong">{ENROLMENT_STATUS_LABELS[enrolment.status]}</span>
      {enrolment.status === 'waitlisted' && enrolment.waitlistPosition ? (
        <span>Number {enrolment.waitlistPosition} on the waitlist</span>
      ) : null}
      {enrolment.status === 'offered' ? <OfferTimeLeft expiresAt={enrolment.offerExpiresAt} now={now} /> : null}
      {enrolment.endedAt ? <span className="muted">Ended {formatLondon(enrolment.endedAt, { weekday: false })}</span> : null}
    </>
  );
}

export function ParticipantEnrolments({ participantId }: { participantId: string }) {
  const enrolments = useParticipantEnrolments(participantId);
  const now = useNow();

  if (enrolments.isPending) return <Loading label="Loading enrolments…" />;
  if (enrolments.isError) {
    return (
      <Notice tone="error" title="Enrolments could not be loaded">
        <p>{describeProblem(enrolments.error, 'Enrolments could not be loaded')}</p>
        <Button variant="secondary" onPress={() => void enrolments.refetch()} isPending={enrolments.isRefetching}>
          Try again
        </Button>
      </Notice>
    );
  }
  if (enrolments.data.length === 0) return <p>Not enrolled on any cohort yet.</p>;

  return (
    <div className="table-scroll" role="region" aria-labelledby="enrolments-caption" tabIndex={0}>
      <table className="table">
        <caption id="enrolments-caption" className="table__caption">
          Enrolments, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">Cohort</th>
            <th scope="col">Status</th>
            <th scope="col">Payment</th>
          </tr>
        </thead>
        <tbody>
          {enrolments.data.map((enrolment) => (
            <tr key={enrolment.id}>
              <th scope="row" className="table__row-heading stack">
                <Link to="/cohorts/$cohortId" params={{ cohortId: enrolment.cohort.id }} className="strong-link">
                  {enrolment.cohort.title}
                </Link>
                <span className="muted">
                  {enrolment.cohort.firstSessionAt ? `Starts ${formatLondon(enrolment.cohort.firstSessionAt)}` : 'Dates to be set'}
                  {' · '}
                  {COHORT_STATUS_LABELS[enrolment.cohort.status]}
                </span>
              </th>
              <td className="stack">
                <Standing enrolment={enrolment} now={now} />
              </td>
              <td>{PAYMENT_STATUS_LABELS[enrolment.paymentStatus]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
