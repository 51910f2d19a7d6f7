// The audit trail's recorder: sign-ins, every write, and reads of routes flagged `audit: 'read'`.
// A write route records its success inside its own transaction (auditedWrite), so the change and its
// event commit together; this plugin records everything else as the answer leaves: reads, refusals
// and failures (whose transaction, if any, was rolled back), and the sign-in routes (auth.routes.ts),
// which hash passwords and must not hold a transaction open meanwhile. audit.test.ts checks that every
// write route outside auth.routes.ts goes through auditedWrite.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AUDIT_LOGIN_FAILED, AUDIT_LOGIN_MFA_CHALLENGED, AUDIT_LOGIN_SUCCEEDED } from '@harbour/shared';
import type { Db } from '../db/client';
import { transactionWithRetry } from '../db/in-transaction';
import { sha256Hex } from '../lib/crypto';
import { auditWriter, outcomeOf, recordAuditEvent, type AuditEventInput } from '../modules/audit/audit.service';
import { verifyMfaToken } from './auth';
import { problemBody } from './errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A GET route that reads a person's record: every call is on the audit trail (actor, entity, outcome). */
    audit?: 'read';
    /**
     * A read route that lists people: the participant ids an answer shows (from its body, before it is
     * serialized). The request's event names them (subjectIds), so a person's access log sees every
     * list they were in.
     */
    auditPeople?: (body: unknown) => unknown[];
  }
  interface FastifyRequest {
    /** The status of the answer whose audit event the write's transaction already holds (recordRequestAuditIn). */
    auditRecordedFor?: number;
    /** The participants a list answer shows (its route's `auditPeople`), for its audit event. */
    auditSubjectIds?: string[];
  }
}

const SIGN_IN_ROUTES = new Set(['/v1/auth/login', '/v1/auth/mfa']);
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who is calling, where from, under which request id: for services that record inside their own transaction. */
export function auditContextOf(
  request: FastifyRequest,
): Pick<AuditEventInput, 'actorKind' | 'actorId' | 'actorRoles' | 'ip' | 'requestId'> {
  const { staff, partner } = request;
  const where = { ip: request.ip, requestId: request.id };
  if (staff) return { actorKind: 'staff', actorId: staff.id, actorRoles: staff.roles, ...where };
  if (partner) return { actorKind: 'partner', actorId: partner.partnerId, actorRoles: [], ...where };
  return { actorKind: 'anonymous', actorId: null, actorRoles: [], ...where };
}

/** 'participants' → 'participant', 'safeguarding-concerns' → 'safeguarding_concern', 'deliveries' → 'delivery'. */
function entityTypeOf(segment: string): string {
  const snake = segment.replace(/-/g, '_');
  if (snake.endsWith('ies')) return `${snake.slice(0, -3)}y`;
  return snake.endsWith('s') ? snake.slice(0, -1) : snake;
}

/** The entity a route acts on: its `:id` (named by the segment before it), or what a 201 created. */
function entityOf(routeUrl: string, request: FastifyRequest, statusCode: number, createdId: unknown) {
  const segments = routeUrl.split('/').filter(Boolean);
  const idAt = segments.indexOf(':id');
  if (idAt > 0) {
    // Only a well-formed id is kept: a malformed one is whatever the caller typed.
    const id = (request.params as Record<string, unknown> | undefined)?.id;
    return { entityType: entityTypeOf(segments[idAt - 1] ?? ''), entityId: typeof id === 'string' && UUID.test(id) ? id : null };
  }
  if (statusCode === 201) {
    const last = segments.filter((s) => !s.startsWith(':')).at(-1);
    if (last && typeof createdId === 'string' && UUID.test(createdId)) return { entityType: entityTypeOf(last), entityId: createdId };
  }
  return { entityType: null, entityId: null };
}

