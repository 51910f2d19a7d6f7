import { Button } from './button';

export interface FormActionsProps {
  submitLabel: string;
  /** Said while the form is being sent, e.g. "Saving…". */
  pendingLabel: string;
  isPending: boolean;
  onCancel: () => void;
}

/** A form's send button and its way out, which is not offered while sending. */
export function FormActions({ submitLabel, pendingLabel, isPending, onCancel }: FormActionsProps) {
  return (
    <div className="form__actions">
      <Button type="submit" isPending={isPending} pendingLabel={pendingLabel}>
        {submitLabel}
      </Button>
      <Button type="button" variant="link" onPress={onCancel} isDisabled={isPending}>
        Cancel
      </Button>
    </div>
  );
}
