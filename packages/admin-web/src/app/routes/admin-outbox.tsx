import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { RequirePermission } from '../../features/admin/components/admin-common';
import { OutboxAdmin } from '../../features/admin/components/outbox-admin';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/admin/outbox');

export function AdminOutboxPage() {
  useDocumentTitle('Outgoing messages');
  const filters = route.useSearch();
  const navigate = useNavigate();
  return (
    <>
      <h1>Outgoing messages</h1>
      <p className="lead">
        E-mails and webhook deliveries to partners. A held e-mail was not sent because no mail server is set up: pass
        it on by hand.
      </p>
      <RequirePermission action="outbox:read">
        <OutboxAdmin filters={filters} onFilter={(next) => void navigate({ to: '/admin/outbox', search: next })} />
      </RequirePermission>
    </>
  );
}
