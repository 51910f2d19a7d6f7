import { getRouteApi, Link, useNavigate, useRouterState } from '@tanstack/react-router';
import { useCallback } from 'react';
import { ParticipantSearch } from '../../features/participants/components/participant-search';
import { useReferral } from '../../features/referrals/api/get-referral';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/participants');

export function ParticipantsPage() {
  useDocumentTitle('Participants');
  const { referralId } = route.useSearch();
  const typed = useRouterState({ select: (s) => s.location.state.participantSearch });
  // Come from a referral: look for its person (by e-mail, else name) until something else is typed.
  const referral = useReferral(typed === undefined ? referralId : undefined);
  const fromReferral = referral.data ? (referral.data.person.email ?? `${referral.data.person.firstName} ${referral.data.person.lastName}`) : '';
  const q = typed ?? fromReferral;
  const navigate = useNavigate();
  const onSearch = useCallback(
    (next: string) => void navigate({ to: '/participants', search: {}, state: { participantSearch: next }, replace: true }),
    [navigate],
  );
  return (
    <>
      <div className="page-heading">
        <h1>Participants</h1>
        <Link to="/participants/new" className="button button--primary">
          Add a participant
        </Link>
      </div>
      <p className="lead">Find someone by name or e-mail address to see their declarations or enrol them.</p>
      <ParticipantSearch q={q} onSearch={onSearch} />
    </>
  );
}
