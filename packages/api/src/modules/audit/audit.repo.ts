import { and, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditEvents } from '../../db/schema/index';

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type NewAuditEventRow = typeof auditEvents.$inferInsert;

export async function insertAuditEvent(db: Db, values: NewAuditEventRow): Promise<void> {
  await db.insert(auditEvents).values(values);
}

/** Many events in one statement (the audit writer's group commit). */
export async function insertAuditEvents(db: Db, values: NewAuditEventRow[]): Promise<void> {
  if (values.length > 0) await db.insert(auditEvents).values(values);
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
