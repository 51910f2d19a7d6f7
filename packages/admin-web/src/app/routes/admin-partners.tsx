import { RequirePermission } from '../../features/admin/components/admin-common';
import { PartnersAdmin } from '../../features/admin/components/partners-admin';
import { useDocumentTitle } from '../../lib/use-document-title';

export function AdminPartnersPage() {
  useDocumentTitle('Partners and API keys');
  return (
    <>
      <h1>Partners and API keys</h1>
      <p className="lead">Organisations that refer people to the course through the API, and the keys they use.</p>
      <RequirePermission action="partners:manage">
        <PartnersAdmin />
      </RequirePermission>
    </>
  );
}
