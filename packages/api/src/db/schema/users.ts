import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { StaffRole } from '@harbour/shared';
import { ts } from './columns';


export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stored lower-cased; unique. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    roles: text('roles').array().$type<StaffRole[]>().notNull(),
    passwordHash: text('password_hash'),
    /** Access tokens issued before this instant are refused (sign-out everywhere, disable, password change). */
    sessionsValidAfter: ts('sessions_valid_after').notNull().defaultNow(),
    /**
     * Bumped whenever the user's sessions must end (password change, disable, revoke, MFA reset).
     * Access tokens and refresh sessions carry the generation they were issued under; any other
     * generation is refused. Exact, unlike the seconds-precision JWT `iat`.
     */
    sessionGeneration: integer('session_generation').notNull().default(0),
    /** TOTP secret once MFA is enabled; always read and written through lib/sealed.ts. */
    mfaSecret: text('mfa_secret'),
    /** Secret handed out by MFA setup, waiting for a first code to confirm it (lib/sealed.ts). */
    mfaPendingSecret: text('mfa_pending_secret'),
    mfaEnabledAt: ts('mfa_enabled_at'),
    /** Last TOTP time step accepted: a code of this step or earlier is refused (no replay). */
    mfaLastTimeStep: integer('mfa_last_time_step'),
    disabledAt: ts('disabled_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

/** One row per refresh token; tokens of one sign-in share a family and rotate on every use. */
export const refreshSessions = pgTable(
  'refresh_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    familyStartedAt: ts('family_started_at').notNull(),
    /** users.sessionGeneration when issued; a different one means the session was ended. */
    generation: integer('generation').notNull().default(0),
    idleExpiresAt: ts('idle_expires_at').notNull(),
    absoluteExpiresAt: ts('absolute_expires_at').notNull(),
    rotatedAt: ts('rotated_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [
    uniqueIndex('refresh_sessions_token_hash_key').on(t.tokenHash),
    index('refresh_sessions_family_idx').on(t.familyId),
    index('refresh_sessions_user_idx').on(t.userId),
  ],
);

/** Failed sign-in attempts, for throttling per account+address and per address. Keys are hashed. */
export const loginFailures = pgTable(
  'login_failures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountKey: text('account_key').notNull(),
    addressKey: text('address_key').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('login_failures_account_idx').on(t.accountKey, t.at), index('login_failures_address_idx').on(t.addressKey, t.at)],
);

/** MFA recovery codes: sha256 of the normalised code (high-entropy, so no slow hash needed); single use. */
export const mfaRecoveryCodes = pgTable(
  'mfa_recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('mfa_recovery_codes_user_code_key').on(t.userId, t.codeHash)],
);

/** The second step of a sign-in: the mfaToken's jti. Single use, short-lived, few attempts. */
export const mfaChallenges = pgTable(
  'mfa_challenges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('mfa_challenges_expires_idx').on(t.expiresAt)],
);

/** One-time links to set a password (new accounts, resets). Only the sha256 of the token is kept. */
export const setPasswordTokens = pgTable(
  'set_password_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('set_password_tokens_token_hash_key').on(t.tokenHash), index('set_password_tokens_user_idx').on(t.userId)],
);
