// Cancelling takes everyone off the cohort and tells them; the dialog says how many before it happens.
import { useState } from 'react';
import { TextArea } from '../../../components/ui/text-area';
import { showToast } from '../../../components/ui/toast';
import type { Cohort } from '../api/list-cohorts';
import { useCancelCohort } from '../api/change-cohort-status';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { errorText } from './form-errors';

function people(n: number): string {
  return n === 1 ? '1 person' : `${n} people`;
}

export interface CancelCohortDialogProps {
  cohort: Cohort;
  /** Of the people on the roster, how many have paid (their fee will be marked for refund). */
  paidCount: number | null;
  isOpen: boolean;
  onOpenChange: (isOpen: boolean) => void;
}

export function CancelCohortDialog({ cohort, paidCount, isOpen, onOpenChange }: CancelCohortDialogProps) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const cancel = useCancelCohort();
  const affected = cohort.confirmedCount + cohort.offeredCount + cohort.waitlistCount;

  const close = (open: boolean) => {
    if (!open) {
      setReason('');
      setReasonError(null);
      cancel.reset();
    }
    onOpenChange(open);
  };

  const confirm = () => {
    if (!reason.trim()) {
      setReasonError('Give the reason for cancelling. It is kept with the cohort.');
      return;
    }
    cancel.mutate(
      { cohort, reason: reason.trim() },
      {
        onSuccess: (result) => {
          showToast(
            `Cohort cancelled. ${people(result.peopleAffected)} will be told${result.refundsDue > 0 ? `; ${result.refundsDue} ${result.refundsDue === 1 ? 'refund is' : 'refunds are'} due` : ''}.`,
          );
          close(false);
        },
      },
    );
  };

  return (
    <ConfirmDialog
      isOpen={isOpen}
      onOpenChange={close}
      title={`Cancel ${cohort.title}?`}
      confirmLabel="Cancel the cohort"
      pendingLabel="Cancelling…"
      cancelLabel="Keep the cohort"
      onConfirm={confirm}
      isPending={cancel.isPending}
      error={cancel.isError ? errorText(cancel.error, 'cohort') : null}
      asForm
    >
      <p className="dialog__summary">
        {affected === 0 ? (
          'Nobody is enrolled, so nobody will be told.'
        ) : (
          <>
            <strong>{people(affected)} will be told</strong> by email that the cohort is cancelled: {cohort.confirmedCount} with a
            place, {cohort.offeredCount} with an offer and {cohort.waitlistCount} waiting.
          </>
        )}
      </p>
      {paidCount ? (
        <p>
          {paidCount === 1 ? '1 person has' : `${paidCount} people have`} paid; their fee will be marked as due for refund.
        </p>
      ) : null}
      <p>This cannot be undone.</p>
      <TextArea
        id="cancel-reason"
        name="reason"
        label="Reason for cancelling"
        description="For the record. It is not sent to participants."
        rows={3}
        value={reason}
        onChange={(value) => {
          setReason(value);
          if (reasonError) setReasonError(null);
        }}
        isRequired
        isInvalid={Boolean(reasonError)}
        errorMessage={reasonError}
        validationBehavior="aria"
        autoFocus
      />
    </ConfirmDialog>
  );
}
