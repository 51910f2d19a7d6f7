import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { OutboxListQuerySchema, OutboxMessageSchema, pageOf } from '@harbour/shared';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS } from '../../lib/responses';
import { listOutboxPage } from './outbox.service';

export const outboxRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/v1/outbox',
    {
      config: { access: { action: 'outbox:read' } },
      schema: {
        operationId: 'listOutboxMessages',
        tags: ['outbox'],
        summary: 'Outgoing e-mails and webhook deliveries, newest first (admin)',
        description:
          'Held e-mails (no mail server configured) and failed messages (every retry spent) are listed here for admins to act on.',
        security: [{ bearerAuth: [] }],
        querystring: OutboxListQuerySchema,
        response: { 200: pageOf(OutboxMessageSchema), ...STAFF_PROBLEMS },
      },
    },
    async (request) => listOutboxPage(db, request.query),
  );
};
