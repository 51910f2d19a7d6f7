// A cohort's people: the roster (payment, manual, actions), attendance, the waitlist with live
// offers, and those who left, each with their history.
import { can, formatLondon, type StaffRole } from '@harbour/shared';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { showToast } from '../../../components/ui/toast';
import type { Cohort } from '../../cohorts/api/list-cohorts';
import { errorText } from '../../cohorts/components/form-errors';
import { ENROLMENT_STATUS_LABELS, PAYMENT_STATUS_LABELS } from '../../cohorts/labels';
import { formatOfferHours } from '../../courses/components/format-rules';
import { RaiseConcernButton } from '../../safeguarding/components/raise-concern-button';
import { useCohortEnrolments, type RosterEntry } from '../api/list-cohort-enrolments';
import { useUpdateEnrolment } from '../api/update-enrolment';
import { AttendanceGrid } from './attendance-grid';
import { EnrolmentActionButton } from './enrolment-action-button';
import { EnrolmentHistoryButton } from './enrolment-history-dialog';
import { OfferTimeLeft } from './offer-time-left';
import { PaymentButton } from './payment-dialog';
import { nameOf } from './person-name';
import { useNow } from './use-now';

const SEATED = new Set(['confirmed', 'completed']);
const WAITING = new Set(['offered', 'waitlisted']);

function ManualIssued({ cohortId, entry, canWrite }: { cohortId: string; entry: RosterEntry; canWrite: boolean }) {
  const update = useUpdateEnrolment(cohortId);
  const name = nameOf(entry);
  if (entry.manualIssuedAt) return <span>Issued {formatLondon(entry.manualIssuedAt, { time: false, weekday: false })}</span>;
  if (!canWrite) return <span>Not yet</span>;
  return (
    <>
      <Button
        variant="secondary"
        aria-label={`Mark issued: ${name}`}
        isPending={update.isPending}
        pendingLabel="Saving…"
        onPress={() =>
          update.mutate(
            { enrolmentId: entry.id, body: { manualIssuedAt: new Date().toISOString() } },
            {
              onSuccess: () => showToast(`Manual recorded as issued to ${name}.`),
              onError: (error) => showToast(`The manual could not be recorded: ${errorText(error, 'enrolment')}`, 'error'),
            },
          )
        }
      >
        Mark issued
      </Button>
    </>
  );
}

function Contact({ entry }: { entry: RosterEntry }) {
  return (
    <>
      <a href={`mailto:${entry.participant.email}`}>{entry.participant.email}</a>
      {entry.participant.phone ? <span className="muted">{entry.participant.phone}</span> : null}
    </>
  );
}

export interface CohortEnrolmentsProps {
  cohort: Cohort;
  roles: readonly StaffRole[];
  /** Offer length in hours (the course's rule), for the withdraw dialog. */
  offerHours?: number;
}

