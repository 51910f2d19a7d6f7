import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ChangePasswordBodySchema,
  LoginBodySchema,
  LoginResponseSchema,
  MeSchema,
  MfaCodeBodySchema,
  MfaSetupSchema,
  MfaVerifyBodySchema,
  RecoveryCodesSchema,
  SessionSchema,
  SetPasswordBodySchema,
} from '@harbour/shared';
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import { signMfaToken, staffOf, verifyMfaToken } from '../../plugins/auth';
import { COMMON_PROBLEMS, STAFF_PROBLEMS, problems } from '../../lib/responses';
import { getMe } from '../users/users.service';
import { changePassword, login, logout, refresh, setPasswordWithToken, type AuthDeps, type IssuedSession } from './auth.service';
import { completeMfaSignIn, disableMfa, enableMfa, startMfaSetup } from './mfa.service';

export function refreshCookie(config: Config) {
  return config.COOKIE_SECURE
    ? { name: '__Host-harbour_refresh', path: '/', secure: true }
    : { name: 'harbour_refresh', path: '/v1/auth', secure: false };
}

const security = [{ bearerAuth: [] }];

export const authRoutes: FastifyPluginAsyncZod<{ config: Config; db: Db }> = async (app, { config, db }) => {
  const cookie = refreshCookie(config);
  const deps = (): AuthDeps => ({
    db,
    config,
    signAccessToken: (claims) => app.jwt.sign(claims),
    signMfaToken: (userId, challengeId) => signMfaToken(app, userId, challengeId),
    verifyMfaToken: (token) => verifyMfaToken(app, token),
  });

  const sendSession = (reply: FastifyReply, issued: IssuedSession) => {
    reply.setCookie(cookie.name, issued.refreshToken, {
      path: cookie.path,
      httpOnly: true,
      secure: cookie.secure,
      sameSite: 'strict',
      expires: issued.refreshExpiresAt,
    });
    reply.header('cache-control', 'no-store');
    return issued.session;
  };
  const readRefreshCookie = (request: FastifyRequest) => request.cookies[cookie.name];

  app.post(
    '/v1/auth/login',
    {
      config: { access: { public: true } },
      schema: {
        operationId: 'login',
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; with MFA on, answers an mfaToken for POST /v1/auth/mfa',
        body: LoginBodySchema,
        response: { 200: LoginResponseSchema, ...COMMON_PROBLEMS, ...problems(401) },
      },
    },
    async (request, reply) => {
      const outcome = await login(deps(), { ...request.body, address: request.ip });
      if ('challenge' in outcome) {
        reply.header('cache-control', 'no-store');
        return outcome.challenge;
      }
      return sendSession(reply, outcome.issued);
    },
  );

  app.post(
    '/v1/auth/mfa',
    {
      config: { access: { public: true } },
      schema: {
        operationId: 'verifyMfa',
        tags: ['auth'],
        summary: 'Second step of signing in: the mfaToken from login and a code from the app (or a recovery code)',
        body: MfaVerifyBodySchema,
        response: { 200: SessionSchema, ...COMMON_PROBLEMS, ...problems(401) },
      },
    },
    async (request, reply) => sendSession(reply, await completeMfaSignIn(deps(), { ...request.body, address: request.ip })),
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
        return sendSession(reply, await refresh(deps(), readRefreshCookie(request)));
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

  app.post(
    '/v1/auth/password',
    {
      config: { access: { action: 'me:read' } },
      schema: {
        operationId: 'changePassword',
        tags: ['auth'],
        summary: 'Change your password; every other session ends, this one carries on with a fresh token',
        security,
        body: ChangePasswordBodySchema,
        response: { 200: SessionSchema, ...STAFF_PROBLEMS },
      },
    },
    async (request, reply) =>
      sendSession(
        reply,
        await changePassword(deps(), {
          userId: staffOf(request).id,
          ...request.body,
          refreshToken: readRefreshCookie(request),
          address: request.ip,
        }),
      ),
  );

  app.post(
    '/v1/auth/set-password',
    {
      config: { access: { public: true } },
      schema: {
        operationId: 'setPassword',
        tags: ['auth'],
        summary: 'Choose a password with the token of a one-time link (new account or reset)',
        body: SetPasswordBodySchema,
        response: { 204: z.undefined(), ...COMMON_PROBLEMS },
      },
    },
    async (request, reply) => {
      await setPasswordWithToken(deps(), request.body);
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/auth/mfa/setup',
    {
      config: { access: { action: 'me:read' }, allowWithoutMfa: true },
      schema: {
        operationId: 'setUpMfa',
        tags: ['auth'],
        summary: 'Start setting up two-step verification: a new secret to add to an authenticator app',
        security,
        response: { 200: MfaSetupSchema, ...STAFF_PROBLEMS, ...problems(409) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return startMfaSetup(db, staffOf(request).id);
    },
  );

  app.post(
    '/v1/auth/mfa/enable',
    {
      config: { access: { action: 'me:read' }, allowWithoutMfa: true },
      schema: {
        operationId: 'enableMfa',
        tags: ['auth'],
        summary: 'Confirm setup with a first code; answers the recovery codes (shown once)',
        security,
        body: MfaCodeBodySchema,
        response: { 200: RecoveryCodesSchema, ...STAFF_PROBLEMS, ...problems(409) },
      },
    },
    async (request) => enableMfa(db, staffOf(request).id, request.body.code),
  );

  app.post(
    '/v1/auth/mfa/disable',
    {
      config: { access: { action: 'me:read' } },
      schema: {
        operationId: 'disableMfa',
        tags: ['auth'],
        summary: 'Turn two-step verification off, with a current code or a recovery code',
        security,
        body: MfaCodeBodySchema,
        response: { 204: z.undefined(), ...STAFF_PROBLEMS, ...problems(409) },
      },
    },
    async (request, reply) => {
      await disableMfa(deps(), { userId: staffOf(request).id, code: request.body.code, address: request.ip });
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/me',
    {
      config: { access: { action: 'me:read' }, allowWithoutMfa: true },
      schema: {
        operationId: 'getMe',
        tags: ['auth'],
        summary: 'The signed-in staff member',
        security,
        response: { 200: MeSchema, ...STAFF_PROBLEMS },
      },
    },
    async (request) => getMe(db, staffOf(request).id),
  );
};