/** The audit event of a request to a `/v1/` route that is not a sign-in step. */
function requestEvent(request: FastifyRequest, statusCode: number, createdId: unknown, sessionUser?: { id: string; roles: string[] }): AuditEventInput {
  const routeUrl = request.routeOptions.url ?? '';
  return {
    ...auditContextOf(request),
    ...(sessionUser && { actorKind: 'staff', actorId: sessionUser.id, actorRoles: sessionUser.roles }),
    action: request.routeOptions.schema?.operationId ?? `${request.method} ${routeUrl}`,
    ...entityOf(routeUrl, request, statusCode, createdId),
    outcome: outcomeOf(statusCode),
    statusCode,
  };
}

/**
 * Records the request's own audit event, the one the plugin would record when the answer leaves, in
 * the write's transaction `tx` instead: it is committed with the change it describes (or rolled back
 * with it), and costs no commit of its own. Call it as the transaction's last write, with the status
 * the request will answer on success; the plugin then records nothing more for that answer (an error
 * after all, with another status, is still recorded).
 */
async function recordRequestAuditIn(tx: Db, request: FastifyRequest, statusCode: number, createdId?: string): Promise<void> {
  await recordAuditEvent(tx, requestEvent(request, statusCode, createdId));
  request.auditRecordedFor = statusCode;
}

/**
 * Runs a route's write in one transaction (or in `db` when it already is one, as withIdempotency's)
 * and records the request's audit event as that transaction's last statement (recordRequestAuditIn):
 * the change and the record of who made it commit together or not at all. The transaction is run
 * again on a serialization failure or deadlock (transactionWithRetry; the services' own transactions
 * join it). `statusCode` is the status the route answers on success; for a 201 the created entity
 * is the result's `id`.
 */
export function auditedWrite<T>(db: Db, request: FastifyRequest, statusCode: number, write: (tx: Db) => Promise<T>): Promise<T> {
  return transactionWithRetry(db, async (tx) => {
    const result = await write(tx);
    const id = statusCode === 201 ? (result as { id?: unknown } | null | undefined)?.id : undefined;
    await recordRequestAuditIn(tx, request, statusCode, typeof id === 'string' ? id : undefined);
    return result;
  });
}

type ListItem = { id?: unknown; participant?: { id?: unknown } | null };

/** For `auditPeople`: the participant id of each item of a page (`{ items: [...] }`). */
export const peopleInItems =
  (pick: (item: ListItem) => unknown) =>
  (body: unknown): unknown[] =>
    ((body as { items?: ListItem[] } | undefined)?.items ?? []).map((item) => pick(item ?? {}));

/** The distinct participant ids a list answer shows. */
function peopleShown(ids: (body: unknown) => unknown[], body: unknown): string[] {
  return [...new Set(ids(body).filter((id): id is string => typeof id === 'string' && UUID.test(id)))];
}

