import { DECLARATION_CHANNEL_LABELS, REASON_LABELS, formatLondon } from '@harbour/shared';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { describeProblem } from '../../../lib/form-errors';
import { useParticipantDeclarations } from '../api/list-participant-declarations';
import { OutcomeBadge } from './eligibility-outcome';

/** Every declaration a person has made, newest first: nothing is edited, a new one supersedes the last. */
export function DeclarationHistory({ participantId }: { participantId: string }) {
  const history = useParticipantDeclarations(participantId);

  if (history.isPending) return <Loading label="Loading declarations…" />;
  if (history.isError) {
    return (
      <Notice tone="error" title="Declarations could not be loaded">
        <p>{describeProblem(history.error, 'Declarations could not be loaded')}</p>
        <Button variant="secondary" onPress={() => void history.refetch()} isPending={history.isRefetching}>
          Try again
        </Button>
      </Notice>
    );
  }
  const items = history.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <p>No declarations have been recorded for this person yet.</p>;

  return (
    <>
      <div className="table-scroll" role="region" aria-labelledby="declarations-caption" tabIndex={0}>
        <table className="table">
          <caption id="declarations-caption" className="table__caption">
            Declaration history, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Outcome</th>
              <th scope="col">Wording</th>
              <th scope="col">How</th>
              <th scope="col">Entered by</th>
            </tr>
          </thead>
          <tbody>
            {items.map((record, index) => (
              <tr key={record.id}>
                <th scope="row" className="table__row-heading">
                  {formatLondon(record.createdAt)}
                  {index === 0 ? <span className="table__note">Latest: this is the one that counts</span> : null}
                </th>
                <td>
                  <OutcomeBadge outcome={record.outcome} />
                  {record.reviewOfId ? <span className="table__note">Coordinator’s review{record.reviewNote ? `: ${record.reviewNote}` : ''}</span> : null}
                  {record.reasons.length > 0 ? (
                    <ul className="reason-list reason-list--compact">
                      {record.reasons.map((reason) => (
                        <li key={reason}>{REASON_LABELS[reason]}</li>
                      ))}
                    </ul>
                  ) : null}
                </td>
                <td>Version {record.version}</td>
                <td>{DECLARATION_CHANNEL_LABELS[record.channel]}</td>
                <td>{record.enteredBy?.name ?? 'The participant'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {history.hasNextPage ? (
        <div className="list-more">
          <Button variant="secondary" onPress={() => void history.fetchNextPage()} isPending={history.isFetchingNextPage} pendingLabel="Loading more…">
            Show older declarations
          </Button>
        </div>
      ) : null}
    </>
  );
}
