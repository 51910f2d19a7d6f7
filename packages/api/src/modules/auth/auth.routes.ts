import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LoginBodySchema, LoginResponseSchema, SessionSchema, UserSchema } from '@harbour/shared';
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import { staffOf } from '../../plugins/auth';
import { COMMON_PROBLEMS, STAFF_PROBLEMS, problems } from '../../lib/responses';
import { login, logout, refresh, type AuthDeps, type IssuedSession } from './auth.service';

export function refreshCookie(config: Config) {
  return config.COOKIE_SECURE
    ? { name: '__Host-harbour_refresh', path: '/', secure: true }
    : { name: 'harbour_refresh', path: '/v1/auth', secure: false };
}

export const authRoutes: FastifyPluginAsyncZod<{ config: Config; db: Db }> = async (app, { config, db }) => {
  const cookie = refreshCookie(config);
  const deps = (): AuthDeps => ({ db, config, signAccessToken: app.jwt.sign.bind(app.jwt) });

  const setRefreshCookie = (reply: FastifyReply, issued: IssuedSession) =>
    reply.setCookie(cookie.name, issued.refreshToken, {
      path: cookie.path,
      httpOnly: true,
      secure: cookie.secure,
      sameSite: 'strict',
      expires: issued.refreshExpiresAt,
    });
  const readRefreshCookie = (request: FastifyRequest) => request.cookies[cookie.name];

  app.post(
    '/v1/auth/login',
    {
      config: { access: { public: true } },
      schema: {
        operationId: 'login',
        tags: ['auth'],
        summary: 'Sign in with e-mail and password',
        body: LoginBodySchema,
        response: { 200: LoginResponseSchema, ...COMMON_PROBLEMS, ...problems(401) },
      },
    },
    async (request, reply) => {
      const issued = await login(deps(), { ...request.body, address: request.ip });
      setRefreshCookie(reply, issued);
      reply.header('cache-control', 'no-store');
      return issued.session;
    },
  );

  app.post(
    '/v1/auth/refresh',
    {
      config: { access: { public: true } },
      schema: {
        operationId: 'refreshSession',
        tags: ['auth'],
        summary: 'Exchange the refresh cookie for a new access token (the refresh token rotates)',
        response: { 200: SessionSchema, ...COMMON_PROBLEMS, ...problems(401) },
      },
    },
    async (request, reply) => {
      try {
        const issued = await refresh(deps(), readRefreshCookie(request));
        setRefreshCookie(reply, issued);
        reply.header('cache-control', 'no-store');
        return issued.session;
      } catch (err) {
        reply.clearCookie(cookie.name, { path: cookie.path });
        throw err;
      }
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      config: { access: { public: true } },
      schema: {
        operationId: 'logout',
        tags: ['auth'],
        summary: 'Sign out: revokes the refresh token and its family',
        response: { 204: z.undefined(), ...COMMON_PROBLEMS },
      },
    },
    async (request, reply) => {
      await logout(deps(), readRefreshCookie(request));
      reply.clearCookie(cookie.name, { path: cookie.path });
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/me',
    {
      config: { access: { action: 'me:read' } },
      schema: {
        operationId: 'getMe',
        tags: ['auth'],
        summary: 'The signed-in staff member',
        security: [{ bearerAuth: [] }],
        response: { 200: UserSchema, ...STAFF_PROBLEMS },
      },
    },
    async (request) => {
      const { id, email, name, roles } = staffOf(request);
      return { id, email, name, roles };
    },
  );
};
