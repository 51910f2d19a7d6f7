import { and, arrayContains, asc, eq, gt, ilike, isNull, ne, or, sql } from 'drizzle-orm';
import type { StaffRole } from '@harbour/shared';
import { prepared } from '../../db/prepared';
import type { Db } from '../../db/client';
import { setPasswordTokens, users } from '../../db/schema/index';

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

/** A well-formed user id (a token's subject may be anything): anything else finds nobody, without a query. */
const USER_ID = /^[0-9a-f-]{36}$/i;

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  if (!USER_ID.test(id)) return undefined;
  const [row] = await prepared(db, 'user_by_id', (db, name) =>
    db.select().from(users).where(eq(users.id, sql.placeholder('id'))).limit(1).prepare(name),
  ).execute({ id });
  return row;
}

/** What a request's authentication needs of its user: no password hash, no MFA secret (kept in memory between requests). */
export type SessionUser = Pick<UserRow, 'id' | 'email' | 'name' | 'roles' | 'disabledAt' | 'sessionGeneration' | 'sessionsValidAfter' | 'mfaEnabledAt'>;

export async function findSessionUser(db: Db, id: string): Promise<SessionUser | undefined> {
  if (!USER_ID.test(id)) return undefined;
  const [row] = await prepared(db, 'session_user_by_id', (db, name) =>
    db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        roles: users.roles,
        disabledAt: users.disabledAt,
        sessionGeneration: users.sessionGeneration,
        sessionsValidAfter: users.sessionsValidAfter,
        mfaEnabledAt: users.mfaEnabledAt,
      })
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .limit(1)
      .prepare(name),
  ).execute({ id });
  return row;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  return row;
}

export async function insertUser(db: Db, values: NewUserRow): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({ ...values, email: values.email.trim().toLowerCase() })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function countUsers(db: Db): Promise<number> {
  return db.$count(users);
}

export async function updateUser(db: Db, id: string, values: Partial<NewUserRow>): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Keyset page ordered by (name, id); `q` matches part of the name or e-mail, case-insensitively. */
export async function listUsers(db: Db, opts: { limit: number; q?: string; after?: { name: string; id: string } }): Promise<UserRow[]> {
  const pattern = opts.q ? `%${escapeLike(opts.q)}%` : undefined;
  return db
    .select()
    .from(users)
    .where(
      and(
        pattern ? or(ilike(users.name, pattern), ilike(users.email, pattern)) : undefined,
        opts.after ? or(gt(users.name, opts.after.name), and(eq(users.name, opts.after.name), gt(users.id, opts.after.id))) : undefined,
      ),
    )
    .orderBy(asc(users.name), asc(users.id))
    .limit(opts.limit);
}

/**
 * Locks and answers the active admins. Taken before deciding that a change leaves at least one, so two
 * admins demoting each other at once cannot both succeed.
 */
export async function lockActiveAdmins(db: Db): Promise<{ id: string }[]> {
  return db
    .select({ id: users.id })
    .from(users)
    .where(and(arrayContains(users.roles, ['admin']), isNull(users.disabledAt)))
    .orderBy(asc(users.id))
    .for('update');
}

/** The active staff with `role`, by e-mail address (the people a notice goes to). */
export async function listActiveStaffWithRole(db: Db, role: StaffRole): Promise<{ email: string; name: string }[]> {
  return db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(and(arrayContains(users.roles, [role]), isNull(users.disabledAt)))
    .orderBy(asc(users.email));
}

// --- one-time set-password links ------------------------------------------------------------

export type SetPasswordTokenRow = typeof setPasswordTokens.$inferSelect;

export async function insertSetPasswordToken(db: Db, values: typeof setPasswordTokens.$inferInsert): Promise<void> {
  await db.insert(setPasswordTokens).values(values);
}

export async function findSetPasswordTokenByHashForUpdate(db: Db, tokenHash: string): Promise<SetPasswordTokenRow | undefined> {
  const [row] = await db.select().from(setPasswordTokens).where(eq(setPasswordTokens.tokenHash, tokenHash)).for('update').limit(1);
  return row;
}

/** Marks every unused link of the user used (a newer link, or the password was set). */
export async function useUpSetPasswordTokens(db: Db, userId: string, at: Date, exceptId?: string): Promise<void> {
  await db
    .update(setPasswordTokens)
    .set({ usedAt: at })
    .where(and(eq(setPasswordTokens.userId, userId), isNull(setPasswordTokens.usedAt), exceptId ? ne(setPasswordTokens.id, exceptId) : undefined));
}
