// Anyone who works with a cohort can raise a safeguarding concern about a person on it, or about
// the cohort. What they write goes to the safeguarding lead; they cannot read it back afterwards,
// so the dialog says so before they send it.
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { TextArea } from '../../../components/ui/text-area';
import { showToast } from '../../../components/ui/toast';
import { describeApiError } from '../../cohorts/components/form-errors';
import { useRaiseSafeguardingConcern } from '../api/raise-safeguarding-concern';

/** The API's limit on a concern's length. */
const MAX_LENGTH = 10_000;

export interface RaiseConcernButtonProps {
  cohort: { id: string; title: string };
  /** The person the concern is about; without one, it is about the cohort. */
  person?: { id: string; name: string };
  variant?: 'secondary' | 'link';
}

export function RaiseConcernButton({ cohort, person, variant = 'secondary' }: RaiseConcernButtonProps) {
  const [isOpen, setOpen] = useState(false);
  const [summary, setSummary] = useState('');
  const [errors, setErrors] = useState<{ fields: Record<string, string>; form: string[] }>({ fields: {}, form: [] });
  const raise = useRaiseSafeguardingConcern();
  const about = person ? person.name : cohort.title;

  const open = (next: boolean) => {
    if (!next) {
      // Nothing typed here is kept once the dialog closes.
      setSummary('');
      setErrors({ fields: {}, form: [] });
      raise.reset();
    }
    setOpen(next);
  };

  const send = () => {
    const text = summary.trim();
    if (!text) {
      setErrors({ fields: { summary: 'Describe the concern: what you saw or heard, and when.' }, form: [] });
      return;
    }
    if (text.length > MAX_LENGTH) {
      setErrors({ fields: { summary: `Use at most ${MAX_LENGTH.toLocaleString('en-GB')} characters.` }, form: [] });
      return;
    }
    raise.mutate(
      { cohortId: cohort.id, ...(person ? { participantId: person.id } : {}), summary: text },
      {
        onSuccess: () => {
          showToast('Concern recorded for the safeguarding lead.');
          open(false);
        },
        onError: (error) => setErrors(describeApiError(error, (p) => p === 'summary', 'raise a concern')),
      },
    );
  };

  return (
    <>
      <Button variant={variant} onPress={() => open(true)} aria-label={person ? `Raise a concern: ${person.name}` : 'Raise a concern about this cohort'}>
        Raise a concern
      </Button>
      <ConfirmDialog
        isOpen={isOpen}
        onOpenChange={open}
        title={`Raise a safeguarding concern: ${about}`}
        confirmLabel="Send to the safeguarding lead"
        pendingLabel="Sending…"
        cancelLabel="Cancel"
        onConfirm={send}
        isPending={raise.isPending}
        error={errors.form.join(' ') || null}
        asForm
        role="dialog"
      >
        <p>If anyone is in immediate danger, call 999 first.</p>
        <p>
          Only the safeguarding lead and admins can read what you write here. Once it is sent you will not be able to read or change
          it, so include everything they need.
        </p>
        <TextArea
          id="concern-summary"
          name="summary"
          label="What happened"
          description="What you saw or heard, when, who was involved, and anything you have already done."
          rows={6}
          value={summary}
          onChange={(value) => {
            setSummary(value);
            if (errors.fields.summary) setErrors({ ...errors, fields: {} });
          }}
          isRequired
          isInvalid={Boolean(errors.fields.summary)}
          errorMessage={errors.fields.summary}
          validationBehavior="aria"
          autoFocus
        />
      </ConfirmDialog>
    </>
  );
}
