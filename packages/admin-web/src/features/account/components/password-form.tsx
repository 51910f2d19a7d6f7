import { ChangePasswordBodySchema, passwordLengthProblem } from '@harbour/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { Button } from '../../../components/ui/button';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { TextField } from '../../../components/ui/text-field';
import { showToast } from '../../../components/ui/toast';
import { fromApiError, fromZodError, hasErrors, noErrors, summaryItems, withoutField, type FormErrors } from '../../../lib/form-errors';
import { useChangePassword } from '../api/change-password';

const FIELD_IDS = { currentPassword: 'current-password', newPassword: 'new-password' } as const;

/** Changing one's own password; other sessions end, this one carries on. */
export function PasswordForm() {
  const change = useChangePassword();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [attempt, setAttempt] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (attempt > 0 && hasErrors(errors)) summaryRef.current?.focus();
  }, [attempt, errors]);

  const show = (next: FormErrors) => {
    setErrors(next);
    setAttempt((n) => n + 1);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (change.isPending) return;
    const parsed = ChangePasswordBodySchema.safeParse({ currentPassword, newPassword });
    if (!parsed.success) return show(fromZodError(parsed.error));
    const tooShort = passwordLengthProblem(newPassword);
    if (tooShort) return show({ fields: { newPassword: tooShort }, form: [] });
    setErrors(noErrors);
    change.mutate(parsed.data, {
      onSuccess: () => {
        setCurrentPassword('');
        setNewPassword('');
        showToast('Password changed. You have been signed out everywhere else.');
      },
      onError: (error) => show(fromApiError(error, Object.keys(FIELD_IDS), 'The password could not be changed')),
    });
  };

  const lengthHint = newPassword ? passwordLengthProblem(newPassword) : null;

  return (
    <>
      <ErrorSummary ref={summaryRef} items={summaryItems(errors, FIELD_IDS)} />
      <Form className="form" onSubmit={onSubmit} validationBehavior="aria" validationErrors={errors.fields} aria-label="Change your password">
        <TextField
          id={FIELD_IDS.currentPassword}
          name="currentPassword"
          label="Current password"
          type="password"
          autoComplete="current-password"
          isRequired
          value={currentPassword}
          onChange={(value) => {
            setCurrentPassword(value);
            setErrors((e) => withoutField(e, 'currentPassword'));
          }}
        />
        <TextField
          id={FIELD_IDS.newPassword}
          name="newPassword"
          label="New password"
          type="password"
          autoComplete="new-password"
          description={
            <>
              At least 12 characters. A few unrelated words make a strong password that is easy to remember.
              <span className="visually-hidden" aria-live="polite">
                {newPassword && !lengthHint ? ' Long enough.' : ''}
              </span>
            </>
          }
          isRequired
          value={newPassword}
          onChange={(value) => {
            setNewPassword(value);
            setErrors((e) => withoutField(e, 'newPassword'));
          }}
        />
        <div className="form__actions">
          <Button type="submit" isPending={change.isPending} pendingLabel="Changing your password…">
            Change password
          </Button>
        </div>
      </Form>
    </>
  );
}
