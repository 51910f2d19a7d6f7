import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateParticipantBodySchema,
  DuplicateEmailProblemSchema,
  ParticipantListItemSchema,
  ParticipantListQuerySchema,
  ParticipantSchema,
  UpdateParticipantBodySchema,
  pageOf,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS, problems } from '../../lib/responses';
import { auditedWrite, peopleInItems } from '../../plugins/audit';
import { staffOf } from '../../plugins/auth';
import { changeParticipant, createParticipant, getParticipant, listParticipantPage } from './participants.service';

const IdParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['participants'];

export const participantsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/v1/participants',
    {
      config: { access: { action: 'participants:write' } },
      schema: {
        operationId: 'createParticipant',
        tags,
        summary: 'Add a participant (409 DUPLICATE_EMAIL with existingId when the e-mail is taken)',
        security,
        body: CreateParticipantBodySchema,
        response: { 201: ParticipantSchema, ...STAFF_PROBLEMS, 409: DuplicateEmailProblemSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await auditedWrite(db, request, 201, (tx) => createParticipant(tx, staffOf(request), request.body))),
  );

  app.get(
    '/v1/participants',
    {
      config: { access: { action: 'participants:read' }, audit: 'read', auditPeople: peopleInItems((p) => p.id) },
      schema: {
        operationId: 'listParticipants',
        tags,
        summary: 'Search participants by name or e-mail, ordered by last name, first name',
        security,
        querystring: ParticipantListQuerySchema,
        response: { 200: pageOf(ParticipantListItemSchema), ...STAFF_PROBLEMS },
      },
    },
    async (request) => listParticipantPage(db, request.query),
  );

  app.get(
    '/v1/participants/:id',
    {
      config: { access: { action: 'participants:read' }, audit: 'read' },
      schema: {
        operationId: 'getParticipant',
        tags,
        summary: 'One participant with a summary of their latest declaration',
        security,
        params: IdParams,
        response: { 200: ParticipantSchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => {
      const participant = await getParticipant(db, request.params.id);
      // Reads of a person's record are accounted for (ids only, never personal data).
      request.log.info({ participantId: participant.id, actorId: staffOf(request).id }, 'participant read');
      return participant;
    },
  );

  app.patch(
    '/v1/participants/:id',
    {
      config: { access: { action: 'participants:write' } },
      schema: {
        operationId: 'updateParticipant',
        tags,
        summary: 'Change a participant’s details (partial)',
        security,
        params: IdParams,
        body: UpdateParticipantBodySchema,
        response: { 200: ParticipantSchema, ...STAFF_PROBLEMS, ...problems(404), 409: DuplicateEmailProblemSchema },
      },
    },
    async (request) => auditedWrite(db, request, 200, (tx) => changeParticipant(tx, request.params.id, request.body)),
  );
};
