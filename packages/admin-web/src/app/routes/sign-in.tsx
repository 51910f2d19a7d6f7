import { getRouteApi, useRouter } from '@tanstack/react-router';
import { PlainLayout } from '../../components/layouts/plain-layout';
import { Notice } from '../../components/ui/notice';
import { SignInForm } from '../../features/auth/components/sign-in-form';
import { safeRedirect } from '../../lib/safe-redirect';
import { getSession } from '../../lib/session';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/sign-in');

export function SignInPage() {
  useDocumentTitle('Sign in');
  const router = useRouter();
  const { redirect } = route.useSearch();
  const session = getSession();
  const endReason = session.status === 'signed-out' ? session.endReason : null;

  return (
    <PlainLayout narrow>
      <h1>Sign in</h1>
      {endReason === 'expired' ? (
        <Notice title="You have been signed out">
          <p>Your session ended, so we signed you out to keep information safe. Please sign in again to carry on.</p>
        </Notice>
      ) : null}
      {endReason === 'signed-out' ? (
        <Notice tone="success">
          <p>You have signed out.</p>
        </Notice>
      ) : null}
      <p className="lead">Sign in with the email address and password for your Harbour staff account.</p>
      <SignInForm onSignedIn={() => void router.navigate({ href: safeRedirect(redirect), replace: true })} />
    </PlainLayout>
  );
}
