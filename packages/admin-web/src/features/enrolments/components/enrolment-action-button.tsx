// One button for a change to a person's enrolment, asked about in a dialog first.
import { useState, type ReactNode } from 'react';
import { Button } from '../../../components/ui/button';
import { showToast } from '../../../components/ui/toast';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { errorText } from '../../cohorts/components/form-errors';
import { useChangeEnrolmentStatus, type EnrolmentAction } from '../api/change-enrolment-status';
import type { RosterEntry } from '../api/list-cohort-enrolments';
import { nameOf } from './person-name';

const WORDS: Record<EnrolmentAction, { button: string; confirm: string; pending: string; done: string; title: (name: string) => string }> = {
  withdraw: { button: 'Withdraw', confirm: 'Withdraw', pending: 'Withdrawing…', done: 'withdrawn', title: (n) => `Withdraw ${n}?` },
  remove: { button: 'Remove', confirm: 'Remove', pending: 'Removing…', done: 'removed', title: (n) => `Remove ${n}?` },
  accept: { button: 'Accept offer', confirm: 'Accept the offer', pending: 'Accepting…', done: 'confirmed on the cohort', title: (n) => `Accept the offer for ${n}?` },
  decline: { button: 'Decline offer', confirm: 'Decline the offer', pending: 'Declining…', done: 'recorded as declining', title: (n) => `Decline the offer for ${n}?` },
  complete: { button: 'Mark completed', confirm: 'Mark as completed', pending: 'Saving…', done: 'marked as completed', title: (n) => `Mark ${n} as completed?` },
};

export interface EnrolmentActionButtonProps {
  cohortId: string;
  entry: RosterEntry;
  action: EnrolmentAction;
  /** What will happen, in words, shown in the dialog. */
  children: ReactNode;
  variant?: 'primary' | 'secondary' | 'link';
}

export function EnrolmentActionButton({ cohortId, entry, action, children, variant = 'secondary' }: EnrolmentActionButtonProps) {
  const [isOpen, setOpen] = useState(false);
  const change = useChangeEnrolmentStatus(cohortId);
  const words = WORDS[action];
  const name = nameOf(entry);

  const close = (open: boolean) => {
    if (!open) change.reset();
    setOpen(open);
  };

  return (
    <>
      <Button variant={variant} onPress={() => setOpen(true)} aria-label={`${words.button}: ${name}`}>
        {words.button}
      </Button>
      <ConfirmDialog
        isOpen={isOpen}
        onOpenChange={close}
        title={words.title(name)}
        confirmLabel={words.confirm}
        pendingLabel={words.pending}
        onConfirm={() =>
          change.mutate(
            { enrolmentId: entry.id, action },
            {
              onSuccess: () => {
                showToast(`${name} ${words.done}.`);
                close(false);
              },
            },
          )
        }
        isPending={change.isPending}
        error={change.isError ? errorText(change.error, 'enrolment') : null}
        role={action === 'accept' ? 'dialog' : 'alertdialog'}
      >
        {children}
      </ConfirmDialog>
    </>
  );
}
