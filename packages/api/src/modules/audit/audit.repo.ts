import { and, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { prepared } from '../../db/prepared';
import { auditEvents } from '../../db/schema/index';

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type NewAuditEventRow = typeof auditEvents.$inferInsert;

export async function insertAuditEvent(db: Db, values: NewAuditEventRow): Promise<void> {
  await insertAuditEvents(db, [values]);
}

/**
 * Events in one statement (the audit writer's group commit), prepared once for any number of them:
 * each column is one array parameter, unnested into rows (roles as JSON text, since an array of arrays
 * does not unnest into rows). Every request writes one, so it is never re-parsed.
 */
export async function insertAuditEvents(db: Db, rows: NewAuditEventRow[]): Promise<void> {
  if (rows.length === 0) return;
  const p = (name: string, type: string) => sql`${sql.placeholder(name)}::${sql.raw(type)}[]`;
  await prepared(db, 'audit_insert', (db, name) =>
    db
      .insert(auditEvents)
      .select(
        sql`SELECT gen_random_uuid(), e.at, e.actor_kind, e.actor_id, ARRAY(SELECT jsonb_array_elements_text(e.roles::jsonb)),
                   e.action, e.entity_type, e.entity_id, e.outcome, e.status_code, e.ip, e.request_id,
                   CASE WHEN e.subjects IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(e.subjects::jsonb))::uuid[] END
            FROM unnest(${p('at', 'timestamptz')}, ${p('actorKind', 'text')}, ${p('actorId', 'uuid')}, ${p('roles', 'text')},
                        ${p('action', 'text')}, ${p('entityType', 'text')}, ${p('entityId', 'text')}, ${p('outcome', 'text')},
                        ${p('statusCode', 'int')}, ${p('ip', 'text')}, ${p('requestId', 'text')}, ${p('subjects', 'text')})
              AS e(at, actor_kind, actor_id, roles, action, entity_type, entity_id, outcome, status_code, ip, request_id, subjects)`,
      )
      .prepare(name),
  ).execute({
    at: rows.map((r) => r.at ?? new Date()),
    actorKind: rows.map((r) => r.actorKind),
    actorId: rows.map((r) => r.actorId ?? null),
    roles: rows.map((r) => JSON.stringify(r.actorRoles ?? [])),
    action: rows.map((r) => r.action),
    entityType: rows.map((r) => r.entityType ?? null),
    entityId: rows.map((r) => r.entityId ?? null),
    outcome: rows.map((r) => r.outcome),
    statusCode: rows.map((r) => r.statusCode ?? null),
    ip: rows.map((r) => r.ip ?? null),
    requestId: rows.map((r) => r.requestId ?? null),
    subjects: rows.map((r) => (r.subjectIds?.length ? JSON.stringify(r.subjectIds) : null)),
  });
}

export interface AuditEventFilter {
  actorId?: string;
  entityType?: string;
  entityId?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

/** Keyset page, newest first, ordered by (at, id) descending; `before` is the last row's key. */
export async function listAuditEvents(
  db: Db,
  opts: { filter: AuditEventFilter; limit: number; before?: { at: Date; id: string } },
): Promise<AuditEventRow[]> {
  const { filter, before } = opts;
  const where: (SQL | undefined)[] = [
    filter.actorId ? eq(auditEvents.actorId, filter.actorId) : undefined,
    filter.entityType ? eq(auditEvents.entityType, filter.entityType) : undefined,
    filter.entityId ? eq(auditEvents.entityId, filter.entityId) : undefined,
    filter.action ? eq(auditEvents.action, filter.action) : undefined,
    filter.from ? gte(auditEvents.at, filter.from) : undefined,
    filter.to ? lt(auditEvents.at, filter.to) : undefined,
    before ? or(lt(auditEvents.at, before.at), and(eq(auditEvents.at, before.at), lt(auditEvents.id, before.id))) : undefined,
  ];
  return db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(opts.limit);
}
