import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { PartnerScope, ReferralDeclineReason, ReferralStatus, Relationship } from '@harbour/shared';
import { ts } from './columns';
import { enrolments } from './enrolments';
import { participants } from './participants';
import { users } from './users';

/** A partner organisation (probation service, charity, helpline) that refers people by API. */
export const partners = pgTable(
  'partners',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    contactEmail: text('contact_email'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('partners_name_key').on(sql`lower(${t.name})`), index('partners_created_idx').on(t.createdAt, t.id)],
);

/**
 * A partner's API key. Only the sha256 of the key is kept (the key is 256 random bits, so no slow
 * hash is needed); `prefix` (the first characters) finds the row and lets people recognise a key.
 */
export const partnerApiKeys = pgTable(
  'partner_api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    label: text('label'),
    scopes: text('scopes').array().$type<PartnerScope[]>().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Written at most once a minute. */
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
    revokedBy: uuid('revoked_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('partner_api_keys_key_hash_key').on(t.keyHash),
    index('partner_api_keys_prefix_idx').on(t.prefix),
    index('partner_api_keys_partner_idx').on(t.partnerId, t.createdAt),
  ],
);

/** A person referred by a partner, with their consent. No offence detail. */
export const referrals = pgTable(
  'referrals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id),
    /** The key that sent it (kept when the key is revoked). */
    apiKeyId: uuid('api_key_id').references(() => partnerApiKeys.id),
    status: text('status').$type<ReferralStatus>().notNull().default('received'),
    personFirstName: text('person_first_name').notNull(),
    personLastName: text('person_last_name').notNull(),
    personEmail: text('person_email'),
    personPhone: text('person_phone'),
    relationship: text('relationship').$type<Relationship>().notNull(),
    /** Always true: a referral without consent is refused. Kept as evidence of what the partner stated. */
    consentToShare: boolean('consent_to_share').notNull(),
    referrerName: text('referrer_name').notNull(),
    referrerEmail: text('referrer_email').notNull(),
    referrerPhone: text('referrer_phone'),
    /** Staff only; never shown to partners. Encrypted at rest (lib/encryption.ts, field referrals.note). */
    note: text('note'),
    declineReason: text('decline_reason').$type<ReferralDeclineReason>(),
    participantId: uuid('participant_id').references(() => participants.id),
    enrolmentId: uuid('enrolment_id').references(() => enrolments.id),
    statusChangedAt: ts('status_changed_at').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('referrals_consent_given', sql`${t.consentToShare}`),
    check('referrals_contact_route', sql`${t.personEmail} IS NOT NULL OR ${t.personPhone} IS NOT NULL`),
    check(
      'referrals_status_valid',
      sql`${t.status} IN ('received','contacted','enrolled','completed','declined','withdrawn')`,
    ),
    check(
      'referrals_enrolled_linked',
      sql`${t.status} NOT IN ('enrolled','completed') OR (${t.participantId} IS NOT NULL AND ${t.enrolmentId} IS NOT NULL)`,
    ),
    index('referrals_partner_created_idx').on(t.partnerId, t.createdAt, t.id),
    index('referrals_created_idx').on(t.createdAt, t.id),
    index('referrals_status_idx').on(t.status),
  ],
);

/** Every status change of a referral, with who and when. */
export const referralEvents = pgTable(
  'referral_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    referralId: uuid('referral_id')
      .notNull()
      .references(() => referrals.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status').$type<ReferralStatus>(),
    toStatus: text('to_status').$type<ReferralStatus>().notNull(),
    reason: text('reason').$type<ReferralDeclineReason>(),
    actorKind: text('actor_kind').$type<'staff' | 'partner'>().notNull(),
    actorId: uuid('actor_id'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('referral_events_referral_idx').on(t.referralId, t.at)],
);

/**
 * Idempotency-Key records (draft-ietf-httpapi-idempotency-key-header): per caller and key, the hash
 * of the first request and, once done, its answer. Kept 24 hours.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** The caller: `partner:<id>` or `staff:<id>`. A key means nothing outside its caller. */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    /** sha256 of method, path and the canonical JSON body. */
    requestHash: text('request_hash').notNull(),
    status: text('status').$type<'in_flight' | 'done'>().notNull(),
    responseStatus: integer('response_status'),
    /** The first answer's body as JSON, encrypted at rest (field idempotency_keys.response_body): it may hold personal data. */
    responseBody: text('response_body'),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);
