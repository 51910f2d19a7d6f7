import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { can, type Action, type StaffRole } from '@harbour/shared';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { AppError } from '../lib/app-error';
import { findUserById } from '../modules/users/users.repo';

export const JWT_AUDIENCE = 'harbour-api';
export const JWT_ISSUER = 'harbour';

/** Who may call a route: anyone, or signed-in staff holding the action in the permission matrix. */
export type RouteAccess = { public: true } | { action: Action };

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
  iat?: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
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

const unauthenticated = (detail = 'Sign in to continue.') => new AppError('UNAUTHENTICATED', 401, detail);

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  return match[1];
}

export const authPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config; db: Db; jwtSecret: string }) => {
    await app.register(fastifyJwt, {
      secret: opts.jwtSecret,
      sign: { algorithm: 'HS256', aud: JWT_AUDIENCE, iss: JWT_ISSUER, expiresIn: opts.config.ACCESS_TOKEN_TTL_SECONDS },
      verify: { algorithms: ['HS256'], allowedAud: JWT_AUDIENCE, allowedIss: JWT_ISSUER, requiredClaims: ['exp', 'iat', 'sub'] },
    });

    app.decorateRequest('staff', null);

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
      let claims: AccessTokenClaims;
      try {
        claims = app.jwt.verify<AccessTokenClaims>(token);
      } catch (err) {
        const expired = (err as { code?: string }).code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED';
        throw expired
          ? new AppError('TOKEN_EXPIRED', 401, 'Your session has expired. Sign in again.')
          : new AppError('TOKEN_INVALID', 401, 'The access token is not valid.');
      }
      const user = await findUserById(opts.db, claims.sub);
      // Disabled users and tokens issued before "sign out everywhere" stop working at once.
      if (!user || user.disabledAt || (claims.iat ?? 0) * 1000 < Math.floor(user.sessionsValidAfter.getTime() / 1000) * 1000) {
        throw new AppError('TOKEN_INVALID', 401, 'Your session has ended. Sign in again.');
      }
      request.staff = { kind: 'staff', id: user.id, email: user.email, name: user.name, roles: user.roles };
      if (!can(user.roles, access.action)) {
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
