import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { AuditActorKind, AuditOutcome } from '@harbour/shared';

/**
 * The audit trail: who did or read what, when, from where. Append-only (a trigger refuses UPDATE,
 * DELETE and TRUNCATE, migration 'audit_events_append_only'). Ids only: never bodies, e-mails or names.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Millisecond precision, so a JS Date round-trips exactly (keyset cursors compare it). */
    at: timestamp('at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    actorKind: text('actor_kind').$type<AuditActorKind>().notNull(),
    /** A staff user or partner id; null for anonymous and system. No foreign key: the trail outlives accounts. */
    actorId: uuid('actor_id'),
    actorRoles: text('actor_roles').array().notNull().default([]),
    /** The route's operationId (e.g. getParticipant) or an event name (auth.login.succeeded). */
    action: text('action').notNull(),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    outcome: text('outcome').$type<AuditOutcome>().notNull(),
    statusCode: integer('status_code'),
    ip: text('ip'),
    requestId: text('request_id'),
    /** The people a read of a list showed (a search, the review queue, a roster): their access logs include it. */
    subjectIds: uuid('subject_ids').array(),
  },
  (t) => [
    index('audit_events_subjects_idx').using('gin', t.subjectIds),
    index('audit_events_at_idx').on(t.at, t.id),
    index('audit_events_entity_idx').on(t.entityType, t.entityId),
    index('audit_events_actor_idx').on(t.actorId),
  ],
);
