import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { describeProblem } from '../../../lib/form-errors';
import { useSession } from '../../../lib/session';
import { useMe } from '../api/get-me';
import { MfaSetupFlow } from './mfa-setup';
import { PasswordForm } from './password-form';

export interface AccountSecurityProps {
  /** Where to go once two-step verification has been set up. */
  onMfaDone: () => void;
}

export function AccountSecurity({ onMfaDone }: AccountSecurityProps) {
  const session = useSession();
  const me = useMe();
  const setupRequired = session.status === 'signed-in' && session.mfaSetupRequired;
  // Decided once: switching it on refreshes the session and the account, and the recovery codes
  // must stay on screen until the person has saved them.
  const [flowOpen, setFlowOpen] = useState<boolean | null>(null);
  useEffect(() => {
    if (flowOpen === null && me.data) setFlowOpen(!me.data.mfaEnabled || setupRequired);
  }, [flowOpen, me.data, setupRequired]);

  return (
    <>
      {setupRequired ? (
        <Notice tone="warning" title="Set up two-step verification to carry on">
          <p>
            Harbour holds very sensitive information, so every account needs a second step when signing in. It takes
            about two minutes.
          </p>
        </Notice>
      ) : null}

      <section aria-labelledby="mfa-heading" className="section">
        <h2 id="mfa-heading">Two-step verification</h2>
        {me.isPending ? <Loading label="Loading your account…" /> : null}
        {me.isError ? (
          <Notice tone="error" title="Your account could not be loaded">
            <p>{describeProblem(me.error, 'Your account could not be loaded')}</p>
            <Button variant="secondary" onPress={() => void me.refetch()} isPending={me.isRefetching}>
              Try again
            </Button>
          </Notice>
        ) : null}
        {flowOpen === false && me.data?.mfaEnabled ? (
          <p>
            <span className="badge badge--eligible">On</span> Harbour asks for a code from your authenticator app each
            time you sign in. If you lose your phone, use a recovery code, or ask an administrator to reset it.
          </p>
        ) : null}
        {flowOpen ? (
          <MfaSetupFlow
            onDone={() => {
              setFlowOpen(false);
              onMfaDone();
            }}
          />
        ) : null}
      </section>

      {!setupRequired ? (
        <section aria-labelledby="password-heading" className="section">
          <h2 id="password-heading">Password</h2>
          <PasswordForm />
        </section>
      ) : null}
    </>
  );
}