function parseJson(payload: unknown): unknown {
  if (typeof payload !== 'string') return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

/** The signed-in user of a session answer (login, MFA step, refresh): id and roles only. */
function sessionUserOf(payload: unknown): { id: string; roles: string[] } | undefined {
  const user = (parseJson(payload) as { user?: { id?: unknown; roles?: unknown } } | undefined)?.user;
  if (typeof user?.id !== 'string' || !UUID.test(user.id)) return undefined;
  return { id: user.id, roles: Array.isArray(user.roles) ? user.roles.filter((r): r is string => typeof r === 'string') : [] };
}

/** A sign-in step: never the e-mail typed (a sha256 of it, for correlating attempts), never a password or code. */
function signInEvent(app: FastifyInstance, routeUrl: string, request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const base = { ...auditContextOf(request), statusCode: reply.statusCode, outcome: outcomeOf(reply.statusCode) };
  const body = (request.body ?? {}) as { email?: unknown; mfaToken?: unknown };
  if (reply.statusCode < 400) {
    const user = sessionUserOf(payload);
    if (user) {
      return { ...base, actorKind: 'staff' as const, actorId: user.id, actorRoles: user.roles, action: AUDIT_LOGIN_SUCCEEDED, entityType: 'user', entityId: user.id };
    }
    // Right password, MFA code still to come: not signed in yet.
    const mfaToken = (parseJson(payload) as { mfaToken?: unknown } | undefined)?.mfaToken;
    return { ...base, action: AUDIT_LOGIN_MFA_CHALLENGED, ...mfaSubject(app, mfaToken) };
  }
  if (routeUrl === '/v1/auth/mfa') return { ...base, action: AUDIT_LOGIN_FAILED, ...mfaSubject(app, body.mfaToken) };
  const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
  return { ...base, action: AUDIT_LOGIN_FAILED, entityType: email ? 'email_sha256' : null, entityId: email ? sha256Hex(email) : null };
}

function mfaSubject(app: FastifyInstance, token: unknown) {
  if (typeof token !== 'string') return { entityType: null, entityId: null };
  try {
    return { entityType: 'user', entityId: verifyMfaToken(app, token).userId };
  } catch {
    return { entityType: null, entityId: null };
  }
}

/**
 * Records before the answer leaves (onSend), so a read is on the trail before the data is out. A
 * failure to record is logged (ids only); a sensitive read whose record failed is not answered (503),
 * other answers go out as they are.
 */
export const auditPlugin = fp(
  async (app: FastifyInstance, opts: { db: Db }) => {
    // Concurrent requests share INSERTs (group commit); each answer still waits for its own record.
    const writer = auditWriter(opts.db);
    app.addHook('onRoute', (route) => {
      const methods = ([] as string[]).concat(route.method);
      if (route.config?.audit === 'read' && methods.some((m) => !READ_METHODS.has(m))) {
        throw new Error(`Route ${methods.join(',')} ${route.url}: audit 'read' is for GET routes (writes are always audited)`);
      }
    });

    // The people a list shows are read from the answer as it is, not parsed back from its JSON.
    app.addHook('preSerialization', async (request, reply, payload) => {
      const people = request.routeOptions.config?.auditPeople;
      if (people && reply.statusCode < 300) request.auditSubjectIds = peopleShown(people, payload);
      return payload;
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const routeUrl = request.routeOptions.url;
      if (!routeUrl?.startsWith('/v1/')) return payload;
      const config = request.routeOptions.config;
      const isRead = READ_METHODS.has(request.method);
      let event: AuditEventInput | undefined;
      try {
        if (request.method === 'POST' && SIGN_IN_ROUTES.has(routeUrl)) {
          event = signInEvent(app, routeUrl, request, reply, payload);
        } else if (!isRead || config?.audit === 'read') {
          if (request.auditRecordedFor === reply.statusCode) return payload;
          const anonymous = !request.staff && !request.partner;
          const sessionUser = anonymous && reply.statusCode < 400 ? sessionUserOf(payload) : undefined;
          const createdId = reply.statusCode === 201 ? (parseJson(payload) as { id?: unknown } | undefined)?.id : undefined;
          event = requestEvent(request, reply.statusCode, createdId, sessionUser);
        }
        if (event) await writer.record(reply.statusCode < 300 ? { ...event, subjectIds: request.auditSubjectIds } : event);
      } catch (err) {
        request.log.error(
          { action: event?.action, entityType: event?.entityType, entityId: event?.entityId, errorCode: (err as { code?: unknown }).code },
          'audit event not recorded',
        );
        if (isRead && config?.audit === 'read' && reply.statusCode < 400) {
          // Fail closed: a person's record does not leave unless its reading is on the trail.
          reply.removeHeader('content-disposition'); // a download (roster.csv) is not one any more
          reply.code(503).type('application/problem+json').header('retry-after', '10');
          return JSON.stringify(
            problemBody(request, 503, 'SERVICE_UNAVAILABLE', 'This record cannot be shown right now because its reading could not be logged. Try again shortly.'),
          );
        }
      }
      return payload;
    });
  },
  { name: 'audit', dependencies: ['auth'] },
);
