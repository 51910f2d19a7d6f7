import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { AccountSecurity } from '../../features/account/components/account-security';
import { safeRedirect } from '../../lib/safe-redirect';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/account/security');

export function AccountSecurityPage() {
  useDocumentTitle('Account security');
  const { redirect } = route.useSearch();
  const navigate = useNavigate();
  return (
    <>
      <h1>Account security</h1>
      <AccountSecurity onMfaDone={() => void navigate({ href: safeRedirect(redirect, '/'), replace: true })} />
    </>
  );
}
