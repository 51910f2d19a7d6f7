import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { prepared, shapeName, valuesAsPlaceholders } from '../../db/prepared';
import { groupBy } from '../../lib/group';
import { outboxInsert, outboxValues, type OutboxWrite } from '../outbox/outbox.repo';
import { cohortSessions, enrolments, participants, partners, referralEvents, referrals } from '../../db/schema/index';

export type ReferralRow = typeof referrals.$inferSelect;
export type NewReferralRow = typeof referrals.$inferInsert;
export type NewReferralEventRow = typeof referralEvents.$inferInsert;
export interface ReferralWithPartner {
  referral: ReferralRow;
  partnerName: string;
}

/**
 * A new referral, its first history entry and the outbox messages it causes, in one statement (inserts
 * in a WITH): the id is made by the caller so the entry can name it without reading the referral back.
 * Prepared once per shape (which columns are given and which of them are null; kinds of message),
 * every value a parameter.
 */
export async function insertReferralWithFirstEvent(
  db: Db,
  values: Omit<NewReferralRow, 'createdAt' | 'updatedAt'> & { id: string },
  event: Omit<NewReferralEventRow, 'referralId' | 'at'>,
  messages: OutboxWrite[],
  at: Date,
): Promise<ReferralRow> {
  const { id, ...given } = values;
  const referral = valuesAsPlaceholders(given, 'r_');
  const first = valuesAsPlaceholders(event, 'e_');
  const name = shapeName('referral_insert', `${referral.shape} ${first.shape} ${messages.map((m) => m.kind).join(',')}`);
  const [row] = await prepared(db, name, (db, name) => {
    const p = sql.placeholder;
    const created = db.$with('created').as(
      db
        .insert(referrals)
        .values({ createdAt: p('at'), updatedAt: p('at'), ...referral.columns, id: p('id') } as unknown as NewReferralRow)
        .returning(),
    );
    const logged = db.$with('logged').as(
      db.insert(referralEvents).values({ ...first.columns, referralId: p('id'), at: p('at') } as unknown as NewReferralEventRow),
    );
    const outbox = messages.map((m, i) => db.$with(`message_${i}`, {}).as(outboxInsert(m, `m${i}_`)));
    return db.with(created, logged, ...outbox).select().from(created).prepare(name);
  }).execute({
    id,
    at,
    ...referral.params,
    ...first.params,
    ...Object.assign({}, ...messages.map((m, i) => outboxValues(m, `m${i}_`))),
  });
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function insertReferralEvent(db: Db, values: NewReferralEventRow): Promise<void> {
  await db.insert(referralEvents).values(values);
}

/** The referral with its partner's name; `forUpdate` locks the referral row (status changes). */
export async function findReferralById(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<ReferralWithPartner | undefined> {
  const query = db
    .select({ referral: referrals, partnerName: partners.name })
    .from(referrals)
    .innerJoin(partners, eq(partners.id, referrals.partnerId))
    .where(eq(referrals.id, id))
    .limit(1);
  const [row] = opts.forUpdate ? await query.for('update', { of: referrals }) : await query;
  return row;
}

/** Keyset page, newest first, ordered by (createdAt, id) descending; `after` is the last row's key. */
export async function listReferrals(
  db: Db,
  opts: { limit: number; partnerId?: string; status?: ReferralRow['status']; after?: { createdAt: Date; id: string } },
): Promise<ReferralWithPartner[]> {
  const r = referrals;
  const after = opts.after
    ? or(lt(r.createdAt, opts.after.createdAt), and(eq(r.createdAt, opts.after.createdAt), lt(r.id, opts.after.id)))
    : undefined;
  return db
    .select({ referral: r, partnerName: partners.name })
    .from(r)
    .innerJoin(partners, eq(partners.id, r.partnerId))
    .where(and(opts.partnerId ? eq(r.partnerId, opts.partnerId) : undefined, opts.status ? eq(r.status, opts.status) : undefined, after))
    .orderBy(desc(r.createdAt), desc(r.id))
    .limit(opts.limit);
}

export async function updateReferral(db: Db, id: string, values: Partial<NewReferralRow>): Promise<ReferralRow> {
  const [row] = await db
    .update(referrals)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(referrals.id, id))
    .returning();
  if (!row) throw new Error('update returned no row');
  return row;
}

/** The session dates of the cohorts of these enrolments (one query), by enrolment, in order. */
export async function sessionDatesOfEnrolments(db: Db, enrolmentIds: string[]): Promise<Map<string, { startsAt: Date; endsAt: Date }[]>> {
  if (enrolmentIds.length === 0) return new Map();
  const rows = await db
    .select({ enrolmentId: enrolments.id, startsAt: cohortSessions.startsAt, endsAt: cohortSessions.endsAt })
    .from(enrolments)
    .innerJoin(cohortSessions, eq(cohortSessions.cohortId, enrolments.cohortId))
    .where(inArray(enrolments.id, enrolmentIds))
    .orderBy(asc(cohortSessions.position));
  return groupBy(
    rows,
    (row) => row.enrolmentId,
    (row) => ({ startsAt: row.startsAt, endsAt: row.endsAt }),
  );
}

export async function findParticipantForLink(db: Db, id: string) {
  const [row] = await db
    .select({ id: participants.id, erasedAt: participants.erasedAt })
    .from(participants)
    .where(eq(participants.id, id))
    .limit(1);
  return row;
}

export async function findEnrolmentForLink(db: Db, id: string) {
  const [row] = await db
    .select({ id: enrolments.id, participantId: enrolments.participantId, status: enrolments.status })
    .from(enrolments)
    .where(eq(enrolments.id, id))
    .limit(1);
  return row;
}
