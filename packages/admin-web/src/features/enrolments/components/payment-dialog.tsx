// Record how a person's fee stands: paid, not paid, waived (with the reason) or refunded.
import { PAYMENT_STATUSES, type PaymentStatus } from '@harbour/shared';
import { useState } from 'react';
import { FieldError, Label, Radio, RadioGroup } from 'react-aria-components/RadioGroup';
import { Button } from '../../../components/ui/button';
import { TextArea } from '../../../components/ui/text-area';
import { showToast } from '../../../components/ui/toast';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { describeApiError } from '../../cohorts/components/form-errors';
import { PAYMENT_STATUS_LABELS } from '../../cohorts/labels';
import type { RosterEntry } from '../api/list-cohort-enrolments';
import { useUpdateEnrolment } from '../api/update-enrolment';
import { nameOf } from './person-name';

export function PaymentButton({ cohortId, entry }: { cohortId: string; entry: RosterEntry }) {
  const [isOpen, setOpen] = useState(false);
  const [status, setStatus] = useState<PaymentStatus>(entry.paymentStatus);
  const [note, setNote] = useState(entry.paymentNote ?? '');
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form: string[] }>({ fields: {}, form: [] });
  const update = useUpdateEnrolment(cohortId);
  const name = nameOf(entry);

  const open = (next: boolean) => {
    if (next) {
      setStatus(entry.paymentStatus);
      setNote(entry.paymentNote ?? '');
      setErrors({ fields: {}, form: [] });
    }
    setOpen(next);
  };

  const save = () => {
    if (status === 'waived' && !note.trim()) {
      setErrors({ fields: { paymentNote: 'Give the reason for waiving the fee.' }, form: [] });
      return;
    }
    update.mutate(
      { enrolmentId: entry.id, body: { paymentStatus: status, paymentNote: note.trim() || null } },
      {
        onSuccess: () => {
          showToast(`Payment for ${name}: ${PAYMENT_STATUS_LABELS[status]}.`);
          setOpen(false);
        },
        onError: (error) => setErrors(describeApiError(error, (p) => p === 'paymentNote' || p === 'paymentStatus', 'record the payment')),
      },
    );
  };

  return (
    <>
      <Button variant="link" onPress={() => open(true)} aria-label={`Change payment for ${name}`}>
        Change
      </Button>
      <ConfirmDialog
        isOpen={isOpen}
        onOpenChange={open}
        title={`Payment: ${name}`}
        confirmLabel="Save payment"
        pendingLabel="Saving…"
        cancelLabel="Cancel"
        onConfirm={save}
        isPending={update.isPending}
        error={errors.form.join(' ') || null}
        asForm
        role="dialog"
      >
        <RadioGroup className="field radio-group" value={status} onChange={(v) => setStatus(v as PaymentStatus)} isInvalid={Boolean(errors.fields.paymentStatus)}>
          <Label className="field__label">Fee</Label>
          <div className="radio-group__options">
            {PAYMENT_STATUSES.map((s) => (
              <Radio key={s} value={s} className="radio">
                {PAYMENT_STATUS_LABELS[s]}
              </Radio>
            ))}
          </div>
          <FieldError className="field__error">{errors.fields.paymentStatus}</FieldError>
        </RadioGroup>
        <TextArea
          id="payment-note"
          name="paymentNote"
          label={status === 'waived' ? 'Reason for waiving the fee' : 'Note (optional)'}
          description="For example a receipt number, or why the fee is waived (hardship)."
          rows={2}
          value={note}
          onChange={(v) => {
            setNote(v);
            if (errors.fields.paymentNote) setErrors({ ...errors, fields: {} });
          }}
          isInvalid={Boolean(errors.fields.paymentNote)}
          errorMessage={errors.fields.paymentNote}
          isRequired={status === 'waived'}
          validationBehavior="aria"
        />
      </ConfirmDialog>
    </>
  );
}
