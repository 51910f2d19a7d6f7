import type { FastifyInstance } from 'fastify';
import type { Session } from '@harbour/shared';
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import { AppError } from '../../lib/app-error';
import { randomToken, sha256Hex } from '../../lib/crypto';
import { verifyPassword } from '../../lib/passwords';
import { findUserByEmail, findUserById, type UserRow } from '../users/users.repo';
import {
  clearLoginFailures,
  countLoginFailures,
  findRefreshSessionByHashForUpdate,
  insertRefreshSession,
  markRotated,
  recordLoginFailure,
  revokeFamily,
} from './auth.repo';

export interface AuthDeps {
  db: Db;
  config: Config;
  signAccessToken: FastifyInstance['jwt']['sign'];
}

export interface IssuedSession {
  session: Session;
  refreshToken: string;
  refreshExpiresAt: Date;
}

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

async function issueSession(deps: AuthDeps, user: UserRow, familyId: string, familyStartedAt: Date, now: Date): Promise<IssuedSession> {
  const refreshToken = randomToken(32);
  const absoluteExpiresAt = new Date(familyStartedAt.getTime() + deps.config.REFRESH_ABSOLUTE_HOURS * 3600_000);
  const idleExpiresAt = new Date(Math.min(now.getTime() + deps.config.REFRESH_IDLE_MINUTES * 60_000, absoluteExpiresAt.getTime()));
  await insertRefreshSession(deps.db, {
    userId: user.id,
    familyId,
    tokenHash: sha256Hex(refreshToken),
    familyStartedAt,
    idleExpiresAt,
    absoluteExpiresAt,
  });
  const accessToken = deps.signAccessToken({ sub: user.id, roles: user.roles });
  return {
    session: { accessToken, expiresIn: deps.config.ACCESS_TOKEN_TTL_SECONDS, user: toUser(user) },
    refreshToken,
    refreshExpiresAt: idleExpiresAt,
  };
}

export async function login(deps: AuthDeps, input: { email: string; password: string; address: string }): Promise<IssuedSession> {
  const now = new Date();
  const accountKey = sha256Hex(`account:${input.email.trim().toLowerCase()}`);
  const addressKey = sha256Hex(`address:${input.address}`);
  const limit = deps.config.LOGIN_MAX_FAILURES_PER_MINUTE;

  const failures = await countLoginFailures(deps.db, accountKey, addressKey, new Date(now.getTime() - WINDOW_MS));
  if (failures.pair.n >= limit) throw throttled(failures.pair.oldest, now);
  if (failures.address.n >= limit * ADDRESS_MULTIPLIER) throw throttled(failures.address.oldest, now);

  const user = await findUserByEmail(deps.db, input.email);
  const ok = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !ok || user.disabledAt) {
    await recordLoginFailure(deps.db, accountKey, addressKey);
    throw invalidCredentials();
  }
  await clearLoginFailures(deps.db, accountKey, addressKey);
  return deps.db.transaction(async (tx) => issueSession({ ...deps, db: tx }, user, crypto.randomUUID(), now, now));
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
    if (!user || user.disabledAt || row.createdAt < new Date(Math.floor(user.sessionsValidAfter.getTime() / 1000) * 1000)) {
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
