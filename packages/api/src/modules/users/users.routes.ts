import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateUserBodySchema,
  CreatedStaffAccountSchema,
  SetPasswordLinkSchema,
  StaffAccountSchema,
  UpdateUserBodySchema,
  UserListQuerySchema,
  pageOf,
} from '@harbour/shared';
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS, problems } from '../../lib/responses';
import { auditedWrite } from '../../plugins/audit';
import { staffOf } from '../../plugins/auth';
import {
  createStaffAccount,
  getStaffAccount,
  listStaffAccounts,
  newSetPasswordLink,
  resetStaffMfa,
  revokeStaffSessions,
  updateStaffAccount,
} from './users.service';

const IdParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const access = { access: { action: 'users:manage' as const } };

export const usersRoutes: FastifyPluginAsyncZod<{ config: Config; db: Db }> = async (app, { config, db }) => {
  app.post(
    '/v1/users',
    {
      config: access,
      schema: {
        operationId: 'createUser',
        tags: ['users'],
        summary: 'Create a staff account (admin); answers a one-time link for the person to set their password',
        security,
        body: CreateUserBodySchema,
        response: { 201: CreatedStaffAccountSchema, ...STAFF_PROBLEMS, ...problems(409) },
      },
    },
    async (request, reply) => {
      const created = await auditedWrite(db, request, 201, (tx) => createStaffAccount(tx, config, staffOf(request).id, request.body));
      request.log.info({ userId: created.id, actorId: staffOf(request).id }, 'staff account created');
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.get(
    '/v1/users',
    {
      config: access,
      schema: {
        operationId: 'listUsers',
        tags: ['users'],
        summary: 'Staff accounts by name (admin); q searches name and e-mail',
        security,
        querystring: UserListQuerySchema,
        response: { 200: pageOf(StaffAccountSchema), ...STAFF_PROBLEMS },
      },
    },
    async (request) => listStaffAccounts(db, request.query),
  );

  app.get(
    '/v1/users/:id',
    {
      config: access,
      schema: {
        operationId: 'getUser',
        tags: ['users'],
        summary: 'One staff account (admin)',
        security,
        params: IdParams,
        response: { 200: StaffAccountSchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => getStaffAccount(db, request.params.id),
  );

  app.patch(
    '/v1/users/:id',
    {
      config: access,
      schema: {
        operationId: 'updateUser',
        tags: ['users'],
        summary: 'Change name, roles or disabled (admin); disabling ends the person’s sessions at once',
        security,
        params: IdParams,
        body: UpdateUserBodySchema,
        response: { 200: StaffAccountSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request) => {
      const updated = await auditedWrite(db, request, 200, (tx) => updateStaffAccount(tx, request.params.id, request.body));
      request.log.info({ userId: updated.id, actorId: staffOf(request).id }, 'staff account changed');
      return updated;
    },
  );

  app.post(
    '/v1/users/:id/set-password-link',
    {
      config: access,
      schema: {
        operationId: 'createSetPasswordLink',
        tags: ['users'],
        summary: 'A new one-time link for the person to set their password (admin); earlier links stop working',
        security,
        params: IdParams,
        response: { 201: SetPasswordLinkSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request, reply) => {
      const link = await auditedWrite(db, request, 201, (tx) => newSetPasswordLink(tx, config, staffOf(request).id, request.params.id));
      request.log.info({ userId: request.params.id, actorId: staffOf(request).id }, 'set-password link issued');
      return reply.code(201).header('cache-control', 'no-store').send(link);
    },
  );

  app.post(
    '/v1/users/:id/sessions/revoke',
    {
      config: access,
      schema: {
        operationId: 'revokeUserSessions',
        tags: ['users'],
        summary: 'Sign the person out everywhere, at once (admin)',
        security,
        params: IdParams,
        response: { 204: z.undefined(), ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request, reply) => {
      await auditedWrite(db, request, 204, (tx) => revokeStaffSessions(tx, request.params.id));
      request.log.info({ userId: request.params.id, actorId: staffOf(request).id }, 'staff sessions revoked');
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/users/:id/mfa/reset',
    {
      config: access,
      schema: {
        operationId: 'resetUserMfa',
        tags: ['users'],
        summary: 'Turn off the person’s two-step verification (lost phone) and end their sessions (admin)',
        security,
        params: IdParams,
        response: { 204: z.undefined(), ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request, reply) => {
      await auditedWrite(db, request, 204, (tx) => resetStaffMfa(tx, request.params.id));
      request.log.info({ userId: request.params.id, actorId: staffOf(request).id }, 'staff MFA reset');
      return reply.code(204).send();
    },
  );
};
