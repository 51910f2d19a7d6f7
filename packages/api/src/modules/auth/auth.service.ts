import type { LoginResponse, Session } from '@harbour/shared';
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import { AppError } from '../../lib/app-error';
import { randomToken, sha256Hex } from '../../lib/crypto';
import { assertPasswordAcceptable, hashPassword, verifyPassword } from '../../lib/passwords';
import { MFA_TOKEN_TTL_SECONDS, type AccessTokenClaims } from '../../plugins/auth';
import { findSetPasswordTokenByHashForUpdate, findUserByEmail, findUserById, updateUser, useUpSetPasswordTokens, type UserRow } from '../users/users.repo';
import {
  bumpSessionGeneration,
  clearLoginFailures,
  countLoginFailures,
  deleteLoginFailure,
  deleteLoginFailuresBefore,
  findRefreshSessionByHashForUpdate,
  insertMfaChallenge,
  insertRefreshSession,
  markRotated,
  recordLoginFailure,
  revokeAllForUser,
  revokeFamily,
  revokeOtherFamilies,
} from './auth.repo';

export interface AuthDeps {
  db: Db;
  config: Config;
  signAccessToken: (claims: AccessTokenClaims) => string;
  signMfaToken: (userId: string, challengeId: string) => string;
  verifyMfaToken: (token: string) => { userId: string; challengeId: string };
}

export interface IssuedSession {
  session: Session;
  refreshToken: string;
  refreshExpiresAt: Date;
}

/** Login either signs in, or (MFA on) hands out the token for the second step; no cookie then. */
export type LoginOutcome = { issued: IssuedSession } | { challenge: Extract<LoginResponse, { mfaRequired: true }> };

const WINDOW_MS = 60_000;
/** Per address across all accounts: generous, so a shared office network is not locked out. */
const ADDRESS_MULTIPLIER = 4;

const invalidCredentials = () =>
  new AppError('INVALID_CREDENTIALS', 401, 'The e-mail address or password is not right. Check them and try again.');

function toUser(row: UserRow) {
  return { id: row.id, email: row.email, name: row.name, roles: row.roles };
}

function throttled(oldest: Date | null, now: Date) {
  const retryAfter = Math.max(1, Math.ceil(((oldest?.getTime() ?? now.getTime()) + WINDOW_MS - now.getTime()) / 1000));
  return new AppError('RATE_LIMITED', 429, `Too many failed sign-in attempts. Try again in ${retryAfter} seconds.`, {
    headers: { 'retry-after': String(retryAfter) },
    retryAfterSeconds: retryAfter,
  });
}

// --- throttling: failed passwords and failed MFA codes count alike ------------------------------

export interface ThrottleKeys {
  accountKey: string;
  addressKey: string;
}

export const throttleKeys = (email: string, address: string): ThrottleKeys => ({
  accountKey: sha256Hex(`account:${email.trim().toLowerCase()}`),
  addressKey: sha256Hex(`address:${address}`),
});

/**
 * 429 when this account from this address, or this address overall, failed too often lately.
 * `counted`: attempts among the failures that are the caller's own (claimAttempt's), not earlier ones.
 */
async function assertNotThrottled(db: Db, config: Config, keys: ThrottleKeys, now: Date, counted = 0): Promise<void> {
  const limit = config.LOGIN_MAX_FAILURES_PER_MINUTE;
  const failures = await countLoginFailures(db, keys.accountKey, keys.addressKey, new Date(now.getTime() - WINDOW_MS));
  if (failures.pair.n - counted >= limit) throw throttled(failures.pair.oldest, now);
  if (failures.address.n - counted >= limit * ADDRESS_MULTIPLIER) throw throttled(failures.address.oldest, now);
}

/**
 * For a password check: the attempt is counted as a failure before the (slow) check, then the limits
 * are checked, so requests sent together cannot all pass the check before any of them is counted
 * (they did: thirty at once were all let through to guess). Over the limit: 429, and the attempt is
 * not counted. A right password takes its attempt back (withdrawAttempt); a wrong one leaves it.
 */
export async function claimAttempt(db: Db, config: Config, keys: ThrottleKeys, now: Date): Promise<string> {
  const id = await recordLoginFailure(db, keys.accountKey, keys.addressKey);
  try {
    await assertNotThrottled(db, config, keys, now, 1);
  } catch (err) {
    await deleteLoginFailure(db, id);
    throw err;
  }
  return id;
}

export const withdrawAttempt = (db: Db, attemptId: string) => deleteLoginFailure(db, attemptId);

export const clearFailures = (db: Db, keys: ThrottleKeys) => clearLoginFailures(db, keys.accountKey, keys.addressKey);

