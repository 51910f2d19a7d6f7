// A modal question before anything that cannot be undone: it names the action on its buttons,
// keeps focus inside, and closes with Escape (unless the action is under way).
import type { ReactNode } from 'react';
import { Dialog, Heading } from 'react-aria-components/Dialog';
import { Modal, ModalOverlay } from 'react-aria-components/Modal';
import { Button } from './button';
import { Notice } from './notice';

export interface ConfirmDialogProps {
  isOpen: boolean;
  onOpenChange: (isOpen: boolean) => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  cancelLabel?: string;
  onConfirm: () => void;
  isPending?: boolean;
  /** A problem from the last attempt, shown inside the dialog. */
  error?: string | null;
  /** Wraps the body in a form (so Enter submits) when the dialog asks for input. */
  asForm?: boolean;
  /** 'alertdialog' (the default) for a question about something that cannot be undone. */
  role?: 'dialog' | 'alertdialog';
}

export function ConfirmDialog({
  isOpen,
  onOpenChange,
  title,
  children,
  confirmLabel,
  pendingLabel,
  cancelLabel = 'Go back',
  onConfirm,
  isPending = false,
  error,
  asForm = false,
  role = 'alertdialog',
}: ConfirmDialogProps) {
  const actions = (
    <div className="form__actions">
      <Button type={asForm ? 'submit' : 'button'} onPress={asForm ? undefined : onConfirm} isPending={isPending} pendingLabel={pendingLabel}>
        {confirmLabel}
      </Button>
      <Button variant="secondary" onPress={() => onOpenChange(false)} isDisabled={isPending}>
        {cancelLabel}
      </Button>
    </div>
  );
  const body = (
    <>
      {error ? (
        <Notice tone="error">
          <p>{error}</p>
        </Notice>
      ) : null}
      {children}
    </>
  );
  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} onOpenChange={onOpenChange} isDismissable={!isPending} isKeyboardDismissDisabled={isPending}>
      <Modal className="modal">
        <Dialog className="dialog" role={role}>
          <Heading slot="title" className="dialog__title">
            {title}
          </Heading>
          {asForm ? (
            <form
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                if (!isPending) onConfirm();
              }}
            >
              {body}
              {actions}
            </form>
          ) : (
            <>
              {body}
              {actions}
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
