// Partner API keys: how they are made, checked and limited. Called by the access hook (plugins/auth.ts)
// for a bearer token that starts with pk_.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { PARTNER_KEY_PREFIX, type PartnerScope } from '@harbour/shared';
import type { Db } from '../../db/client';
import { AppError } from '../../lib/app-error';
import { sha256Hex } from '../../lib/crypto';
import { findApiKeysByPrefix, touchApiKey } from './partners.repo';

export interface PartnerActor {
  kind: 'partner';
  partnerId: string;
  keyId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The partner calling with an API key; null for staff and anonymous calls. */
    partner: PartnerActor | null;
  }
}

/** Characters after `pk_` that are stored in clear: enough to find the row and recognise the key. */
const PREFIX_CHARS = 10;
const LAST_USED_GRANULARITY_MS = 60_000;

/** A new key: `pk_` + 256 random bits (base64url). Only its hash and prefix are ever stored. */
export function generatePartnerKey(): { key: string; prefix: string; hash: string } {
  const key = `${PARTNER_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, PARTNER_KEY_PREFIX.length + PREFIX_CHARS), hash: sha256Hex(key) };
}

const invalidKey = () => new AppError('TOKEN_INVALID', 401, 'The API key is not valid or has been revoked.');

/**
 * Checks a partner key on every request (no cache, so revocation takes effect at once): the hash
 * (constant-time), not revoked, the per-key rate limit, the scope. Updates lastUsedAt at most once a
 * minute. Answers who is calling.
 */
export async function authenticatePartner(
  db: Db,
  token: string,
  scope: PartnerScope,
  limits: { perMinute?: number } = {},
): Promise<PartnerActor> {
  if (!token.startsWith(PARTNER_KEY_PREFIX) || token.length < PARTNER_KEY_PREFIX.length + PREFIX_CHARS) throw invalidKey();
  const hash = Buffer.from(sha256Hex(token), 'hex');
  const candidates = await findApiKeysByPrefix(db, token.slice(0, PARTNER_KEY_PREFIX.length + PREFIX_CHARS));
  const row = candidates.find((c) => timingSafeEqual(Buffer.from(c.keyHash, 'hex'), hash));
  if (!row || row.revokedAt) throw invalidKey();

  if (limits.perMinute !== undefined) takeFromBucket(row.id, limits.perMinute);
  if (!row.scopes.includes(scope)) {
    throw new AppError('FORBIDDEN', 403, `This API key does not have the "${scope}" scope.`);
  }
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
    await touchApiKey(db, row.id, now, new Date(now.getTime() - LAST_USED_GRANULARITY_MS));
  }
  return { kind: 'partner', partnerId: row.partnerId, keyId: row.id };
}

/** The partner of a route open to partner keys only. */
export function partnerOf(request: FastifyRequest): PartnerActor {
  if (!request.partner) throw new AppError('UNAUTHENTICATED', 401, 'Send a partner API key.');
  return request.partner;
}

// Per-key rate limit: a fixed one-minute window per key, in memory (like the global limiter). Keyed
// by the key's id (a UUID), so it is shared by every route a key calls.
const WINDOW_MS = 60_000;
const windows = new Map<string, { count: number; resetAt: number }>();

function takeFromBucket(keyId: string, perMinute: number, now = Date.now()): void {
  if (windows.size > 10_000) {
    for (const [id, w] of windows) if (w.resetAt <= now) windows.delete(id);
  }
  let w = windows.get(keyId);
  if (!w || w.resetAt <= now) {
    w = { count: 0, resetAt: now + WINDOW_MS };
    windows.set(keyId, w);
  }
  w.count += 1;
  if (w.count > perMinute) {
    const seconds = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    throw new AppError('RATE_LIMITED', 429, `This API key has made too many requests. Try again in ${seconds} seconds.`, {
      headers: { 'retry-after': String(seconds) },
    });
  }
}
