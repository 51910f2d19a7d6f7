// Who facilitates the cohort: a facilitator sees and marks attendance only for the cohorts given to them.
import { useState } from 'react';
import { CheckboxGroup } from '../../../components/ui/checkbox-group';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { Loading } from '../../../components/ui/loading';
import { showToast } from '../../../components/ui/toast';
import type { Cohort } from '../api/list-cohorts';
import { useFacilitatorChoices, useSetFacilitators } from '../api/set-facilitators';
import { errorText } from './form-errors';

export interface FacilitatorsDialogProps {
  cohort: Cohort;
  isOpen: boolean;
  onOpenChange: (isOpen: boolean) => void;
}

export function FacilitatorsDialog({ cohort, isOpen, onOpenChange }: FacilitatorsDialogProps) {
  const choices = useFacilitatorChoices(isOpen);
  const save = useSetFacilitators();
  const [chosen, setChosen] = useState<string[]>(() => cohort.facilitators.map((f) => f.id));

  const close = (open: boolean) => {
    if (!open) {
      setChosen(cohort.facilitators.map((f) => f.id));
      save.reset();
    }
    onOpenChange(open);
  };

  // Anyone already on the cohort stays listed, even if no longer a facilitator (so they can be taken off).
  const options = [
    ...(choices.data?.items ?? []),
    ...cohort.facilitators.filter((f) => !choices.data?.items.some((c) => c.id === f.id)),
  ].map((f) => ({ value: f.id, label: f.name }));

  return (
    <ConfirmDialog
      role="dialog"
      isOpen={isOpen}
      onOpenChange={close}
      title={`Facilitators of ${cohort.title}`}
      confirmLabel="Save facilitators"
      pendingLabel="Saving…"
      cancelLabel="Keep as it is"
      onConfirm={() =>
        save.mutate(
          { cohort, userIds: chosen },
          {
            onSuccess: () => {
              showToast('Facilitators saved.');
              close(false);
            },
          },
        )
      }
      isPending={save.isPending}
      error={save.isError ? errorText(save.error, 'cohort') : choices.isError ? errorText(choices.error, 'cohort') : null}
    >
      <p>A facilitator sees this cohort’s sessions and roster, and marks attendance. They see no declarations or notes.</p>
      {choices.isPending ? (
        <Loading label="Loading facilitators…" />
      ) : options.length === 0 ? (
        <p>Nobody has the facilitator role yet. An admin gives it under Administration, Staff.</p>
      ) : (
        <CheckboxGroup id="cohort-facilitators" name="userIds" label="Who facilitates" options={options} value={chosen} onChange={setChosen} />
      )}
    </ConfirmDialog>
  );
}
