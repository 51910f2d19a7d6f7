import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
// zod/mini keeps the sign-in page light; it validates exactly as the full zod does.
import * as z from 'zod/mini';
import { Button } from '../../../components/ui/button';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { TextField } from '../../../components/ui/text-field';
import { startSession } from '../../../lib/session';
import { isMfaChallenge, useLogin } from '../api/login';
import { describeAuthError, hasErrors, noErrors, summaryItems, type FormErrors } from './auth-errors';
import { MfaCodeForm } from './mfa-code-form';

const CredentialsSchema = z.object({
  email: z.pipe(
    z.string().check(z.trim(), z.minLength(1, 'Enter your email address')),
    z.email('Enter an email address in the right format, like name@example.org'),
  ),
  password: z.string().check(z.minLength(1, 'Enter your password')),
});

const FIELD_IDS = { email: 'sign-in-email', password: 'sign-in-password' } as const;
const FIELDS = Object.keys(FIELD_IDS);

function validate(values: { email: string; password: string }): FormErrors {
  const result = CredentialsSchema.safeParse(values);
  if (result.success) return noErrors;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? '');
    if (name && !(name in fields)) fields[name] = issue.message;
  }
  return { fields, form: [] };
}

export interface SignInFormProps {
  /** Called once a session has started (after the password, or after the code when asked). */
  onSignedIn: () => void;
}

/** Signing in: e-mail and password, then a code from an authenticator app when the account has one. */
export function SignInForm({ onSignedIn }: SignInFormProps) {
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [attempt, setAttempt] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  const login = useLogin();

  useEffect(() => {
    if (attempt > 0 && hasErrors(errors)) summaryRef.current?.focus();
  }, [attempt, errors]);

  if (mfaToken) {
    return (
      <MfaCodeForm
        mfaToken={mfaToken}
        onSignedIn={onSignedIn}
        onStartAgain={() => {
          setMfaToken(null);
          setPassword('');
          setErrors(noErrors);
        }}
      />
    );
  }

  const showErrors = (next: FormErrors) => {
    setErrors(next);
    setAttempt((count) => count + 1);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (login.isPending) return;
    const values = { email, password };
    const invalid = validate(values);
    if (hasErrors(invalid)) {
      showErrors(invalid);
      return;
    }
    setErrors(noErrors);
    login.mutate(
      { email: email.trim(), password },
      {
        onSuccess: (result) => {
          if (isMfaChallenge(result)) {
            setMfaToken(result.mfaToken);
            return;
          }
          startSession(result);
          onSignedIn();
        },
        onError: (error) => showErrors(describeAuthError(error, FIELDS)),
      },
    );
  };

  const clearField = (name: string) => {
    if (!(name in errors.fields)) return;
    const { [name]: _cleared, ...rest } = errors.fields;
    setErrors({ ...errors, fields: rest });
  };

  return (
    <>
      <ErrorSummary ref={summaryRef} items={summaryItems(errors, FIELD_IDS)} />
      <Form
        className="form"
        onSubmit={onSubmit}
        validationBehavior="aria"
        validationErrors={errors.fields}
        aria-label="Sign in"
      >
        <TextField
          id={FIELD_IDS.email}
          name="email"
          label="Email address"
          type="email"
          autoComplete="username"
          inputMode="email"
          isRequired
          value={email}
          onChange={(value) => {
            setEmail(value);
            clearField('email');
          }}
        />
        <TextField
          id={FIELD_IDS.password}
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          isRequired
          value={password}
          onChange={(value) => {
            setPassword(value);
            clearField('password');
          }}
        />
        <div className="form__actions">
          <Button type="submit" isPending={login.isPending} pendingLabel="Signing in…">
            Sign in
          </Button>
        </div>
      </Form>
    </>
  );
}