export function CohortEnrolments({ cohort, roles, offerHours }: CohortEnrolmentsProps) {
  const roster = useCohortEnrolments(cohort.id);
  const now = useNow();
  const live = cohort.status !== 'cancelled' && cohort.status !== 'completed';
  const canEnrol = can(roles, 'enrolments:write') && live;
  const canPay = can(roles, 'payments:write');
  const canManual = can(roles, 'manuals:write');
  const canAttend = can(roles, 'attendance:write') && cohort.status !== 'cancelled';
  const canRaise = can(roles, 'safeguarding:raise');
  // A place is marked completed once the course has begun (the coordinator decides; nothing completes by itself).
  const started = cohort.firstSessionAt !== null && new Date(cohort.firstSessionAt).getTime() <= now.getTime();
  const canComplete = can(roles, 'enrolments:write') && cohort.status !== 'cancelled' && started;
  const concern = (entry: RosterEntry) =>
    canRaise ? <RaiseConcernButton cohort={cohort} person={{ id: entry.participant.id, name: nameOf(entry) }} variant="link" /> : null;

  if (roster.isPending) return <Loading label="Loading the people on this cohort…" />;
  if (roster.isError) {
    return (
      <Notice tone="error" title="The people on this cohort could not be loaded">
        <p>{errorText(roster.error, 'cohort')}</p>
        <Button variant="secondary" onPress={() => void roster.refetch()}>
          Try again
        </Button>
      </Notice>
    );
  }

  const seated = roster.data.filter((e) => SEATED.has(e.status));
  const waiting = roster.data
    .filter((e) => WAITING.has(e.status))
    .sort((a, b) =>
      a.status === b.status ? (a.waitlistPosition ?? 0) - (b.waitlistPosition ?? 0) : a.status === 'offered' ? -1 : 1,
    );
  const ended = roster.data.filter((e) => !SEATED.has(e.status) && !WAITING.has(e.status));
  const nextInLine = waiting.find((e) => e.status === 'waitlisted');
  const freedSeat = (verb: string) =>
    nextInLine
      ? `${verb} frees a seat: it will be offered to ${nameOf(nextInLine)}, first on the waitlist${offerHours ? `, who will have ${formatOfferHours(offerHours)} to accept` : ''}.`
      : `${verb} frees a seat. Nobody is waiting for it.`;

  return (
    <>
      <section aria-labelledby="roster-heading" className="section">
        <h2 id="roster-heading">
          Roster <span className="count">({seated.length} with a place)</span>
        </h2>
        {seated.length === 0 ? (
          <p>Nobody has a place yet.</p>
        ) : (
          <div className="table-scroll" role="region" aria-labelledby="roster-caption" tabIndex={-1}>
            <table className="table">
              <caption id="roster-caption" className="visually-hidden">
                People with a place
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Contact</th>
                  <th scope="col">Payment</th>
                  <th scope="col">Manual</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {seated.map((entry) => (
                  <tr key={entry.id}>
                    <th scope="row" className="table__row-heading">
                      <span className="strong">{nameOf(entry)}</span>
                      {entry.status === 'completed' ? <span className="muted">Completed</span> : null}
                    </th>
                    <td className="stack">
                      <Contact entry={entry} />
                    </td>
                    <td className="stack">
                      <span>
                        {PAYMENT_STATUS_LABELS[entry.paymentStatus]}
                        {entry.refundDue ? ' (refund due)' : ''}
                      </span>
                      {entry.paymentNote ? <span className="muted">{entry.paymentNote}</span> : null}
                      {canPay ? <PaymentButton cohortId={cohort.id} entry={entry} /> : null}
                    </td>
                    <td>
                      <ManualIssued cohortId={cohort.id} entry={entry} canWrite={canManual} />
                    </td>
                    <td className="actions">
                      <EnrolmentHistoryButton entry={entry} />
                      {canComplete && entry.status === 'confirmed' ? (
                        <EnrolmentActionButton cohortId={cohort.id} entry={entry} action="complete" variant="link">
                          <p>Record that {nameOf(entry)} has finished the course. Their place and attendance stay as they are.</p>
                        </EnrolmentActionButton>
                      ) : null}
                      {concern(entry)}
                      {canEnrol && entry.status === 'confirmed' ? (
                        <>
                          <EnrolmentActionButton cohortId={cohort.id} entry={entry} action="withdraw" variant="link">
                            <p>Use this when {nameOf(entry)} has chosen to leave the cohort.</p>
                            <p>{freedSeat('Withdrawing them')}</p>
                          </EnrolmentActionButton>
                          <EnrolmentActionButton cohortId={cohort.id} entry={entry} action="remove" variant="link">
                            <p>Use this when Harbour takes {nameOf(entry)} off the cohort.</p>
                            <p>{freedSeat('Removing them')}</p>
                          </EnrolmentActionButton>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {cohort.sessions.length > 0 && cohort.status !== 'draft' ? (
        <section aria-labelledby="attendance-heading" className="section">
          <h2 id="attendance-heading">Attendance</h2>
          <p className="field__hint">
            Tab moves between people and sessions; the arrow keys choose present, absent or excused. Save each session when it is
            done.
          </p>
          <AttendanceGrid cohortId={cohort.id} sessions={cohort.sessions} people={seated} canRecord={canAttend} />
        </section>
      ) : null}

      <section aria-labelledby="waitlist-heading" className="section">
        <h2 id="waitlist-heading">
          Waitlist <span className="count">({waiting.length} waiting)</span>
        </h2>
        {waiting.length === 0 ? (
          <p>Nobody is waiting.</p>
        ) : (
          <div className="table-scroll" role="region" aria-labelledby="waitlist-caption" tabIndex={-1}>
            <table className="table">
              <caption id="waitlist-caption" className="visually-hidden">
                People waiting for a place, and offers made
              </caption>
              <thead>
                <tr>
                  <th scope="col">Place</th>
                  <th scope="col">Name</th>
                  <th scope="col">Waiting since</th>
                  <th scope="col">Offer</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {waiting.map((entry) => (
                  <tr key={entry.id}>
                    <td>{entry.status === 'offered' ? 'Offered' : entry.waitlistPosition}</td>
                    <th scope="row" className="table__row-heading">
                      <span className="strong">{nameOf(entry)}</span>
                    </th>
                    <td>{formatLondon(entry.queuedAt)}</td>
                    <td>{entry.status === 'offered' ? <OfferTimeLeft expiresAt={entry.offerExpiresAt} now={now} /> : 'Waiting'}</td>
                    <td className="actions">
                      <EnrolmentHistoryButton entry={entry} />
                      {canEnrol && entry.status === 'offered' ? (
                        <>
                          <EnrolmentActionButton cohortId={cohort.id} entry={entry} action="accept" variant="primary">
                            <p>{nameOf(entry)} takes the seat and is confirmed on the cohort.</p>
                          </EnrolmentActionButton>
                          <EnrolmentActionButton cohortId={cohort.id} entry={entry} action="decline" variant="link">
                            <p>
                              {nameOf(entry)} does not want the seat.{' '}
                              {nextInLine ? `It will be offered to ${nameOf(nextInLine)}, next on the waitlist.` : 'Nobody else is waiting for it.'}
                            </p>
                          </EnrolmentActionButton>
                        </>
                      ) : null}
                      {canEnrol && entry.status === 'waitlisted' ? (
                        <EnrolmentActionButton cohortId={cohort.id} entry={entry} action="withdraw" variant="link">
                          <p>{nameOf(entry)} leaves the waitlist; everyone behind them moves up one place.</p>
                        </EnrolmentActionButton>
                      ) : null}
                      {concern(entry)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {ended.length > 0 ? (
        <section aria-labelledby="ended-heading" className="section">
          <h2 id="ended-heading">No longer on this cohort</h2>
          <ul className="plain-list">
            {ended.map((entry) => (
              <li key={entry.id} className="plain-list__item">
                <span>
                  <span className="strong">{nameOf(entry)}</span>: {ENROLMENT_STATUS_LABELS[entry.status]}
                  {entry.endedAt ? `, ${formatLondon(entry.endedAt)}` : ''}
                  {entry.refundDue ? ' (refund due)' : ''}
                </span>
                <EnrolmentHistoryButton entry={entry} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
