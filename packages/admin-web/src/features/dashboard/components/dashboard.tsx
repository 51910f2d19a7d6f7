// What needs attention today: cohorts coming up and how full they are, cohorts at risk, offers
// running out, and declarations waiting for a coordinator's review.
import { can, formatLondon, REASON_LABELS, RELATIONSHIP_LABELS, type StaffRole } from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { useEveryPage } from '../../../lib/use-every-page';
import { useCohorts, type Cohort } from '../../cohorts/api/list-cohorts';
import { errorText } from '../../cohorts/components/form-errors';
import { seatsText } from '../../cohorts/labels';
import { OfferTimeLeft } from '../../enrolments/components/offer-time-left';
import { nameOf } from '../../enrolments/components/person-name';
import { useNow } from '../../enrolments/components/use-now';
import { useLiveOffers } from '../api/list-live-offers';
import { REVIEW_QUEUE_LIMIT, useReviewQueue } from '../api/list-review-queue';
import { WAITING_REFERRALS_LIMIT, useWaitingReferrals } from '../api/list-waiting-referrals';

function Panel({ id, title, children, action }: { id: string; title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={id}>
      <div className="panel__head">
        <h2 id={id} className="panel__title">
          {title}
        </h2>
        {action}
      </div>
      {children}
    </section>
  );
}

function Failed({ what, error, retry }: { what: string; error: unknown; retry: () => void }) {
  return (
    <Notice tone="error" title={`${what} could not be loaded`}>
      <p>{errorText(error, 'list')}</p>
      <Button variant="secondary" onPress={retry}>
        Try again
      </Button>
    </Notice>
  );
}

function CohortLink({ cohort }: { cohort: Cohort }) {
  return (
    <Link to="/cohorts/$cohortId" params={{ cohortId: cohort.id }} className="strong-link">
      {cohort.title}
    </Link>
  );
}

