import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useCallback } from 'react';
import { ParticipantSearch } from '../../features/participants/components/participant-search';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/participants');

export function ParticipantsPage() {
  useDocumentTitle('Participants');
  const { q = '' } = route.useSearch();
  const navigate = useNavigate();
  const onSearch = useCallback(
    (next: string) => void navigate({ to: '/participants', search: next ? { q: next } : {}, replace: true }),
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
