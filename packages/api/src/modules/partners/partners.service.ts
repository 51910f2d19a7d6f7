import type {
  CreatedPartnerApiKey,
  CreatePartnerApiKeyBody,
  CreatePartnerBody,
  Partner,
  PartnerApiKey,
  PartnerListQuery,
  PageQuery,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { AppError, notFound } from '../../lib/app-error';
import { decodeCursor, toPage } from '../../lib/cursor';
import type { StaffActor } from '../../plugins/auth';
import { sqlStateOf } from '../enrolments/seats';
import { generatePartnerKey } from './partner-auth';
import {
  countActiveKeys,
  findApiKey,
  findPartnerById,
  insertApiKey,
  insertPartner,
  listApiKeys,
  listPartners,
  revokeApiKey,
  type PartnerApiKeyRow,
  type PartnerRow,
} from './partners.repo';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toPartner(row: PartnerRow, activeKeyCount: number): Partner {
  return {
    id: row.id,
    name: row.name,
    contactEmail: row.contactEmail,
    activeKeyCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toApiKey(row: PartnerApiKeyRow): PartnerApiKey {
  return {
    id: row.id,
    partnerId: row.partnerId,
    prefix: row.prefix,
    label: row.label,
    scopes: row.scopes,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  };
}

function keysetOf(cursor: string | undefined) {
  if (!cursor) return undefined;
  const [createdAt, id] = decodeCursor(cursor, 2);
  return { createdAt: new Date(String(createdAt)), id: String(id) };
}

export async function createPartner(db: Db, actor: StaffActor, body: CreatePartnerBody): Promise<Partner> {
  try {
    const row = await insertPartner(db, { name: body.name, contactEmail: body.contactEmail ?? null, createdBy: actor.id });
    return toPartner(row, 0);
  } catch (err) {
    if (sqlStateOf(err).code === '23505') throw new AppError('DUPLICATE', 409, 'A partner with this name already exists.');
    throw err;
  }
}

export async function listPartnerPage(db: Db, query: PartnerListQuery) {
  const rows = await listPartners(db, { limit: query.limit + 1, after: keysetOf(query.cursor) });
  const page = toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
  const counts = await countActiveKeys(db, page.items.map((r) => r.id));
  return { items: page.items.map((r) => toPartner(r, counts.get(r.id) ?? 0)), nextCursor: page.nextCursor };
}

export async function getPartner(db: Db, id: string): Promise<Partner> {
  const row = await findPartnerById(db, id);
  if (!row) throw notFound('partner');
  const counts = await countActiveKeys(db, [row.id]);
  return toPartner(row, counts.get(row.id) ?? 0);
}

/** A new key for the partner. The answer is the only place the key ever appears. */
export async function createPartnerApiKey(
  db: Db,
  actor: StaffActor,
  partnerId: string,
  body: CreatePartnerApiKeyBody,
): Promise<CreatedPartnerApiKey> {
  return db.transaction(async (tx) => {
    if (!(await findPartnerById(tx, partnerId))) throw notFound('partner');
    const { key, prefix, hash } = generatePartnerKey();
    const row = await insertApiKey(tx, {
      partnerId,
      prefix,
      keyHash: hash,
      label: body.label ?? null,
      scopes: body.scopes,
      createdBy: actor.id,
    });
    return { ...toApiKey(row), key };
  });
}

export async function listPartnerApiKeyPage(db: Db, partnerId: string, query: PageQuery) {
  if (!(await findPartnerById(db, partnerId))) throw notFound('partner');
  const rows = await listApiKeys(db, partnerId, { limit: query.limit + 1, after: keysetOf(query.cursor) });
  const page = toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: page.items.map(toApiKey), nextCursor: page.nextCursor };
}

/** Revokes the key: the next request with it is refused. Revoking a revoked key changes nothing. */
export async function revokePartnerApiKey(db: Db, actor: StaffActor, partnerId: string, keyId: string): Promise<void> {
  const row = await findApiKey(db, partnerId, keyId);
  if (!row) throw notFound('API key');
  if (!row.revokedAt) await revokeApiKey(db, keyId, actor.id, new Date());
}