function UpcomingCohorts({ from }: { from: string }) {
  const cohorts = useCohorts({ status: 'open,confirmed,in_progress', from, limit: 10 });
  const items = cohorts.data?.pages[0]?.items ?? [];
  // Offers are made only before a cohort begins, in any open or confirmed cohort: all of those, not the ten shown above.
  const offering = useCohorts({ status: 'open,confirmed', from, limit: 100 });
  const moreToCome = useEveryPage(offering);
  const offers = useLiveOffers(offering.data?.pages.flatMap((p) => p.items) ?? []);
  const now = useNow();

  return (
    <>
      <Panel
        id="upcoming-heading"
        title="Upcoming cohorts"
        action={
          <Link to="/cohorts" search={{ view: 'calendar' }}>
            Calendar
          </Link>
        }
      >
        {cohorts.isPending ? (
          <Loading label="Loading cohorts…" />
        ) : cohorts.isError ? (
          <Failed what="Upcoming cohorts" error={cohorts.error} retry={() => void cohorts.refetch()} />
        ) : items.length === 0 ? (
          <p>No cohorts are coming up. <Link to="/cohorts/new">Plan a cohort</Link></p>
        ) : (
          <ul className="card-list">
            {items.map((c) => (
              <li key={c.id} className="card-list__item">
                <CohortLink cohort={c} />
                <span>{c.firstSessionAt ? `Starts ${formatLondon(c.firstSessionAt)}` : 'Not scheduled'}</span>
                <span>
                  <meter className="seats-meter" min={0} max={c.maxParticipants} low={c.minParticipants} optimum={c.maxParticipants} value={c.seatsTaken} aria-label={`Seats taken, ${c.title}`} />{' '}
                  {seatsText(c)}
                  {c.waitlistCount > 0 ? `, ${c.waitlistCount} waiting` : ''}
                  {c.atRisk ? <span className="tag tag--at-risk">At risk</span> : null}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel id="offers-heading" title="Offers waiting for an answer">
        {offering.isPending || moreToCome || offers.isPending ? (
          <Loading label="Loading offers…" />
        ) : offering.isError || offers.isError ? (
          <Notice tone="error">
            <p>Some offers could not be loaded. Please reload the page.</p>
          </Notice>
        ) : offers.offers.length === 0 ? (
          <p>No offers are waiting for an answer.</p>
        ) : (
          <ul className="card-list">
            {offers.offers.map(({ cohort, enrolment }) => (
              <li key={enrolment.id} className="card-list__item">
                <span className="strong">{nameOf(enrolment)}</span>
                <span>
                  Seat on <CohortLink cohort={cohort} />
                </span>
                <OfferTimeLeft expiresAt={enrolment.offerExpiresAt} now={now} />
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </>
  );
}

function AtRiskCohorts() {
  const cohorts = useCohorts({ atRisk: true, limit: 10 });
  const items = cohorts.data?.pages[0]?.items ?? [];
  return (
    <Panel
      id="at-risk-heading"
      title="Cohorts at risk"
      action={
        <Link to="/cohorts" search={{ atRisk: true }}>
          All at risk
        </Link>
      }
    >
      {cohorts.isPending ? (
        <Loading label="Loading cohorts at risk…" />
      ) : cohorts.isError ? (
        <Failed what="Cohorts at risk" error={cohorts.error} retry={() => void cohorts.refetch()} />
      ) : items.length === 0 ? (
        <p>No cohort is short of people.</p>
      ) : (
        <ul className="card-list">
          {items.map((c) => (
            <li key={c.id} className="card-list__item card-list__item--warning">
              <CohortLink cohort={c} />
              <span>
                {c.seatsTaken} of the {c.minParticipants} people needed
              </span>
              <span>{c.firstSessionAt ? `Starts ${formatLondon(c.firstSessionAt)}` : ''}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function ReviewQueue() {
  const queue = useReviewQueue();
  const items = queue.data?.items ?? [];
  const count = queue.data ? (queue.data.nextCursor ? `${REVIEW_QUEUE_LIMIT} or more` : String(items.length)) : '';
  return (
    <Panel
      id="reviews-heading"
      title={queue.data ? `Declarations to review (${count})` : 'Declarations to review'}
      action={<Link to="/reviews">Review queue</Link>}
    >
      {queue.isPending ? (
        <Loading label="Loading declarations…" />
      ) : queue.isError ? (
        <Failed what="Declarations to review" error={queue.error} retry={() => void queue.refetch()} />
      ) : items.length === 0 ? (
        <p>No declarations are waiting for review.</p>
      ) : (
        <ul className="card-list">
          {items.slice(0, 5).map((item) => (
            <li key={item.id} className="card-list__item">
              <Link to="/participants/$participantId" params={{ participantId: item.participant.id }} className="strong-link">
                {item.participant.firstName} {item.participant.lastName}
              </Link>
              <span className="muted">{item.reasons.map((r) => REASON_LABELS[r]).join('; ')}</span>
              <span className="muted">Declared {formatLondon(item.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function WaitingReferrals() {
  const referrals = useWaitingReferrals();
  const items = referrals.data?.items ?? [];
  const count = referrals.data ? (referrals.data.nextCursor ? `${WAITING_REFERRALS_LIMIT} or more` : String(items.length)) : '';
  return (
    <Panel
      id="referrals-heading"
      title={referrals.data ? `Referrals waiting for contact (${count})` : 'Referrals waiting for contact'}
      action={
        <Link to="/referrals" search={{ status: 'received' }}>
          Referrals inbox
        </Link>
      }
    >
      {referrals.isPending ? (
        <Loading label="Loading referrals…" />
      ) : referrals.isError ? (
        <Failed what="Referrals waiting for contact" error={referrals.error} retry={() => void referrals.refetch()} />
      ) : items.length === 0 ? (
        <p>No referrals are waiting for contact.</p>
      ) : (
        <ul className="card-list">
          {items.slice(0, 5).map((referral) => (
            <li key={referral.id} className="card-list__item">
              <span className="strong">
                {referral.person.firstName} {referral.person.lastName}
              </span>
              <span className="muted">
                {RELATIONSHIP_LABELS[referral.relationship]}, referred by {referral.partner.name}
              </span>
              <span className="muted">Received {formatLondon(referral.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

export function Dashboard({ roles }: { roles: readonly StaffRole[] }) {
  // Fixed for the page's life, so the cohort query key does not change every render.
  const [from] = useState(() => new Date().toISOString());
  return (
    <div className="dashboard">
      <UpcomingCohorts from={from} />
      <AtRiskCohorts />
      {can(roles, 'declarations:review') ? <ReviewQueue /> : null}
      {can(roles, 'referrals:read') ? <WaitingReferrals /> : null}
    </div>
  );
}
