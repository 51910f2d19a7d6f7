import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreatedPartnerApiKeySchema,
  CreatePartnerApiKeyBodySchema,
  CreatePartnerBodySchema,
  PageQuerySchema,
  PartnerApiKeySchema,
  PartnerListQuerySchema,
  PartnerSchema,
  pageOf,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS, problems } from '../../lib/responses';
import { auditedWrite } from '../../plugins/audit';
import { staffOf } from '../../plugins/auth';
import {
  createPartner,
  createPartnerApiKey,
  getPartner,
  listPartnerApiKeyPage,
  listPartnerPage,
  revokePartnerApiKey,
} from './partners.service';

const IdParams = z.object({ id: z.uuid() });
const KeyParams = z.object({ id: z.uuid(), keyId: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['partners'];
const config = { access: { action: 'partners:manage' as const } };

export const partnersRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/v1/partners',
    {
      config,
      schema: {
        operationId: 'createPartner',
        tags,
        summary: 'Add a partner organisation (admin)',
        security,
        body: CreatePartnerBodySchema,
        response: { 201: PartnerSchema, ...STAFF_PROBLEMS, ...problems(409) },
      },
    },
    async (request, reply) => {
      const partner = await auditedWrite(db, request, 201, (tx) => createPartner(tx, staffOf(request), request.body));
      request.log.info({ partnerId: partner.id }, 'partner created');
      return reply.code(201).send(partner);
    },
  );

  app.get(
    '/v1/partners',
    {
      config,
      schema: {
        operationId: 'listPartners',
        tags,
        summary: 'Partner organisations (admin)',
        security,
        querystring: PartnerListQuerySchema,
        response: { 200: pageOf(PartnerSchema), ...STAFF_PROBLEMS },
      },
    },
    async (request) => listPartnerPage(db, request.query),
  );

  app.get(
    '/v1/partners/:id',
    {
      config,
      schema: {
        operationId: 'getPartner',
        tags,
        summary: 'One partner organisation (admin)',
        security,
        params: IdParams,
        response: { 200: PartnerSchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => getPartner(db, request.params.id),
  );

  app.post(
    '/v1/partners/:id/api-keys',
    {
      config,
      schema: {
        operationId: 'createPartnerApiKey',
        tags,
        summary: 'Issue an API key for the partner (admin); the key is shown in this answer only',
        description: 'Only a hash of the key is stored: it cannot be shown again. Issue a new one if it is lost.',
        security,
        params: IdParams,
        body: CreatePartnerApiKeyBodySchema,
        response: { 201: CreatedPartnerApiKeySchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request, reply) => {
      const created = await auditedWrite(db, request, 201, (tx) => createPartnerApiKey(tx, staffOf(request), request.params.id, request.body));
      request.log.info({ partnerId: created.partnerId, apiKeyId: created.id }, 'partner API key issued');
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/partners/:id/api-keys',
    {
      config,
      schema: {
        operationId: 'listPartnerApiKeys',
        tags,
        summary: 'The partner’s API keys: prefix, scopes, last use, revocation (never the key)',
        security,
        params: IdParams,
        querystring: PageQuerySchema,
        response: { 200: pageOf(PartnerApiKeySchema), ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => listPartnerApiKeyPage(db, request.params.id, request.query),
  );

  app.delete(
    '/v1/partners/:id/api-keys/:keyId',
    {
      config,
      schema: {
        operationId: 'revokePartnerApiKey',
        tags,
        summary: 'Revoke an API key (admin): it stops working at once',
        security,
        params: KeyParams,
        response: { 204: z.undefined(), ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request, reply) => {
      await auditedWrite(db, request, 204, (tx) => revokePartnerApiKey(tx, staffOf(request), request.params.id, request.params.keyId));
      request.log.info({ partnerId: request.params.id, apiKeyId: request.params.keyId }, 'partner API key revoked');
      return reply.code(204).send();
    },
  );
};
