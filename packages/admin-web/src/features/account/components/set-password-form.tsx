import { passwordLengthProblem } from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { Button } from '../../../components/ui/button';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { Notice } from '../../../components/ui/notice';
import { TextField } from '../../../components/ui/text-field';
import { fromApiError, hasErrors, noErrors, summaryItems, type FormErrors } from '../../../lib/form-errors';
import { ApiError } from '../../../lib/problem';
import { useSetPassword } from '../api/set-password';

const FIELD_IDS = { password: 'set-password' } as const;

/** Choosing a password from the one-time link an administrator sent. */
export function SetPasswordForm({ token }: { token: string | undefined }) {
  const set = useSetPassword();
  const [password, setPasswordValue] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [attempt, setAttempt] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (attempt > 0 && hasErrors(errors)) summaryRef.current?.focus();
  }, [attempt, errors]);

  if (!token) {
    return (
      <Notice tone="error" title="This link is not complete">
        <p>Open the link from your e-mail again, or ask your Harbour administrator for a new one.</p>
      </Notice>
    );
  }
  if (set.isSuccess) {
    return (
      <Notice tone="success" title="Your password is set">
        <p>
          <Link to="/sign-in">Sign in</Link> with your e-mail address and your new password.
        </p>
      </Notice>
    );
  }

  const show = (next: FormErrors) => {
    setErrors(next);
    setAttempt((n) => n + 1);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (set.isPending) return;
    const problem = password ? passwordLengthProblem(password) : 'Enter a password';
    if (problem) return show({ fields: { password: problem }, form: [] });
    setErrors(noErrors);
    set.mutate(
      { token, password },
      {
        onError: (error) =>
          show(
            error instanceof ApiError && error.code === 'SET_PASSWORD_TOKEN_INVALID'
              ? { fields: {}, form: [error.problem.detail || 'This link has expired or has already been used. Ask your administrator for a new one.'] }
              : fromApiError(error, ['password'], 'The password could not be set'),
          ),
      },
    );
  };

  return (
    <>
      <ErrorSummary ref={summaryRef} items={summaryItems(errors, FIELD_IDS)} />
      <Form className="form" onSubmit={onSubmit} validationBehavior="aria" validationErrors={errors.fields} aria-label="Choose your password">
        <TextField
          id={FIELD_IDS.password}
          name="password"
          label="New password"
          type="password"
          autoComplete="new-password"
          description="At least 12 characters. A few unrelated words make a strong password that is easy to remember."
          isRequired
          value={password}
          onChange={(value) => {
            setPasswordValue(value);
            if (errors.fields.password) setErrors(noErrors);
          }}
        />
        <div className="form__actions">
          <Button type="submit" isPending={set.isPending} pendingLabel="Setting your password…">
            Set my password
          </Button>
        </div>
      </Form>
    </>
  );
}
