import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { RequirePermission } from '../../features/admin/components/admin-common';
import { SafeguardingAdmin } from '../../features/admin/components/safeguarding-admin';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/admin/safeguarding');

export function AdminSafeguardingPage() {
  useDocumentTitle('Safeguarding concerns');
  const { status = 'open' } = route.useSearch();
  const navigate = useNavigate();
  return (
    <>
      <h1>Safeguarding concerns</h1>
      <RequirePermission action="safeguarding:read">
        <SafeguardingAdmin
          status={status}
          onStatus={(next) => void navigate({ to: '/admin/safeguarding', search: next === 'open' ? {} : { status: next } })}
        />
      </RequirePermission>
    </>
  );
}
