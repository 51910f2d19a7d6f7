// Messages waiting to go, sent, held (no mail server: pass them on by hand) or failed: e-mails and
// webhook deliveries to partners alike. Filters live in the address.
import { OUTBOX_KINDS, OUTBOX_STATUSES } from '@harbour/shared';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { Select } from '../../../components/ui/select';
import { useOutbox, type OutboxFilters } from '../api/list-outbox';
import { DateTime, ListError } from './admin-common';
import { ShowMore } from '../../../components/ui/show-more';

const STATUS_LABELS = { pending: 'Waiting', delivered: 'Delivered', held: 'Held (no mail server)', failed: 'Failed', cancelled: 'Cancelled' } as const;
const KIND_LABELS = { email: 'E-mail', webhook: 'Webhook delivery' } as const;

export function OutboxAdmin({ filters, onFilter }: { filters: OutboxFilters; onFilter: (filters: OutboxFilters) => void }) {
  const messages = useOutbox(filters);
  return (
    <>
      <div className="filters" role="group" aria-label="Filter messages">
        <Select
          id="outbox-status"
          name="status"
          label="Status"
          options={[{ value: 'all', label: 'Any status' }, ...OUTBOX_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))]}
          value={filters.status ?? 'all'}
          onChange={(v) => onFilter({ ...filters, status: v === 'all' ? undefined : (v as OutboxFilters['status']) })}
        />
        <Select
          id="outbox-kind"
          name="kind"
          label="Kind"
          options={[{ value: 'all', label: 'E-mails and webhooks' }, ...OUTBOX_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))]}
          value={filters.kind ?? 'all'}
          onChange={(v) => onFilter({ ...filters, kind: v === 'all' ? undefined : (v as OutboxFilters['kind']) })}
        />
      </div>
      {messages.isPending ? <Loading label="Loading messages…" /> : null}
      {messages.isError ? <ListError query={messages} what="Messages" /> : null}
      {messages.data ? (
        messages.data.pages.every((page) => page.items.length === 0) ? (
          <Notice title="No messages match">
            <p>Nothing has been sent with these filters.</p>
          </Notice>
        ) : (
          <>
            <div className="table-scroll" role="region" aria-labelledby="outbox-caption" tabIndex={0}>
              <table className="table">
                <caption id="outbox-caption" className="table__caption">
                  Outgoing messages, newest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Created</th>
                    <th scope="col">Kind</th>
                    <th scope="col">To</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                  </tr>
                </thead>
                <tbody>
                  {messages.data.pages.flatMap((page) => page.items).map((message) => (
                    <tr key={message.id}>
                      <td>
                        <DateTime value={message.createdAt} />
                      </td>
                      <td>
                        {KIND_LABELS[message.kind]}
                        <span className="table__note">{message.topic}</span>
                      </td>
                      <td>
                        {message.recipient ?? (message.partnerId ? 'Partner webhook' : '–')}
                        {message.subject ? (
                          <details className="details">
                            <summary>{message.subject}</summary>
                            <pre className="message-text">{message.text}</pre>
                          </details>
                        ) : null}
                      </td>
                      <td>
                        {STATUS_LABELS[message.status]}
                        {message.deliveredAt ? (
                          <span className="table__note">
                            <DateTime value={message.deliveredAt} />
                          </span>
                        ) : null}
                        {message.nextAttemptAt && message.status === 'pending' ? (
                          <span className="table__note">
                            Next try <DateTime value={message.nextAttemptAt} />
                          </span>
                        ) : null}
                        {message.lastError ? <span className="table__note">{message.lastError}</span> : null}
                      </td>
                      <td>{message.attempts}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ShowMore query={messages} label="Show older messages" />
          </>
        )
      ) : null}
    </>
  );
}
