import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { SafeguardingStatus } from '@harbour/shared';
import { cohorts } from './cohorts';
import { ts } from './columns';
import { participants } from './participants';
import { users } from './users';

/**
 * Safeguarding concerns about a participant and/or a cohort. Read and resolved only by safeguarding
 * leads and admins; never in exports, partner views or webhooks. The texts are encrypted at rest
 * (lib/encryption.ts, fields safeguarding_concerns.summary / .resolution). Kept under their own
 * retention rule (SAFEGUARDING_RETENTION_MONTHS after resolution), also after the participant's erasure.
 */
export const safeguardingConcerns = pgTable(
  'safeguarding_concerns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    participantId: uuid('participant_id').references(() => participants.id),
    cohortId: uuid('cohort_id').references(() => cohorts.id),
    raisedBy: uuid('raised_by')
      .notNull()
      .references(() => users.id),
    /** Millisecond precision (set from a JS Date), so keyset cursors round-trip exactly. */
    raisedAt: ts('raised_at').notNull(),
    summaryEnc: text('summary_enc').notNull(),
    status: text('status').$type<SafeguardingStatus>().notNull().default('open'),
    resolvedBy: uuid('resolved_by').references(() => users.id),
    resolvedAt: ts('resolved_at'),
    resolutionEnc: text('resolution_enc'),
  },
  (t) => [
    check('safeguarding_concerns_subject', sql`${t.participantId} IS NOT NULL OR ${t.cohortId} IS NOT NULL`),
    check('safeguarding_concerns_status_valid', sql`${t.status} IN ('open','resolved')`),
    check(
      'safeguarding_concerns_resolved_fields',
      sql`(${t.status} = 'open') = (${t.resolvedAt} IS NULL AND ${t.resolvedBy} IS NULL AND ${t.resolutionEnc} IS NULL)`,
    ),
    index('safeguarding_concerns_raised_idx').on(t.raisedAt, t.id),
    index('safeguarding_concerns_status_idx').on(t.status, t.resolvedAt),
    index('safeguarding_concerns_participant_idx').on(t.participantId),
    index('safeguarding_concerns_cohort_idx').on(t.cohortId),
  ],
);
