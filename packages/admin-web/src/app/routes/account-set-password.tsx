import { getRouteApi } from '@tanstack/react-router';
import { PlainLayout } from '../../components/layouts/plain-layout';
import { SetPasswordForm } from '../../features/account/components/set-password-form';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/set-password');

export function SetPasswordPage() {
  useDocumentTitle('Choose your password');
  const { token } = route.useSearch();
  return (
    <PlainLayout narrow>
      <h1>Choose your password</h1>
      <SetPasswordForm token={token} />
    </PlainLayout>
  );
}
