// Search by name or e-mail. The search is kept in the tab's history, not the address (a name or an
// address has no place in a link or the browser's history list): back and forward bring it back.
// Typing updates it after a short pause.
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { Input, Label, SearchField } from 'react-aria-components/SearchField';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { describeProblem } from '../../../lib/form-errors';
import { OutcomeBadge } from '../../declarations/components/eligibility-outcome';
import { useParticipants } from '../api/list-participants';
import { RELATIONSHIP_LABELS } from '@harbour/shared';

const TYPING_PAUSE_MS = 300;

export interface ParticipantSearchProps {
  q: string;
  onSearch: (q: string) => void;
}

export function ParticipantSearch({ q, onSearch }: ParticipantSearchProps) {
  const [text, setText] = useState(q);

  // The search changed from outside (back button, a referral): show it.
  useEffect(() => setText(q), [q]);

  useEffect(() => {
    if (text.trim() === q.trim()) return;
    const timer = setTimeout(() => onSearch(text.trim()), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, q, onSearch]);

  return (
    <>
      <form
        role="search"
        className="search"
        onSubmit={(event) => {
          event.preventDefault();
          onSearch(text.trim());
        }}
      >
        <SearchField className="field search__field" value={text} onChange={setText} onClear={() => onSearch('')}>
          <Label className="field__label">Search by name or e-mail address</Label>
          <Input className="field__input" id="participant-search" />
        </SearchField>
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>
      <ParticipantResults q={q} />
    </>
  );
}

function ParticipantResults({ q }: { q: string }) {
  const participants = useParticipants(q);

  if (participants.isPending) return <Loading label="Looking for participants…" />;
  if (participants.isError) {
    return (
      <Notice tone="error" title="Participants could not be loaded">
        <p>{describeProblem(participants.error, 'Participants could not be loaded')}</p>
        <Button variant="secondary" onPress={() => void participants.refetch()} isPending={participants.isRefetching}>
          Try again
        </Button>
      </Notice>
    );
  }

  const items = participants.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return q ? (
      <Notice title={`No one matches “${q}”`}>
        <p>
          Check the spelling, or search by e-mail address. If they are new, <Link to="/participants/new">add them</Link>.
        </p>
      </Notice>
    ) : (
      <Notice title="There are no participants yet">
        <p>
          <Link to="/participants/new">Add the first participant</Link>.
        </p>
      </Notice>
    );
  }

  return (
    <>
      <p className="results-count" role="status">
        {q ? `Showing people matching “${q}”` : 'Showing everyone, by last name'}
      </p>
      <div className="table-scroll" role="region" aria-labelledby="participants-caption" tabIndex={0}>
        <table className="table">
          <caption id="participants-caption" className="table__caption">
            Participants
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail address</th>
              <th scope="col">Phone</th>
              <th scope="col">Relationship</th>
              <th scope="col">Eligibility</th>
            </tr>
          </thead>
          <tbody>
            {items.map((person) => (
              <tr key={person.id}>
                <th scope="row" className="table__row-heading">
                  <Link to="/participants/$participantId" params={{ participantId: person.id }}>
                    {person.firstName} {person.lastName}
                  </Link>
                </th>
                <td>{person.email}</td>
                <td>{person.phone ?? '–'}</td>
                <td>{RELATIONSHIP_LABELS[person.relationship]}</td>
                <td>
                  <OutcomeBadge outcome={person.latestOutcome} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {participants.hasNextPage ? (
        <div className="list-more">
          <Button
            variant="secondary"
            onPress={() => void participants.fetchNextPage()}
            isPending={participants.isFetchingNextPage}
            pendingLabel="Loading more…"
          >
            Show more participants
          </Button>
        </div>
      ) : null}
    </>
  );
}