/**
 * For the scheduler: keeps the failures table small (nothing older than a day matters to throttling),
 * out of the sign-in path, which now records every attempt. Answers how many were deleted.
 */
export const purgeOldLoginFailures = (db: Db, now: Date) => deleteLoginFailuresBefore(db, new Date(now.getTime() - 24 * 3600_000));

// --- sessions ---------------------------------------------------------------------------------

export const mfaSetupRequired = (config: Config, user: UserRow) => config.MFA_REQUIRED && !user.mfaEnabledAt;

/** A refresh session (in a family) and an access token, both of the user's current generation. */
export async function issueSession(
  deps: Pick<AuthDeps, 'db' | 'config' | 'signAccessToken'>,
  user: UserRow,
  familyId: string,
  familyStartedAt: Date,
  now: Date,
): Promise<IssuedSession> {
  const refreshToken = randomToken(32);
  const absoluteExpiresAt = new Date(familyStartedAt.getTime() + deps.config.REFRESH_ABSOLUTE_HOURS * 3600_000);
  const idleExpiresAt = new Date(Math.min(now.getTime() + deps.config.REFRESH_IDLE_MINUTES * 60_000, absoluteExpiresAt.getTime()));
  await insertRefreshSession(deps.db, {
    userId: user.id,
    familyId,
    tokenHash: sha256Hex(refreshToken),
    createdAt: now,
    familyStartedAt,
    idleExpiresAt,
    absoluteExpiresAt,
    generation: user.sessionGeneration,
  });
  const accessToken = deps.signAccessToken({ sub: user.id, roles: user.roles, gen: user.sessionGeneration });
  return {
    session: {
      accessToken,
      expiresIn: deps.config.ACCESS_TOKEN_TTL_SECONDS,
      user: toUser(user),
      ...(mfaSetupRequired(deps.config, user) && { mfaSetupRequired: true }),
    },
    refreshToken,
    refreshExpiresAt: idleExpiresAt,
  };
}

/**
 * Ends every session of the user at once: access tokens (generation bump) and refresh sessions.
 * Answers the user row as it now is (new generation), for issuing the caller a fresh session.
 */
export async function endSessions(tx: Db, userId: string, now: Date): Promise<UserRow | undefined> {
  await bumpSessionGeneration(tx, userId, now);
  await revokeAllForUser(tx, userId, now);
  return findUserById(tx, userId);
}

export async function login(deps: AuthDeps, input: { email: string; password: string; address: string }): Promise<LoginOutcome> {
  const now = new Date();
  const keys = throttleKeys(input.email, input.address);
  const attempt = await claimAttempt(deps.db, deps.config, keys, now);

  const user = await findUserByEmail(deps.db, input.email);
  const ok = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !ok || user.disabledAt) throw invalidCredentials(); // the attempt stays counted
  if (user.mfaEnabledAt) {
    await withdrawAttempt(deps.db, attempt);
    // Failures are cleared only once the code is right too: the password alone must not reset the count.
    const challenge = await insertMfaChallenge(deps.db, user.id, new Date(now.getTime() + MFA_TOKEN_TTL_SECONDS * 1000));
    return { challenge: { mfaRequired: true, mfaToken: deps.signMfaToken(user.id, challenge.id) } };
  }
  await clearFailures(deps.db, keys);
  return { issued: await deps.db.transaction(async (tx) => issueSession({ ...deps, db: tx }, user, crypto.randomUUID(), now, now)) };
}

const refreshInvalid = () => new AppError('REFRESH_TOKEN_INVALID', 401, 'Your session has ended. Sign in again.');

/** Rotates a refresh token. A token used twice means it was stolen: the whole family is revoked. */
export async function refresh(deps: AuthDeps, refreshToken: string | undefined): Promise<IssuedSession> {
  if (!refreshToken) throw refreshInvalid();
  const now = new Date();
  const outcome = await deps.db.transaction(async (tx) => {
    const row = await findRefreshSessionByHashForUpdate(tx, sha256Hex(refreshToken));
    if (!row) return { error: refreshInvalid() };
    if (row.rotatedAt || row.revokedAt) {
      await revokeFamily(tx, row.familyId, now);
      return { error: refreshInvalid() };
    }
    if (row.idleExpiresAt <= now || row.absoluteExpiresAt <= now) return { error: refreshInvalid() };
    const user = await findUserById(tx, row.userId);
    if (
      !user ||
      user.disabledAt ||
      row.generation !== user.sessionGeneration ||
      row.createdAt < new Date(Math.floor(user.sessionsValidAfter.getTime() / 1000) * 1000)
    ) {
      await revokeFamily(tx, row.familyId, now);
      return { error: refreshInvalid() };
    }
    await markRotated(tx, row.id, now);
    return { issued: await issueSession({ ...deps, db: tx }, user, row.familyId, row.familyStartedAt, now) };
  });
  // The revocation above must commit, so the error is thrown after the transaction.
  if ('error' in outcome) throw outcome.error;
  return outcome.issued;
}

