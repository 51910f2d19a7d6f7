// "Enrolled": link the referral to the participant it became and to one of their live enrolments,
// so the partner sees the cohort's dates. Find the person, pick the enrolment, confirm.
import { LIVE_ENROLMENT_STATUSES, REFERRAL_STATUS_LABELS, formatLondon } from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { Form } from 'react-aria-components/Form';
import { Input, Label, SearchField } from 'react-aria-components/SearchField';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { RadioGroup } from '../../../components/ui/radio-group';
import { showToast } from '../../../components/ui/toast';
import { describeProblem, fromApiError } from '../../../lib/form-errors';
import { ENROLMENT_STATUS_LABELS } from '../../cohorts/labels';
import { useParticipants } from '../../participants/api/list-participants';
import { useParticipantEnrolments } from '../../participants/api/list-participant-enrolments';
import { useChangeReferralStatus } from '../api/change-referral-status';
import type { StaffReferral } from '../api/list-referrals';

const TYPING_PAUSE_MS = 300;
const LIVE: readonly string[] = LIVE_ENROLMENT_STATUSES;
const FIELDS = ['participantId', 'enrolmentId'];

function firstSearch(referral: StaffReferral): string {
  return referral.person.email ?? `${referral.person.firstName} ${referral.person.lastName}`;
}

function EnrolmentChoice({
  participantId,
  value,
  onChange,
}: {
  participantId: string;
  value: string | null;
  onChange: (id: string) => void;
}) {
  const enrolments = useParticipantEnrolments(participantId);
  if (enrolments.isPending) return <Loading label="Loading their enrolments…" />;
  if (enrolments.isError) {
    return (
      <Notice tone="error">
        <p>{describeProblem(enrolments.error, 'Their enrolments could not be loaded')}</p>
      </Notice>
    );
  }
  const live = enrolments.data.filter((e) => LIVE.includes(e.status));
  if (live.length === 0) {
    return (
      <Notice tone="warning" title="No live enrolment">
        <p>
          They have no seat, offer or waitlist place.{' '}
          <Link to="/participants/$participantId" params={{ participantId }}>
            Enrol them from their record
          </Link>
          , then come back to mark the referral enrolled.
        </p>
      </Notice>
    );
  }
  return (
    <RadioGroup
      id="referral-enrolment"
      name="enrolmentId"
      label="Which enrolment?"
      options={live.map((e) => ({
        value: e.id,
        label: e.cohort.title,
        description: `${ENROLMENT_STATUS_LABELS[e.status]}${e.waitlistPosition ? `, number ${e.waitlistPosition}` : ''}${
          e.cohort.firstSessionAt ? ` · starts ${formatLondon(e.cohort.firstSessionAt, { weekday: false })}` : ''
        }`,
      }))}
      value={value}
      onChange={onChange}
    />
  );
}

export interface MarkEnrolledDialogProps {
  referral: StaffReferral | null;
  onClose: () => void;
}

export function MarkEnrolledDialog({ referral, onClose }: MarkEnrolledDialogProps) {
  const change = useChangeReferralStatus();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [participantId, setParticipantId] = useState<string | null>(null);
  const [enrolmentId, setEnrolmentId] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  // A new referral: start from its e-mail address (or name) and a clean slate.
  useEffect(() => {
    const first = referral ? firstSearch(referral) : '';
    setText(first);
    setQ(first);
    setParticipantId(null);
    setEnrolmentId(null);
    setErrors({});
    change.reset();
  }, [referral?.id]); // only when another referral is opened

  useEffect(() => {
    if (text.trim() === q) return;
    const timer = setTimeout(() => setQ(text.trim()), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, q]);

  const participants = useParticipants(q);
  const found = participants.data?.pages[0]?.items ?? [];
  const name = referral ? `${referral.person.firstName} ${referral.person.lastName}` : '';

  const confirm = () => {
    if (!referral) return;
    const missing: Record<string, string> = {};
    if (!participantId) missing.participantId = 'Choose the participant this referral became';
    else if (!enrolmentId) missing.enrolmentId = 'Choose their enrolment';
    setErrors(missing);
    if (!participantId || !enrolmentId) return;
    change.mutate(
      { id: referral.id, body: { status: 'enrolled', participantId, enrolmentId } },
      {
        onSuccess: () => {
          showToast(`${name}: ${REFERRAL_STATUS_LABELS.enrolled.toLowerCase()}. The partner has been told.`);
          onClose();
        },
        onError: (error) => setErrors(fromApiError(error, FIELDS).fields),
      },
    );
  };

  const formError = change.isError ? fromApiError(change.error, FIELDS, 'The referral could not be marked enrolled').form : [];

  return (
    <ConfirmDialog
      isOpen={referral !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Mark as enrolled: ${name}`}
      confirmLabel="Mark as enrolled"
      pendingLabel="Saving…"
      isPending={change.isPending}
      error={formError.length > 0 ? formError.join(' ') : null}
      onConfirm={confirm}
      role="dialog"
    >
      <p>{referral?.partner.name} will be told they are enrolled, and will see the cohort’s session dates (nothing else).</p>
      <SearchField className="field" value={text} onChange={setText} onSubmit={(value) => setQ(value.trim())}>
        <Label className="field__label">Find the participant (name or e-mail address)</Label>
        <Input className="field__input" id="referral-participant-search" />
      </SearchField>
      <Form
        className="form"
        validationBehavior="aria"
        // Beside their fields: what is missing, and the API's errors[].path.
        validationErrors={Object.fromEntries(Object.entries(errors).filter(([, message]) => message))}
        onSubmit={(event) => {
          event.preventDefault();
          confirm();
        }}
      >
        {participants.isPending ? (
          <Loading label="Looking for participants…" />
        ) : participants.isError ? (
          <Notice tone="error">
            <p>{describeProblem(participants.error, 'Participants could not be loaded')}</p>
          </Notice>
        ) : found.length === 0 ? (
          <Notice title={q ? `No one matches “${q}”` : 'No participants yet'}>
            <p>
              {referral ? (
                <Link to="/participants/new" search={{ referralId: referral.id }}>
                  Add {name} as a participant
                </Link>
              ) : null}{' '}
              from the referral’s details, or search again.
            </p>
          </Notice>
        ) : (
          <RadioGroup
            id="referral-participant"
            name="participantId"
            label="Participant"
            options={found.map((p) => ({ value: p.id, label: `${p.firstName} ${p.lastName}`, description: p.email }))}
            value={participantId}
            onChange={(id) => {
              setParticipantId(id);
              setEnrolmentId(null);
              setErrors({});
            }}
          />
        )}
        {participantId ? (
          <EnrolmentChoice
            participantId={participantId}
            value={enrolmentId}
            onChange={(id) => {
              setEnrolmentId(id);
              setErrors((previous) => ({ ...previous, enrolmentId: '' }));
            }}
          />
        ) : null}
      </Form>
    </ConfirmDialog>
  );
}
