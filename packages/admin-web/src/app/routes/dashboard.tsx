import { Dashboard } from '../../features/dashboard/components/dashboard';
import { useSession } from '../../lib/session';
import { useDocumentTitle } from '../../lib/use-document-title';

export function DashboardPage() {
  useDocumentTitle('Dashboard');
  const session = useSession();
  const roles = session.status === 'signed-in' ? session.user.roles : [];
  return (
    <>
      <h1>Dashboard</h1>
      <p className="lead">What needs attention: cohorts coming up, people with an offer, declarations to review and referrals to contact.</p>
      <Dashboard roles={roles} />
    </>
  );
}
