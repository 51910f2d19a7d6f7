import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { can, type Action, type PartnerScope, type StaffRole } from '@harbour/shared';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { AppError } from '../lib/app-error';
import { findSessionUser } from '../modules/users/users.repo';
import { authenticatePartner } from '../modules/partners/partner-auth';
import { createUserCache } from './user-cache';

export const JWT_AUDIENCE = 'harbour-api';
export const JWT_ISSUER = 'harbour';
/** The second step of an MFA sign-in: signed like access tokens, but for another audience, so never one. */
export const MFA_TOKEN_AUDIENCE = 'harbour-mfa-challenge';
export const MFA_TOKEN_TTL_SECONDS = 300;

/**
 * Who may call a route: anyone; signed-in staff holding the action in the permission matrix; a
 * partner API key (Bearer pk_…) holding the scope; or both of the last two.
 */
export type RouteAccess = { public: true } | { action: Action; partner?: PartnerScope } | { action?: Action; partner: PartnerScope };

export interface StaffActor {
  kind: 'staff';
  id: string;
  email: string;
  name: string;
  roles: StaffRole[];
}

export interface AccessTokenClaims {
  sub: string;
  roles: StaffRole[];
  /** users.sessionGeneration when issued (absent on tokens from before it existed: 0). */
  gen?: number;
  iat?: number;
}

interface MfaTokenClaims {
  sub: string;
  jti: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** With MFA_REQUIRED, a signed-in user who has not set up MFA may still call this route. */
    allowWithoutMfa?: boolean;
  }
  interface FastifyRequest {
    staff: StaffActor | null;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessTokenClaims;
    user: AccessTokenClaims;
  }
}

const isExpiredError = (err: unknown) => {
  const code = (err as { code?: string }).code;
  return code === 'FAST_JWT_EXPIRED' || code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED';
};

const unauthenticated = (detail = 'Sign in to continue.') => new AppError('UNAUTHENTICATED', 401, detail);

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  return match[1];
}

export const authPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config; database: Database; jwtSecret: string }) => {
    await app.register(fastifyJwt, {
      secret: opts.jwtSecret,
      sign: { algorithm: 'HS256', aud: JWT_AUDIENCE, iss: JWT_ISSUER, expiresIn: opts.config.ACCESS_TOKEN_TTL_SECONDS },
      verify: { algorithms: ['HS256'], allowedAud: JWT_AUDIENCE, allowedIss: JWT_ISSUER, requiredClaims: ['exp', 'iat', 'sub'] },
    });

    app.decorateRequest('staff', null);
    app.decorateRequest('partner', null);

    // The signed-in user's account state (no password hash, no MFA secret), kept between requests and
    // forgotten when the database announces a change to it (plugins/user-cache.ts). A change made through this process's own account routes is
    // also forgotten before its answer leaves, so it applies to the very next request without waiting
    // for the announcement to come back.
    const users = await createUserCache({ database: opts.database, ttlMs: opts.config.AUTH_USER_CACHE_MS, load: (id) => findSessionUser(opts.database.db, id) });
    app.addHook('onClose', async () => users.close());
    if (opts.config.AUTH_USER_CACHE_MS > 0) {
      app.addHook('onSend', async (request, _reply, payload) => {
        const url = request.routeOptions.url ?? '';
        if (request.method !== 'GET' && request.method !== 'HEAD' && (url.startsWith('/v1/auth/') || url.startsWith('/v1/users'))) users.forgetAll();
        return payload;
      });
    }

    // Every /v1 route must say who may call it; a route without a rule is a bug caught at start-up.
    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/v1/') && !route.config?.access) {
        throw new Error(`Route ${route.method} ${route.url} has no access rule`);
      }
    });

    app.addHook('onRequest', async (request) => {
      const access = request.routeOptions.config?.access;
      if (!access || 'public' in access) return;

      const token = bearerToken(request);
      if (!token) throw unauthenticated();
      if (token.startsWith('pk_')) {
        if (!access.partner) throw new AppError('FORBIDDEN', 403, 'Partner API keys cannot call this route.');
        request.partner = await authenticatePartner(opts.database.db, token, access.partner, { perMinute: opts.config.PARTNER_RATE_LIMIT_PER_MINUTE });
        return;
      }
      let claims: AccessTokenClaims;
      try {
        claims = app.jwt.verify<AccessTokenClaims>(token);
      } catch (err) {
        const expired = isExpiredError(err);
        throw expired
          ? new AppError('TOKEN_EXPIRED', 401, 'Your session has expired. Sign in again.')
          : new AppError('TOKEN_INVALID', 401, 'The access token is not valid.');
      }
      const user = await users.get(claims.sub);
      // Disabled users and tokens issued before their sessions were ended (password change, revoke,
      // disable) stop working at once.
      if (
        !user ||
        user.disabledAt ||
        (claims.gen ?? 0) !== user.sessionGeneration ||
        (claims.iat ?? 0) * 1000 < Math.floor(user.sessionsValidAfter.getTime() / 1000) * 1000
      ) {
        throw new AppError('TOKEN_INVALID', 401, 'Your session has ended. Sign in again.');
      }
      request.staff = { kind: 'staff', id: user.id, email: user.email, name: user.name, roles: user.roles };
      if (opts.config.MFA_REQUIRED && !user.mfaEnabledAt && !request.routeOptions.config?.allowWithoutMfa) {
        throw new AppError('MFA_SETUP_REQUIRED', 403, 'Set up two-step verification before you continue.');
      }
      if (!access.action || !can(user.roles, access.action)) {
        throw new AppError('FORBIDDEN', 403, 'Your role does not allow this.');
      }
    });
  },
  { name: 'auth' },
);

/** The signed-in staff member of a route that requires one. */
export function staffOf(request: FastifyRequest): StaffActor {
  if (!request.staff) throw unauthenticated();
  return request.staff;
}

/** Signs the token that carries a sign-in from the password step to the MFA step. */
export function signMfaToken(app: FastifyInstance, userId: string, challengeId: string): string {
  return app.jwt.sign({ sub: userId, jti: challengeId } as unknown as AccessTokenClaims, {
    aud: MFA_TOKEN_AUDIENCE,
    expiresIn: MFA_TOKEN_TTL_SECONDS,
  });
}

/** Verifies an MFA token (signature, audience, expiry); answers who and which challenge. */
export function verifyMfaToken(app: FastifyInstance, token: string): { userId: string; challengeId: string } {
  let claims: MfaTokenClaims;
  try {
    claims = app.jwt.verify<MfaTokenClaims & AccessTokenClaims>(token, { allowedAud: MFA_TOKEN_AUDIENCE, requiredClaims: ['exp', 'iat', 'sub', 'jti'] });
  } catch (err) {
    const expired = isExpiredError(err);
    throw expired
      ? new AppError('TOKEN_EXPIRED', 401, 'It has been a while since you entered your password. Sign in again.')
      : new AppError('TOKEN_INVALID', 401, 'This sign-in has ended. Sign in again.');
  }
  return { userId: claims.sub, challengeId: claims.jti };
}
