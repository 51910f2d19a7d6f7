import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { DeclarationQuestion, EligibilityOutcome, EligibilityReason } from '@harbour/shared';
import { ts } from './columns';
import { courses } from './courses';
import { users } from './users';

export const participants = pgTable(
  'participants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    /** Stored lower-cased; unique among people not erased. */
    email: text('email').notNull(),
    phone: text('phone'),
    /** Relationship to the person who offended (partner, parent, …). */
    relationship: text('relationship').notNull(),
    preferredContact: text('preferred_contact').notNull().default('email'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    /** Erasure leaves a tombstone: personal fields blanked, this set. */
    erasedAt: ts('erased_at'),
  },
  (t) => [
    uniqueIndex('participants_email_key').on(t.email).where(sql`${t.erasedAt} IS NULL`),
    index('participants_last_name_idx').on(sql`lower(${t.lastName})`),
    index('participants_created_idx').on(t.createdAt, t.id),
  ],
);

/** The exact wording a person agrees to, stored once per version with its SHA-256. */
export const declarationVersions = pgTable(
  'declaration_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id),
    version: integer('version').notNull(),
    text: text('text').notNull(),
    questions: jsonb('questions').$type<DeclarationQuestion[]>().notNull(),
    sha256: text('sha256').notNull(),
    /** When true, declarations made under older versions no longer count. */
    requiresRedeclaration: boolean('requires_redeclaration').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('declaration_versions_course_version_key').on(t.courseId, t.version)],
);

/**
 * Immutable evidence: a new declaration (or a coordinator's review of one) is a new row; a trigger
 * refuses UPDATE and DELETE. `answers` holds the answers as stored by the service (encrypted at rest).
 */
export const declarations = pgTable(
  'declarations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    participantId: uuid('participant_id')
      .notNull()
      .references(() => participants.id),
    declarationVersionId: uuid('declaration_version_id')
      .notNull()
      .references(() => declarationVersions.id),
    channel: text('channel').$type<'self' | 'staff' | 'referral'>().notNull(),
    answers: text('answers').notNull(),
    outcome: text('outcome').$type<EligibilityOutcome>().notNull(),
    reasons: jsonb('reasons').$type<EligibilityReason[]>().notNull(),
    /** Set on a coordinator's resolution of a needs_review declaration. */
    reviewOfId: uuid('review_of_id'),
    reviewNote: text('review_note'),
    enteredBy: uuid('entered_by').references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('declarations_participant_idx').on(t.participantId, t.createdAt),
    index('declarations_outcome_idx').on(t.outcome),
  ],
);
