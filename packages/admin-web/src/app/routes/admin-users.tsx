import { RequirePermission } from '../../features/admin/components/admin-common';
import { UsersAdmin } from '../../features/admin/components/users-admin';
import { useDocumentTitle } from '../../lib/use-document-title';

export function AdminUsersPage() {
  useDocumentTitle('Staff and roles');
  return (
    <>
      <h1>Staff and roles</h1>
      <p className="lead">Who can sign in to Harbour, and what each person may do.</p>
      <RequirePermission action="users:manage">
        <UsersAdmin />
      </RequirePermission>
    </>
  );
}
