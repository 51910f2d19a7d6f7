// Referrals from partner organisations: triage them (contacted, declined with a reason, withdrawn,
// completed) and go to the participant once linked. Each change reaches the partner by webhook.
import {
  REFERRAL_DECLINE_REASON_LABELS,
  REFERRAL_DECLINE_REASONS,
  REFERRAL_STATUS_LABELS,
  REFERRAL_STATUSES,
  RELATIONSHIP_LABELS,
  formatLondon,
  nextReferralStatuses,
  type ReferralDeclineReason,
} from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import { Form } from 'react-aria-components/Form';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { Select } from '../../../components/ui/select';
import { ShowMore } from '../../../components/ui/show-more';
import { showToast } from '../../../components/ui/toast';
import { describeProblem } from '../../../lib/form-errors';
import { useSession } from '../../../lib/session';
import { can } from '@harbour/shared';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { useChangeReferralStatus, type ChangeReferralStatusInput } from '../api/change-referral-status';
import { useReferrals, type ReferralStatus, type StaffReferral } from '../api/list-referrals';
import { MarkEnrolledDialog } from './mark-enrolled-dialog';

const ACTION_LABELS: Partial<Record<ReferralStatus, string>> = {
  contacted: 'Mark as contacted',
  enrolled: 'Mark as enrolled',
  declined: 'Decline',
  withdrawn: 'Mark as withdrawn',
  completed: 'Mark as completed',
};

type Change = { referral: StaffReferral; to: ReferralStatus } | null;

