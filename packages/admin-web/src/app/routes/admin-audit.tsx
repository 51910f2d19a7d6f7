import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { RequirePermission } from '../../features/admin/components/admin-common';
import { AuditAdmin } from '../../features/admin/components/audit-admin';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/admin/audit');

export function AdminAuditPage() {
  useDocumentTitle('Audit events');
  const filters = route.useSearch();
  const navigate = useNavigate();
  return (
    <>
      <h1>Audit events</h1>
      <p className="lead">Who did or read what, and when. Reads of a participant’s record are here too.</p>
      <RequirePermission action="audit:read">
        <AuditAdmin filters={filters} onFilter={(next) => void navigate({ to: '/admin/audit', search: next })} />
      </RequirePermission>
    </>
  );
}