export async function logout(deps: AuthDeps, refreshToken: string | undefined): Promise<void> {
  if (!refreshToken) return;
  await deps.db.transaction(async (tx) => {
    const row = await findRefreshSessionByHashForUpdate(tx, sha256Hex(refreshToken));
    if (row) await revokeFamily(tx, row.familyId, new Date());
  });
}

/**
 * Changes the caller's password and ends every other session. The caller stays signed in: a fresh
 * access token, and their refresh family (if the cookie came along) carries on under the new generation.
 */
export async function changePassword(
  deps: AuthDeps,
  input: { userId: string; currentPassword: string; newPassword: string; refreshToken: string | undefined; address: string },
): Promise<IssuedSession> {
  const now = new Date();
  const user = await findUserById(deps.db, input.userId);
  if (!user) throw new AppError('UNAUTHENTICATED', 401, 'Sign in to continue.');
  const keys = throttleKeys(user.email, input.address);
  const attempt = await claimAttempt(deps.db, deps.config, keys, now);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    // The attempt stays counted. 400, not 401: the caller's session is fine, only this answer is wrong.
    throw new AppError('INVALID_CREDENTIALS', 400, 'Your current password is not right.', {
      errors: [{ path: 'currentPassword', message: 'Your current password is not right.' }],
    });
  }
  await withdrawAttempt(deps.db, attempt);
  await assertPasswordAcceptable(input.newPassword, 'newPassword', { email: user.email, name: user.name });
  const passwordHash = await hashPassword(input.newPassword);

  return deps.db.transaction(async (tx) => {
    await updateUser(tx, user.id, { passwordHash });
    const current = input.refreshToken ? await findRefreshSessionByHashForUpdate(tx, sha256Hex(input.refreshToken)) : undefined;
    const keep =
      current &&
      current.userId === user.id &&
      !current.rotatedAt &&
      !current.revokedAt &&
      current.idleExpiresAt > now &&
      current.absoluteExpiresAt > now
        ? current
        : undefined;
    await bumpSessionGeneration(tx, user.id, now);
    if (keep) {
      await revokeOtherFamilies(tx, user.id, keep.familyId, now);
      await markRotated(tx, keep.id, now);
    } else {
      await revokeAllForUser(tx, user.id, now);
    }
    const fresh = await findUserById(tx, user.id);
    if (!fresh) throw new Error('user vanished');
    return issueSession({ ...deps, db: tx }, fresh, keep?.familyId ?? crypto.randomUUID(), keep?.familyStartedAt ?? now, now);
  });
}

const setPasswordTokenInvalid = () =>
  new AppError('SET_PASSWORD_TOKEN_INVALID', 400, 'This link has expired or has already been used. Ask your Harbour administrator for a new one.');

/** Sets a password from a one-time link (new account or reset); ends any sessions the account had. */
export async function setPasswordWithToken(deps: Pick<AuthDeps, 'db'>, input: { token: string; password: string }): Promise<void> {
  const now = new Date();
  const tokenHash = sha256Hex(input.token);
  // Checked (without consuming the link) before the slow hash, so a weak choice can be corrected.
  const peek = await deps.db.transaction(async (tx) => {
    const row = await findSetPasswordTokenByHashForUpdate(tx, tokenHash);
    return row && !row.usedAt && row.expiresAt > now ? findUserById(tx, row.userId) : undefined;
  });
  if (!peek || peek.disabledAt) throw setPasswordTokenInvalid();
  await assertPasswordAcceptable(input.password, 'password', { email: peek.email, name: peek.name });
  const passwordHash = await hashPassword(input.password);

  await deps.db.transaction(async (tx) => {
    const row = await findSetPasswordTokenByHashForUpdate(tx, tokenHash);
    if (!row || row.usedAt || row.expiresAt <= new Date()) throw setPasswordTokenInvalid();
    if ((await findUserById(tx, row.userId))?.disabledAt !== null) throw setPasswordTokenInvalid();
    await useUpSetPasswordTokens(tx, row.userId, now);
    await updateUser(tx, row.userId, { passwordHash });
    await endSessions(tx, row.userId, now);
  });
}
