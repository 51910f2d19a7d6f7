import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { Button } from '../../../components/ui/button';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { TextField } from '../../../components/ui/text-field';
import { startSession } from '../../../lib/session';
import { useVerifyMfa } from '../api/verify-mfa';
import { describeAuthError, hasErrors, noErrors, summaryItems, type FormErrors } from './auth-errors';

const FIELD_IDS = { code: 'mfa-code' } as const;
const FIELDS = Object.keys(FIELD_IDS);

export interface MfaCodeFormProps {
  mfaToken: string;
  onSignedIn: () => void;
  onStartAgain: () => void;
}

/** The second step of signing in, for accounts with two-step verification. */
export function MfaCodeForm({ mfaToken, onSignedIn, onStartAgain }: MfaCodeFormProps) {
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [attempt, setAttempt] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const verify = useVerifyMfa();
  const headingId = useId();

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  useEffect(() => {
    if (attempt > 0 && hasErrors(errors)) summaryRef.current?.focus();
  }, [attempt, errors]);

  const showErrors = (next: FormErrors) => {
    setErrors(next);
    setAttempt((count) => count + 1);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (verify.isPending) return;
    const cleaned = code.replace(/\s/g, '');
    if (!cleaned) {
      showErrors({ fields: { code: 'Enter the code from your authenticator app, or a recovery code' }, form: [] });
      return;
    }
    setErrors(noErrors);
    verify.mutate(
      { mfaToken, code: cleaned },
      {
        onSuccess: (session) => {
          startSession(session);
          onSignedIn();
        },
        onError: (error) => showErrors(describeAuthError(error, FIELDS)),
      },
    );
  };

  return (
    <>
      <h2 className="form-step__title" id={headingId} ref={headingRef} tabIndex={-1}>
        Enter your security code
      </h2>
      <p>Open the authenticator app on your phone and enter the 6-digit code it shows for Harbour.</p>
      <ErrorSummary ref={summaryRef} items={summaryItems(errors, FIELD_IDS)} />
      <Form
        className="form"
        onSubmit={onSubmit}
        validationBehavior="aria"
        validationErrors={errors.fields}
        aria-labelledby={headingId}
      >
        <TextField
          id={FIELD_IDS.code}
          name="code"
          label="Security code"
          description="The code changes every 30 seconds. If you cannot use your app, enter one of your recovery codes instead."
          width="code"
          autoComplete="one-time-code"
          inputMode="text"
          spellCheck="false"
          isRequired
          value={code}
          onChange={(value) => {
            setCode(value);
            if (errors.fields.code) setErrors({ ...errors, fields: {} });
          }}
        />
        <div className="form__actions">
          <Button type="submit" isPending={verify.isPending} pendingLabel="Checking…">
            Continue
          </Button>
          <Button type="button" variant="link" onPress={onStartAgain} isDisabled={verify.isPending}>
            Start again
          </Button>
        </div>
      </Form>
    </>
  );
}
