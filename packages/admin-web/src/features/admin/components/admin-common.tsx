// Pieces every administration page uses: the permission gate, list errors, "show more", and the
// panel for a secret that is shown once (a set-password link, an API key).
import { can, formatLondon, type Action } from '@harbour/shared';
import type { ReactNode } from 'react';
import { Button } from '../../../components/ui/button';
import { CopyButton } from '../../../components/ui/copy-button';
import { Notice } from '../../../components/ui/notice';
import { describeProblem } from '../../../lib/form-errors';
import { useSession } from '../../../lib/session';

export function useCan(action: Action): boolean {
  const session = useSession();
  return session.status === 'signed-in' && can(session.user.roles, action);
}

/** The API refuses these pages to other roles anyway; this says so kindly instead of an error. */
export function RequirePermission({ action, children }: { action: Action; children: ReactNode }) {
  if (!useCan(action)) {
    return (
      <Notice title="Your account cannot see this page">
        <p>If you need it for your work, please speak to your Harbour administrator.</p>
      </Notice>
    );
  }
  return <>{children}</>;
}

interface ListQuery {
  error: unknown;
  refetch: () => unknown;
  isRefetching: boolean;
}

export function ListError({ query, what }: { query: ListQuery; what: string }) {
  return (
    <Notice tone="error" title={`${what} could not be loaded`}>
      <p>{describeProblem(query.error, `${what} could not be loaded`)}</p>
      <Button variant="secondary" onPress={() => void query.refetch()} isPending={query.isRefetching}>
        Try again
      </Button>
    </Notice>
  );
}

export interface OneTimeSecretProps {
  title: string;
  /** What the secret is, in a sentence; it is shown once and never again. */
  children: ReactNode;
  secret: string;
  copyLabel: string;
  expiresAt?: string;
  onDismiss: () => void;
}

export function OneTimeSecret({ title, children, secret, copyLabel, expiresAt, onDismiss }: OneTimeSecretProps) {
  return (
    <div className="one-time-secret" role="region" aria-label={title}>
      <Notice tone="warning" title={title}>
        {children}
        <p className="secret secret--url">
          <code>{secret}</code>
        </p>
        {expiresAt ? <p>It works once, until {formatLondon(expiresAt)}.</p> : null}
        <div className="form__actions">
          <CopyButton text={secret} label={copyLabel} />
          <Button variant="link" onPress={onDismiss}>
            I have copied it: hide it
          </Button>
        </div>
      </Notice>
    </div>
  );
}

export function DateTime({ value }: { value: string | null | undefined }) {
  if (!value) return <>–</>;
  return <time dateTime={value}>{formatLondon(value, { weekday: false })}</time>;
}
