import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { RequirePermission } from '../../features/admin/components/admin-common';
import { ReferralsInbox } from '../../features/referrals/components/referrals-inbox';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/referrals');

export function ReferralsPage() {
  useDocumentTitle('Referrals');
  const { status } = route.useSearch();
  const navigate = useNavigate();
  return (
    <>
      <h1>Referrals</h1>
      <p className="lead">People referred by partner organisations, with their consent. Contact them, then record what happened.</p>
      <RequirePermission action="referrals:read">
        <ReferralsInbox status={status} onStatus={(next) => void navigate({ to: '/referrals', search: next ? { status: next } : {} })} />
      </RequirePermission>
    </>
  );
}
