import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateDeclarationBodySchema,
  CreateDeclarationVersionBodySchema,
  CurrentDeclarationVersionQuerySchema,
  DeclarationQueueItemSchema,
  DeclarationQueueQuerySchema,
  DeclarationRecordSchema,
  DeclarationSchema,
  DeclarationVersionSchema,
  PageQuerySchema,
  ReviewDeclarationBodySchema,
  pageOf,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS, problems } from '../../lib/responses';
import { auditedWrite, peopleInItems } from '../../plugins/audit';
import { staffOf } from '../../plugins/auth';
import {
  createDeclarationVersion,
  getCurrentDeclarationVersion,
  listDeclarationHistory,
  listDeclarationQueue,
  recordDeclaration,
  reviewDeclaration,
} from './declarations.service';

const IdParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['declarations'];

export const declarationsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/v1/declaration-versions/current',
    {
      config: { access: { action: 'declarations:read' } },
      schema: {
        operationId: 'getCurrentDeclarationVersion',
        tags,
        summary: 'The wording a declaration for this course must be made under now',
        security,
        querystring: CurrentDeclarationVersionQuerySchema,
        response: { 200: DeclarationVersionSchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => getCurrentDeclarationVersion(db, request.query.courseId),
  );

  app.post(
    '/v1/declaration-versions',
    {
      config: { access: { action: 'declaration_versions:write' } },
      schema: {
        operationId: 'createDeclarationVersion',
        tags,
        summary: 'Publish the next version of a course’s declaration wording (admin; same wording → 409 DUPLICATE)',
        security,
        body: CreateDeclarationVersionBodySchema,
        response: { 201: DeclarationVersionSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await auditedWrite(db, request, 201, (tx) => createDeclarationVersion(tx, request.body))),
  );

  app.post(
    '/v1/participants/:id/declarations',
    {
      config: { access: { action: 'declarations:write' } },
      schema: {
        operationId: 'createDeclaration',
        tags,
        summary: 'Record a declaration under the current wording and answer its outcome',
        description:
          'Unknown participant or declarationVersionId → 404 NOT_FOUND; a superseded version → 422 DECLARATION_VERSION_NOT_CURRENT. ' +
          '`signposting` is present only when the outcome is ineligible.',
        security,
        params: IdParams,
        body: CreateDeclarationBodySchema,
        response: { 201: DeclarationSchema, ...STAFF_PROBLEMS, ...problems(404, 422) },
      },
    },
    async (request, reply) => {
      const declaration = await auditedWrite(db, request, 201, (tx) => recordDeclaration(tx, staffOf(request), request.params.id, request.body));
      request.log.info({ participantId: declaration.participantId, declarationId: declaration.id }, 'declaration recorded');
      return reply.code(201).send(declaration);
    },
  );

  app.get(
    '/v1/participants/:id/declarations',
    {
      config: { access: { action: 'declarations:read' }, audit: 'read' },
      schema: {
        operationId: 'listParticipantDeclarations',
        tags,
        summary: 'A participant’s declarations with their answers, newest first',
        security,
        params: IdParams,
        querystring: PageQuerySchema,
        response: { 200: pageOf(DeclarationRecordSchema), ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => {
      const page = await listDeclarationHistory(db, request.params.id, request.query);
      request.log.info({ participantId: request.params.id, actorId: staffOf(request).id }, 'declarations read');
      return page;
    },
  );

  app.post(
    '/v1/declarations/:id/review',
    {
      config: { access: { action: 'declarations:review' } },
      schema: {
        operationId: 'reviewDeclaration',
        tags,
        summary: 'Resolve a needs_review declaration with a new staff-entered declaration',
        description: 'Only the participant’s latest declaration, and only when it needs review; otherwise 409 REVIEW_NOT_NEEDED.',
        security,
        params: IdParams,
        body: ReviewDeclarationBodySchema,
        response: { 201: DeclarationSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request, reply) => {
      const declaration = await auditedWrite(db, request, 201, (tx) => reviewDeclaration(tx, staffOf(request), request.params.id, request.body));
      request.log.info({ declarationId: declaration.id, reviewOfId: request.params.id }, 'declaration reviewed');
      return reply.code(201).send(declaration);
    },
  );

  app.get(
    '/v1/declarations',
    {
      // Names beside outcomes and reasons: a read of each person shown.
      config: { access: { action: 'declarations:read' }, audit: 'read', auditPeople: peopleInItems((d) => d.participant?.id) },
      schema: {
        operationId: 'listDeclarationQueue',
        tags,
        summary: 'Participants whose latest declaration has this outcome (default needs_review: the review queue), oldest first',
        security,
        querystring: DeclarationQueueQuerySchema,
        response: { 200: pageOf(DeclarationQueueItemSchema), ...STAFF_PROBLEMS },
      },
    },
    async (request) => listDeclarationQueue(db, request.query),
  );
};
