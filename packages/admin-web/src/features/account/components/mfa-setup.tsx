// Switching two-step verification on: a new secret (as a QR code and as text to type into an
// authenticator app), a first code to prove it works, then the recovery codes, shown once.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { Button } from '../../../components/ui/button';
import { CopyButton } from '../../../components/ui/copy-button';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { Notice } from '../../../components/ui/notice';
import { TextField } from '../../../components/ui/text-field';
import { fromApiError, hasErrors, noErrors, summaryItems, type FormErrors } from '../../../lib/form-errors';
import { useEnableMfa } from '../api/enable-mfa';
import { useSetUpMfa, type MfaSetup } from '../api/set-up-mfa';
import { QrCode } from './qr-code';
import { RecoveryCodesPanel } from './recovery-codes';

const FIELD_IDS = { code: 'mfa-setup-code' } as const;

/** The secret in groups of four, as authenticator apps show it: easier to read out and type. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

export interface MfaSetupProps {
  /** After the recovery codes have been seen. */
  onDone: () => void;
}

export function MfaSetupFlow({ onDone }: MfaSetupProps) {
  const setUp = useSetUpMfa();
  const enable = useEnableMfa();
  const [setup, setSetup] = useState<MfaSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [attempt, setAttempt] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  const stepRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (attempt > 0 && hasErrors(errors)) summaryRef.current?.focus();
  }, [attempt, errors]);

  useEffect(() => {
    if (setup) stepRef.current?.focus();
  }, [setup]);

  if (codes) return <RecoveryCodesPanel codes={codes} onContinue={onDone} />;

  if (!setup) {
    return (
      <>
        <p>
          You will need an authenticator app on your phone, such as Google Authenticator, Microsoft Authenticator or
          1Password. Each time you sign in, Harbour will ask for the 6-digit code the app shows.
        </p>
        {setUp.isError ? (
          <Notice tone="error">
            <p>{fromApiError(setUp.error, [], 'Set-up could not start').form.join(' ')}</p>
          </Notice>
        ) : null}
        <Button onPress={() => setUp.mutate(undefined, { onSuccess: setSetup })} isPending={setUp.isPending} pendingLabel="Starting…">
          Set up two-step verification
        </Button>
      </>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (enable.isPending) return;
    const cleaned = code.replace(/[\s-]/g, '');
    if (!/^\d{6}$/.test(cleaned)) {
      setErrors({ fields: { code: 'Enter the 6-digit code your app shows for Harbour' }, form: [] });
      setAttempt((n) => n + 1);
      return;
    }
    setErrors(noErrors);
    enable.mutate(cleaned, {
      onSuccess: (result) => setCodes(result.recoveryCodes),
      onError: (error) => {
        setErrors(fromApiError(error, ['code'], 'Two-step verification could not be switched on'));
        setAttempt((n) => n + 1);
      },
    });
  };

  return (
    <>
      <h3 ref={stepRef} tabIndex={-1}>
        Add Harbour to your authenticator app
      </h3>
      <ol className="steps">
        <li>
          <p>In your app, choose to add an account, then scan this QR code.</p>
          <QrCode text={setup.otpauthUrl} />
        </li>
        <li>
          <p>If you cannot scan it, choose to enter a key by hand, and type this key (time-based, 6 digits):</p>
          <p className="secret">
            <code aria-label={`Key: ${setup.secret.split('').join(' ')}`}>{groupSecret(setup.secret)}</code>
          </p>
          <CopyButton text={setup.secret} label="Copy the key" />
          <details className="details">
            <summary>Show the full set-up address (otpauth link)</summary>
            <p className="secret secret--url">
              <code>{setup.otpauthUrl}</code>
            </p>
          </details>
        </li>
        <li>
          <p>Enter the code your app now shows for Harbour.</p>
          <ErrorSummary ref={summaryRef} items={summaryItems(errors, FIELD_IDS)} />
          <Form className="form" onSubmit={onSubmit} validationBehavior="aria" validationErrors={errors.fields} aria-label="Confirm two-step verification">
            <TextField
              id={FIELD_IDS.code}
              name="code"
              label="6-digit code"
              width="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              isRequired
              value={code}
              onChange={(value) => {
                setCode(value);
                if (errors.fields.code) setErrors(noErrors);
              }}
            />
            <div className="form__actions">
              <Button type="submit" isPending={enable.isPending} pendingLabel="Checking…">
                Switch on two-step verification
              </Button>
            </div>
          </Form>
        </li>
      </ol>
    </>
  );
}
