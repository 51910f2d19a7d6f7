import type {
  CreateUserBody,
  CreatedStaffAccount,
  Me,
  SetPasswordLink,
  StaffAccount,
  UpdateUserBody,
  UserListQuery,
} from '@harbour/shared';
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import { AppError, notFound } from '../../lib/app-error';
import { consoleLink } from '../../lib/console-link';
import { randomToken, sha256Hex } from '../../lib/crypto';
import { decodeCursor, toPage } from '../../lib/cursor';
import { endSessions } from '../auth/auth.service';
import { clearMfa } from '../auth/mfa.service';
import { cancelPendingEmails } from '../outbox/outbox.repo';
import { enqueueSealed } from '../outbox/outbox.service';
import {
  findUserByEmail,
  findUserById,
  insertSetPasswordToken,
  insertUser,
  listUsers,
  lockActiveAdmins,
  updateUser,
  useUpSetPasswordTokens,
  type UserRow,
} from './users.repo';

const SET_PASSWORD_LINK_HOURS = 72;

export function toStaffAccount(row: UserRow): StaffAccount {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: row.roles,
    mfaEnabled: row.mfaEnabledAt !== null,
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const duplicateEmail = () => new AppError('DUPLICATE_EMAIL', 409, 'There is already a staff account with this e-mail address.');

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === '23505' || e.cause?.code === '23505';
}

export async function getMe(db: Db, userId: string): Promise<Me> {
  const row = await findUserById(db, userId);
  if (!row) throw new AppError('UNAUTHENTICATED', 401, 'Sign in to continue.');
  return { id: row.id, email: row.email, name: row.name, roles: row.roles, mfaEnabled: row.mfaEnabledAt !== null };
}

/**
 * A new one-time link to set the password; earlier unused links of the user stop working. When mail is
 * set up (SMTP_URL) it is also e-mailed to them, sealed: the outbox keeps it encrypted until it is sent
 * and shows admins the e-mail without it.
 */
async function issueSetPasswordLink(
  tx: Db,
  config: Config,
  user: { id: string; email: string; name: string },
  actorId: string,
  now: Date,
): Promise<SetPasswordLink> {
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + SET_PASSWORD_LINK_HOURS * 3600_000);
  await useUpSetPasswordTokens(tx, user.id, now);
  await insertSetPasswordToken(tx, { userId: user.id, tokenHash: sha256Hex(token), expiresAt, createdBy: actorId });
  // PUBLIC_URL, or this server on its own port (as README's configuration table says).
  const setPasswordUrl = consoleLink(config.PUBLIC_URL ?? `http://localhost:${config.PORT}`, `/set-password?token=${token}`)!;
  const emailed = Boolean(config.SMTP_URL);
  if (emailed) {
    // A link still waiting to be sent is dead now (its token was used up above): it is not sent.
    await cancelPendingEmails(tx, user.email, 'set_password', 'A newer set-password link replaced this one.', now);
    const data = { name: user.name, expiresAt };
    await enqueueSealed(tx, { kind: 'email', to: user.email, template: 'set_password', data: { ...data, link: null } }, { ...data, link: setPasswordUrl }, now);
  }
  return { setPasswordUrl, expiresAt: expiresAt.toISOString(), emailed };
}

export async function createStaffAccount(db: Db, config: Config, actorId: string, body: CreateUserBody): Promise<CreatedStaffAccount> {
  const now = new Date();
  try {
    return await db.transaction(async (tx) => {
      if (await findUserByEmail(tx, body.email)) throw duplicateEmail();
      // No password until the person sets one through the link: nobody else ever knows it.
      const row = await insertUser(tx, { email: body.email, name: body.name, roles: body.roles, passwordHash: null });
      return { ...toStaffAccount(row), ...(await issueSetPasswordLink(tx, config, row, actorId, now)) };
    });
  } catch (err) {
    // Two admins creating the same address at once: the unique index decides.
    if (isUniqueViolation(err)) throw duplicateEmail();
    throw err;
  }
}

/** A fresh set-password link for an existing account (link expired, password forgotten). */
export async function newSetPasswordLink(db: Db, config: Config, actorId: string, userId: string): Promise<SetPasswordLink> {
  return db.transaction(async (tx) => {
    const row = await findUserById(tx, userId);
    if (!row) throw notFound('staff account');
    if (row.disabledAt) throw new AppError('INVALID_STATE', 409, 'This account is disabled. Enable it first.');
    return issueSetPasswordLink(tx, config, row, actorId, new Date());
  });
}

export async function listStaffAccounts(db: Db, query: UserListQuery) {
  let after: { name: string; id: string } | undefined;
  if (query.cursor) {
    const [name, id] = decodeCursor(query.cursor, 2);
    after = { name: String(name), id: String(id) };
  }
  const rows = await listUsers(db, { limit: query.limit + 1, q: query.q || undefined, after });
  const page = toPage(rows, query.limit, (r) => [r.name, r.id]);
  return { items: page.items.map(toStaffAccount), nextCursor: page.nextCursor };
}

export async function getStaffAccount(db: Db, id: string): Promise<StaffAccount> {
  const row = await findUserById(db, id);
  if (!row) throw notFound('staff account');
  return toStaffAccount(row);
}

const isActiveAdmin = (roles: readonly string[], disabled: boolean) => roles.includes('admin') && !disabled;

/**
 * Changes name, roles or disabled. Disabling ends the person's sessions at once. No change may leave
 * Harbour without an active admin (409 LAST_ADMIN): the active admins are locked before counting.
 */
export async function updateStaffAccount(db: Db, id: string, body: UpdateUserBody): Promise<StaffAccount> {
  const now = new Date();
  return db.transaction(async (tx) => {
    const admins = await lockActiveAdmins(tx);
    const row = await findUserById(tx, id);
    if (!row) throw notFound('staff account');

    const wasDisabled = row.disabledAt !== null;
    const willBeDisabled = body.disabled ?? wasDisabled;
    if (
      isActiveAdmin(row.roles, wasDisabled) &&
      !isActiveAdmin(body.roles ?? row.roles, willBeDisabled) &&
      admins.filter((a) => a.id !== row.id).length === 0
    ) {
      throw new AppError('LAST_ADMIN', 409, 'This is the last active administrator. Make someone else an administrator first.');
    }

    const updated = await updateUser(tx, id, {
      ...(body.name !== undefined && { name: body.name }),
      ...(body.roles !== undefined && { roles: body.roles }),
      ...(body.disabled !== undefined && { disabledAt: body.disabled ? (row.disabledAt ?? now) : null }),
    });
    if (!updated) throw notFound('staff account');
    if (willBeDisabled && !wasDisabled) {
      await endSessions(tx, id, now);
      await useUpSetPasswordTokens(tx, id, now);
    }
    return toStaffAccount((await findUserById(tx, id)) ?? updated);
  });
}

/** Signs the person out everywhere: every access token and refresh session stops working. */
export async function revokeStaffSessions(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await findUserById(tx, id);
    if (!row) throw notFound('staff account');
    await endSessions(tx, id, new Date());
  });
}

/** A lost phone: MFA is turned off and the person's sessions end; they set it up again on next sign-in. */
export async function resetStaffMfa(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await findUserById(tx, id);
    if (!row) throw notFound('staff account');
    await clearMfa(tx, id);
    await endSessions(tx, id, new Date());
  });
}
