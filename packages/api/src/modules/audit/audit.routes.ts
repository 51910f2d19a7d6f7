import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AuditEventListQuerySchema, AuditEventSchema, pageOf } from '@harbour/shared';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS } from '../../lib/responses';
import { listAuditEventPage } from './audit.service';

export const auditRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/v1/audit-events',
    {
      // Reading the trail is itself on the trail.
      config: { access: { action: 'audit:read' }, audit: 'read' },
      schema: {
        operationId: 'listAuditEvents',
        tags: ['audit'],
        summary: 'Who did or read what, when, from where (admin); newest first',
        description:
          'Every sign-in (succeeded or failed), every write, and every read of a participant’s record. Ids only: ' +
          'no personal data. `from` is inclusive, `to` exclusive.',
        security: [{ bearerAuth: [] }],
        querystring: AuditEventListQuerySchema,
        response: { 200: pageOf(AuditEventSchema), ...STAFF_PROBLEMS },
      },
    },
    async (request) => listAuditEventPage(db, request.query),
  );
};