export function ReferralsInbox({ status, onStatus }: { status: ReferralStatus | undefined; onStatus: (status: ReferralStatus | undefined) => void }) {
  const referrals = useReferrals(status);
  const session = useSession();
  const mayChange = session.status === 'signed-in' && can(session.user.roles, 'referrals:write');
  const mayAddPerson = session.status === 'signed-in' && can(session.user.roles, 'participants:write');
  const change = useChangeReferralStatus();
  const [pending, setPending] = useState<Change>(null);
  const [enrolling, setEnrolling] = useState<StaffReferral | null>(null);
  const [reason, setReason] = useState<ReferralDeclineReason | null>(null);
  const [reasonError, setReasonError] = useState<string | null>(null);

  const confirm = () => {
    if (!pending) return;
    let body: ChangeReferralStatusInput;
    if (pending.to === 'declined') {
      if (!reason) {
        setReasonError('Choose why it is declined');
        return;
      }
      body = { status: 'declined', reason };
    } else {
      body = { status: pending.to } as ChangeReferralStatusInput;
    }
    const name = `${pending.referral.person.firstName} ${pending.referral.person.lastName}`;
    change.mutate(
      { id: pending.referral.id, body },
      {
        onSuccess: () => {
          showToast(`${name}: ${REFERRAL_STATUS_LABELS[pending.to].toLowerCase()}. The partner has been told.`);
          setPending(null);
        },
      },
    );
  };

  return (
    <>
      <div className="filters">
        <Select
          id="referral-status"
          name="status"
          label="Status"
          options={[{ value: 'all', label: 'Any status' }, ...REFERRAL_STATUSES.map((s) => ({ value: s, label: REFERRAL_STATUS_LABELS[s] }))]}
          value={status ?? 'all'}
          onChange={(v) => onStatus(v === 'all' ? undefined : (v as ReferralStatus))}
        />
      </div>
      {referrals.isPending ? <Loading label="Loading referrals…" /> : null}
      {referrals.isError ? (
        <Notice tone="error" title="Referrals could not be loaded">
          <p>{describeProblem(referrals.error, 'Referrals could not be loaded')}</p>
          <Button variant="secondary" onPress={() => void referrals.refetch()} isPending={referrals.isRefetching}>
            Try again
          </Button>
        </Notice>
      ) : null}
      {referrals.data ? (
        referrals.data.pages.every((page) => page.items.length === 0) ? (
          <Notice title={status ? `No ${REFERRAL_STATUS_LABELS[status].toLowerCase()} referrals` : 'No referrals yet'}>
            <p>Partner organisations send referrals through the API; they appear here.</p>
          </Notice>
        ) : (
          <ul className="card-list">
            {referrals.data.pages.flatMap((page) => page.items).map((referral) => (
              <li key={referral.id} className="card">
                <div className="card__heading">
                  <h2 className="card__title">
                    {referral.person.firstName} {referral.person.lastName}
                  </h2>
                  <span className="badge badge--neutral">{REFERRAL_STATUS_LABELS[referral.status]}</span>
                </div>
                <dl className="summary-list summary-list--compact">
                  <div>
                    <dt>Contact</dt>
                    <dd>{[referral.person.email, referral.person.phone].filter(Boolean).join(' · ') || 'None given'}</dd>
                  </div>
                  <div>
                    <dt>Relationship</dt>
                    <dd>{RELATIONSHIP_LABELS[referral.relationship]}</dd>
                  </div>
                  <div>
                    <dt>Referred by</dt>
                    <dd>
                      {referral.referrer.name} ({referral.partner.name}), {referral.referrer.email}
                      {referral.referrer.phone ? `, ${referral.referrer.phone}` : ''}
                    </dd>
                  </div>
                  <div>
                    <dt>Received</dt>
                    <dd>{formatLondon(referral.createdAt)}</dd>
                  </div>
                  {referral.note ? (
                    <div>
                      <dt>Note</dt>
                      <dd>{referral.note}</dd>
                    </div>
                  ) : null}
                  {referral.declineReason ? (
                    <div>
                      <dt>Declined because</dt>
                      <dd>{REFERRAL_DECLINE_REASON_LABELS[referral.declineReason]}</dd>
                    </div>
                  ) : null}
                </dl>
                <div className="row-actions">
                  {referral.participantId ? (
                    <Link to="/participants/$participantId" params={{ participantId: referral.participantId }}>
                      Open their participant record
                    </Link>
                  ) : (
                    <>
                      <Link to="/participants" search={{ referralId: referral.id }}>
                        Find them in participants
                      </Link>
                      {mayAddPerson && (referral.status === 'received' || referral.status === 'contacted') ? (
                        <Link to="/participants/new" search={{ referralId: referral.id }}>
                          Add as a participant
                        </Link>
                      ) : null}
                    </>
                  )}
                  {mayChange
                    ? nextReferralStatuses(referral.status)
                        .filter((to) => ACTION_LABELS[to])
                        .map((to) => (
                          <Button
                            key={to}
                            variant="secondary"
                            aria-label={`${ACTION_LABELS[to]}: ${referral.person.firstName} ${referral.person.lastName}`}
                            onPress={() => {
                              if (to === 'enrolled') return setEnrolling(referral);
                              change.reset();
                              setReason(null);
                              setReasonError(null);
                              setPending({ referral, to });
                            }}
                          >
                            {ACTION_LABELS[to]}
                          </Button>
                        ))
                    : null}
                </div>
              </li>
            ))}
          </ul>
        )
      ) : null}
      <ShowMore query={referrals} label="Show older referrals" />
      <MarkEnrolledDialog referral={enrolling} onClose={() => setEnrolling(null)} />
      <ConfirmDialog
        isOpen={pending !== null}
        onOpenChange={(open) => !open && setPending(null)}
        title={pending ? `${ACTION_LABELS[pending.to]}: ${pending.referral.person.firstName} ${pending.referral.person.lastName}?` : ''}
        confirmLabel={pending ? (ACTION_LABELS[pending.to] ?? 'Confirm') : 'Confirm'}
        pendingLabel="Saving…"
        isPending={change.isPending}
        error={change.isError ? describeProblem(change.error, 'The status could not be changed') : null}
        onConfirm={confirm}
      >
        <p>{pending?.referral.partner.name} will be told of the new status (never the reason or any notes).</p>
        {pending?.to === 'declined' ? (
          // The reason's error is the Select's own (linked to it and announced), as a form's validation error.
          <Form
            validationBehavior="aria"
            validationErrors={reasonError ? { reason: reasonError } : {}}
            aria-label="Why the referral is declined"
            onSubmit={(event) => {
              event.preventDefault();
              confirm();
            }}
          >
            <Select
              id="decline-reason"
              name="reason"
              label="Why is it declined?"
              options={REFERRAL_DECLINE_REASONS.map((r) => ({ value: r, label: REFERRAL_DECLINE_REASON_LABELS[r] }))}
              value={reason}
              onChange={(v) => {
                setReason(v);
                setReasonError(null);
              }}
            />
          </Form>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
