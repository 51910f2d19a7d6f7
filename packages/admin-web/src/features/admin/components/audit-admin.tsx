// Who did or read what, and when. Filters live in the address so a search can be shared or revisited.
import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { TextField } from '../../../components/ui/text-field';
import { useAuditEvents, type AuditFilters } from '../api/list-audit-events';
import { DateTime, ListError } from './admin-common';
import { ShowMore } from '../../../components/ui/show-more';

const OUTCOME_LABELS = { success: 'Done', denied: 'Refused', failed: 'Failed' } as const;

export function AuditAdmin({ filters, onFilter }: { filters: AuditFilters; onFilter: (filters: AuditFilters) => void }) {
  const events = useAuditEvents(filters);
  const [draft, setDraft] = useState<AuditFilters>(filters);
  useEffect(() => setDraft(filters), [filters]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const clean = Object.fromEntries(Object.entries(draft).filter(([, v]) => typeof v === 'string' && v.trim())) as AuditFilters;
    onFilter(clean);
  };

  return (
    <>
      <form className="filters" onSubmit={onSubmit} aria-label="Filter audit events">
        <TextField id="audit-action" name="action" label="Action" description="e.g. getParticipant, auth.login.failed" value={draft.action ?? ''} onChange={(v) => setDraft({ ...draft, action: v })} />
        <TextField id="audit-entity-type" name="entityType" label="Record type" description="e.g. participant, cohort, user" value={draft.entityType ?? ''} onChange={(v) => setDraft({ ...draft, entityType: v })} />
        <TextField id="audit-entity-id" name="entityId" label="Record id" value={draft.entityId ?? ''} onChange={(v) => setDraft({ ...draft, entityId: v })} />
        <TextField id="audit-actor-id" name="actorId" label="Staff id" value={draft.actorId ?? ''} onChange={(v) => setDraft({ ...draft, actorId: v })} />
        <div className="filters__actions">
          <Button type="submit">Filter</Button>
          <Button variant="link" onPress={() => onFilter({})}>
            Clear filters
          </Button>
        </div>
      </form>
      {events.isPending ? <Loading label="Loading audit events…" /> : null}
      {events.isError ? <ListError query={events} what="Audit events" /> : null}
      {events.data ? (
        events.data.pages.every((page) => page.items.length === 0) ? (
          <Notice title="No events match">
            <p>Try fewer filters.</p>
          </Notice>
        ) : (
          <>
            <div className="table-scroll" role="region" aria-labelledby="audit-caption" tabIndex={0}>
              <table className="table">
                <caption id="audit-caption" className="table__caption">
                  Audit events, newest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">Record</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">From</th>
                  </tr>
                </thead>
                <tbody>
                  {events.data.pages.flatMap((page) => page.items).map((event) => (
                    <tr key={event.id}>
                      <td>
                        <DateTime value={event.at} />
                      </td>
                      <td>
                        {event.actorKind}
                        {event.actorRoles.length > 0 ? ` (${event.actorRoles.join(', ')})` : ''}
                        {event.actorId ? <span className="table__note mono">{event.actorId}</span> : null}
                      </td>
                      <td>
                        <code>{event.action}</code>
                      </td>
                      <td>
                        {event.entityType ?? '–'}
                        {event.entityId ? <span className="table__note mono">{event.entityId}</span> : null}
                      </td>
                      <td>
                        {OUTCOME_LABELS[event.outcome]}
                        {event.statusCode ? ` (${event.statusCode})` : ''}
                      </td>
                      <td>{event.ip ?? '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ShowMore query={events} label="Show older events" />
          </>
        )
      ) : null}
    </>
  );
}
