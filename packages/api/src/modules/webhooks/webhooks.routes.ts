import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreatedWebhookSubscriptionSchema,
  CreateWebhookBodySchema,
  PageQuerySchema,
  WebhookDeliverySchema,
  WebhookSubscriptionSchema,
  pageOf,
} from '@harbour/shared';
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import { problems } from '../../lib/responses';
import { auditedWrite } from '../../plugins/audit';
import { partnerOf } from '../partners/partner-auth';
import { createWebhook, deleteWebhook, listDeliveryPage, listWebhookPage, redeliverWebhook } from './webhooks.service';

const IdParams = z.object({ id: z.uuid() });
const DeliveryParams = z.object({ id: z.uuid(), deliveryId: z.uuid() });
const security = [{ partnerKey: [] }];
const tags = ['webhooks'];
const PARTNER_PROBLEMS = problems(400, 401, 403, 429, 500);
const config = { access: { partner: 'webhooks:manage' as const } };

const SIGNING =
  'Each delivery is a POST of `{ type, timestamp, data }` signed per Standard Webhooks: headers `webhook-id` (the same on every retry: deduplicate on it), ' +
  '`webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the base64-decoded part of the `whsec_` secret). ' +
  'Failed deliveries are retried after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h; an answer of 410 Gone disables the subscription.';

export const webhooksRoutes: FastifyPluginAsyncZod<{ db: Db; config: Config }> = async (app, { db, config: appConfig }) => {
  const policy = { allowPrivate: appConfig.WEBHOOK_ALLOW_PRIVATE };

  app.post(
    '/v1/webhooks',
    {
      config,
      schema: {
        operationId: 'createWebhook',
        tags,
        summary: 'Subscribe to events (partner key); the signing secret is shown once',
        description: `The URL must be https and reach a public address (422 WEBHOOK_URL_NOT_ALLOWED otherwise). ${SIGNING}`,
        security,
        body: CreateWebhookBodySchema,
        response: { 201: CreatedWebhookSubscriptionSchema, ...PARTNER_PROBLEMS, ...problems(422) },
      },
    },
    async (request, reply) => {
      const partner = partnerOf(request);
      const created = await createWebhook(db, partner.partnerId, request.body, policy, (write) => auditedWrite(db, request, 201, write));
      request.log.info({ partnerId: partner.partnerId, subscriptionId: created.id }, 'webhook subscription created');
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/webhooks',
    {
      config,
      schema: {
        operationId: 'listWebhooks',
        tags,
        summary: 'The calling partner’s webhook subscriptions',
        security,
        querystring: PageQuerySchema,
        response: { 200: pageOf(WebhookSubscriptionSchema), ...PARTNER_PROBLEMS },
      },
    },
    async (request) => listWebhookPage(db, partnerOf(request).partnerId, request.query),
  );

  app.delete(
    '/v1/webhooks/:id',
    {
      config,
      schema: {
        operationId: 'deleteWebhook',
        tags,
        summary: 'Unsubscribe; deliveries still waiting are cancelled',
        security,
        params: IdParams,
        response: { 204: z.null().describe('Deleted'), ...PARTNER_PROBLEMS, ...problems(404) },
      },
    },
    async (request, reply) => {
      const partner = partnerOf(request);
      await auditedWrite(db, request, 204, (tx) => deleteWebhook(tx, partner.partnerId, request.params.id));
      request.log.info({ partnerId: partner.partnerId, subscriptionId: request.params.id }, 'webhook subscription deleted');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      config,
      schema: {
        operationId: 'listWebhookDeliveries',
        tags,
        summary: 'Delivery log of a subscription, newest first, with every attempt',
        security,
        params: IdParams,
        querystring: PageQuerySchema,
        response: { 200: pageOf(WebhookDeliverySchema), ...PARTNER_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => listDeliveryPage(db, partnerOf(request).partnerId, request.params.id, request.query),
  );

  app.post(
    '/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      config,
      schema: {
        operationId: 'redeliverWebhook',
        tags,
        summary: 'Send a delivery again (same webhook-id and body)',
        security,
        params: DeliveryParams,
        response: { 202: WebhookDeliverySchema, ...PARTNER_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await auditedWrite(db, request, 202, (tx) => redeliverWebhook(tx, partnerOf(request).partnerId, request.params.id, request.params.deliveryId))),
  );
};
