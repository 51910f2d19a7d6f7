import type { AuditActorKind, AuditEvent, AuditEventListQuery, AuditOutcome } from '@harbour/shared';
import type { Db } from '../../db/client';
import { isSingleSession } from '../../db/prepared';
import { AppError } from '../../lib/app-error';
import { decodeCursor, toPage } from '../../lib/cursor';
import { insertAuditEvent, insertAuditEvents, listAuditEvents, type AuditEventRow, type NewAuditEventRow } from './audit.repo';

/** One audit event. Ids and names of things only: never a body, an e-mail, a name or an answer. */
export interface AuditEventInput {
  actorKind: AuditActorKind;
  actorId?: string | null;
  actorRoles?: readonly string[];
  /** A route's operationId, or an event name such as 'auth.login.failed' or 'safeguardingConcern.read'. */
  action: string;
  /** Singular, snake_case: 'participant', 'safeguarding_concern', ... */
  entityType?: string | null;
  entityId?: string | null;
  outcome: AuditOutcome;
  statusCode?: number | null;
  ip?: string | null;
  requestId?: string | null;
  /** The participants a list answer showed. */
  subjectIds?: readonly string[] | null;
  /** Defaults to now. */
  at?: Date;
}

/**
 * Records one audit event with `db`; inside a service's transaction pass its `tx`, so the event is
 * committed (or rolled back) with the change it describes. Errors propagate: the caller decides.
 */
export async function recordAuditEvent(db: Db, event: AuditEventInput): Promise<void> {
  await insertAuditEvent(db, auditRowOf(event));
}

function auditRowOf(event: AuditEventInput): NewAuditEventRow {
  return {
    at: event.at ?? new Date(),
    actorKind: event.actorKind,
    actorId: event.actorId ?? null,
    actorRoles: [...(event.actorRoles ?? [])],
    action: event.action,
    entityType: event.entityType ?? null,
    entityId: event.entityId ?? null,
    outcome: event.outcome,
    statusCode: event.statusCode ?? null,
    ip: event.ip ?? null,
    requestId: event.requestId ?? null,
    subjectIds: event.subjectIds?.length ? [...event.subjectIds] : null,
  };
}

export interface AuditWriter {
  /** Resolves once the event is committed; rejects if it could not be stored. */
  record(event: AuditEventInput): Promise<void>;
}

/**
 * Group commit for events recorded outside a service's transaction (the audit plugin): while one
 * INSERT is being written, the events of other requests queue and then go together in the next one,
 * so under load many requests share one statement and one commit instead of paying for one each.
 * `record` still resolves only once its own event is committed: an answer never leaves before its
 * record is stored. A batch that fails is retried one event at a time, so one bad event fails only
 * its own request. With no concurrency a batch is a single event, written at once.
 *
 * One slow INSERT does not hold everyone else's record: when every INSERT under way has taken longer
 * than `stallMs`, the next event starts another writer beside it (at most `maxWriters`). PostgreSQL
 * makes an INSERT slow now and then on purpose: the one that finds the pending list of the GIN index
 * on subject_ids full merges the whole list into the index (a fifth of a second under bench load), and
 * concurrent INSERTs carry on past that merge without waiting for it. On PGlite there is one writer:
 * its one session runs one statement at a time, so a second INSERT would only wait behind the first
 * and split the batches. `insert` is for tests that hold one INSERT back.
 */
export function auditWriter(
  db: Db,
  opts: { maxBatch?: number; stallMs?: number; maxWriters?: number; insert?: typeof insertAuditEvents } = {},
): AuditWriter {
  const { maxBatch = 500, stallMs = 20, maxWriters = isSingleSession(db) ? 1 : 3, insert = insertAuditEvents } = opts;
  const queue: { row: NewAuditEventRow; resolve: () => void; reject: (err: unknown) => void }[] = [];
  /** The writers at work, each with the time its current INSERT started. */
  const writers = new Set<{ since: number }>();

  const write = async () => {
    const writer = { since: performance.now() };
    writers.add(writer);
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        writer.since = performance.now();
        try {
          await insert(db, batch.map((p) => p.row));
          for (const p of batch) p.resolve();
        } catch (err) {
          if (batch.length === 1) batch[0]!.reject(err);
          else for (const p of batch) await insert(db, [p.row]).then(p.resolve, p.reject);
        }
      }
    } finally {
      writers.delete(writer);
    }
  };

  const allStalled = () => {
    const now = performance.now();
    for (const w of writers) if (now - w.since < stallMs) return false;
    return true;
  };

  return {
    record(event) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ row: auditRowOf(event), resolve, reject });
        if (writers.size === 0 || (writers.size < maxWriters && allStalled())) void write();
      });
    },
  };
}

/** success below 400; denied for 401/403 (and 429, a refused attempt); failed otherwise. */
export function outcomeOf(statusCode: number): AuditOutcome {
  if (statusCode < 400) return 'success';
  if (statusCode === 401 || statusCode === 403 || statusCode === 429) return 'denied';
  return 'failed';
}

function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorKind: row.actorKind,
    actorId: row.actorId,
    actorRoles: row.actorRoles,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    outcome: row.outcome,
    statusCode: row.statusCode,
    ip: row.ip,
    requestId: row.requestId,
    subjectIds: row.subjectIds ?? [],
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listAuditEventPage(db: Db, query: AuditEventListQuery) {
  let before: { at: Date; id: string } | undefined;
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    const date = new Date(String(at));
    if (Number.isNaN(date.getTime()) || !UUID.test(String(id))) {
      throw new AppError('VALIDATION_FAILED', 400, 'The cursor is not valid.', {
        errors: [{ path: 'cursor', message: 'Use the nextCursor of a previous page.' }],
      });
    }
    before = { at: date, id: String(id) };
  }
  const rows = await listAuditEvents(db, {
    filter: {
      actorId: query.actorId,
      entityType: query.entityType,
      entityId: query.entityId,
      action: query.action,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    },
    limit: query.limit + 1,
    before,
  });
  const page = toPage(rows, query.limit, (r) => [r.at.toISOString(), r.id]);
  return { items: page.items.map(toAuditEvent), nextCursor: page.nextCursor };
}
