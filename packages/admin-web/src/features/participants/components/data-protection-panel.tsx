// A person's rights over their data, for admins: a copy of everything held about them (subject
// access) and erasure. Erasure cannot be undone, so it asks for their name to be typed first.
import { can, type StaffRole } from '@harbour/shared';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { TextField } from '../../../components/ui/text-field';
import { showToast } from '../../../components/ui/toast';
import { describeProblem } from '../../../lib/form-errors';
import { useDownloadParticipantExport, useEraseParticipant } from '../api/data-protection';
import type { Participant } from '../api/get-participant';

/** Spaces and case do not matter when the name is typed to confirm. */
const normalise = (value: string) => value.trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-GB');

export function DataProtectionPanel({ participant, roles }: { participant: Participant; roles: readonly StaffRole[] }) {
  const download = useDownloadParticipantExport();
  const erase = useEraseParticipant();
  const navigate = useNavigate();
  const [isOpen, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState<string | null>(null);
  const canExport = can(roles, 'data:export');
  const canErase = can(roles, 'data:erase');
  if (!canExport && !canErase) return null;
  const name = `${participant.firstName} ${participant.lastName}`;

  const open = (next: boolean) => {
    if (!next) {
      setTyped('');
      setTypedError(null);
      erase.reset();
    }
    setOpen(next);
  };

  const confirm = () => {
    if (normalise(typed) !== normalise(name)) {
      setTypedError(`Type their full name, ${name}, exactly as shown.`);
      return;
    }
    erase.mutate(participant.id, {
      onSuccess: () => {
        showToast(`${name}’s personal data has been erased.`);
        setOpen(false);
        void navigate({ to: '/participants' });
      },
    });
  };

  return (
    <section aria-labelledby="data-heading" className="section">
      <h2 id="data-heading">Their data</h2>
      <p>For a request they make under data protection law: a copy of what is held about them, or erasure.</p>
      <div className="action-bar" role="group" aria-label="Their data">
        {canExport ? (
          <Button
            variant="secondary"
            isPending={download.isPending}
            pendingLabel="Preparing the file…"
            onPress={() =>
              download.mutate(participant.id, {
                onSuccess: (file) => showToast(`Saved ${file}. Keep it safe, and delete it once it has been sent to them.`),
                onError: (error) => showToast(describeProblem(error, 'The copy of their data could not be made'), 'error'),
              })
            }
          >
            Download everything held
          </Button>
        ) : null}
        {canErase ? (
          <Button variant="secondary" onPress={() => open(true)}>
            Erase their personal data
          </Button>
        ) : null}
      </div>
      <ConfirmDialog
        isOpen={isOpen}
        onOpenChange={open}
        title={`Erase ${name}’s personal data?`}
        confirmLabel="Erase for good"
        pendingLabel="Erasing…"
        cancelLabel="Keep their data"
        onConfirm={confirm}
        isPending={erase.isPending}
        error={erase.isError ? describeProblem(erase.error, 'Their data could not be erased') : null}
        asForm
      >
        <p>
          Their name and contact details are replaced, their declaration answers and notes are destroyed, and notes about their
          enrolments are removed. Their enrolments and attendance stay as anonymous figures, and the audit trail is kept.
        </p>
        <p>Anyone who still has, or is waiting for, a place on a cohort that has not ended must be withdrawn first.</p>
        <p>
          <strong>This cannot be undone.</strong>
        </p>
        <TextField
          id="erase-confirm-name"
          name="confirmName"
          label="Their full name"
          description={`Type ${name} to confirm.`}
          value={typed}
          onChange={(value) => {
            setTyped(value);
            if (typedError) setTypedError(null);
          }}
          isRequired
          isInvalid={Boolean(typedError)}
          errorMessage={typedError}
          validationBehavior="aria"
          autoComplete="off"
          autoFocus
        />
      </ConfirmDialog>
    </section>
  );
}
