import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErasureResultSchema, ParticipantExportSchema } from '@harbour/shared';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS, problems } from '../../lib/responses';
import { auditedWrite } from '../../plugins/audit';
import { staffOf } from '../../plugins/auth';
import { eraseParticipant, exportParticipant } from './data-protection.service';

const IdParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['data protection'];

// Both admin only (actions data:export / data:erase): a subject access export is the whole record
// in one file, and erasure cannot be undone; both are on the audit trail.
export const dataProtectionRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/v1/participants/:id/export',
    {
      config: { access: { action: 'data:export' }, audit: 'read' },
      schema: {
        operationId: 'exportParticipant',
        tags,
        summary: 'Subject access export: everything held about a participant, and who read their record (admin)',
        description:
          'Details, declarations with answers and the wording agreed to, enrolments with history and attendance, and the ' +
          'audit trail of their record. Safeguarding concerns are never included. An erased participant is 404.',
        security,
        params: IdParams,
        response: { 200: ParticipantExportSchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request, reply) => {
      const data = await exportParticipant(db, request.params.id);
      request.log.info({ participantId: data.participant.id }, 'participant exported');
      return reply.header('content-disposition', `attachment; filename="participant-${data.participant.id}.json"`).send(data);
    },
  );

  app.post(
    '/v1/participants/:id/erase',
    {
      config: { access: { action: 'data:erase' } },
      schema: {
        operationId: 'eraseParticipant',
        tags,
        summary: 'Erase a participant: personal data removed, a tombstone and the audit trail kept (admin)',
        description:
          'Names and contact details are replaced, declaration answers and notes are shredded, free-text enrolment notes removed. ' +
          'Enrolments and attendance stay as anonymous statistics. Someone still holding or waiting for a place in a cohort ' +
          'that has not ended → 409 INVALID_STATE (withdraw them first). Already erased or unknown → 404.',
        security,
        params: IdParams,
        response: { 200: ErasureResultSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request) => {
      const result = await auditedWrite(db, request, 200, (tx) => eraseParticipant(tx, staffOf(request), request.params.id));
      request.log.info({ participantId: result.id }, 'participant erased');
      return result;
    },
  );
};
