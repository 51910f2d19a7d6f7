import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  RaiseSafeguardingConcernBodySchema,
  ResolveSafeguardingConcernBodySchema,
  SafeguardingConcernListQuerySchema,
  SafeguardingConcernReceiptSchema,
  SafeguardingConcernSchema,
  pageOf,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS, problems } from '../../lib/responses';
import { auditContextOf } from '../../plugins/audit';
import { auditedWrite } from '../../plugins/audit';
import { staffOf } from '../../plugins/auth';
import { getConcern, listConcernPage, raiseConcern, resolveConcern } from './safeguarding.service';

const IdParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['safeguarding'];

export const safeguardingRoutes: FastifyPluginAsyncZod<{ db: Db; /** PUBLIC_URL, for the link in the leads' notice. */ publicUrl?: string }> = async (
  app,
  { db, publicUrl },
) => {
  app.post(
    '/v1/safeguarding-concerns',
    {
      config: { access: { action: 'safeguarding:raise' } },
      schema: {
        operationId: 'raiseSafeguardingConcern',
        tags,
        summary: 'Raise a safeguarding concern about a participant and/or a cohort',
        description:
          'Facilitators, coordinators, safeguarding leads and admins. A facilitator may name only cohorts assigned to them and ' +
          'people enrolled in those (otherwise 404). The answer is a receipt: only safeguarding leads and admins read concerns. ' +
          'The active safeguarding leads (the admins, when there is none) are e-mailed that a concern is waiting, without its content.',
        security,
        body: RaiseSafeguardingConcernBodySchema,
        response: { 201: SafeguardingConcernReceiptSchema, ...STAFF_PROBLEMS, ...problems(404, 422) },
      },
    },
    async (request, reply) => {
      const receipt = await auditedWrite(db, request, 201, (tx) => raiseConcern(tx, staffOf(request), request.body, { publicUrl }));
      request.log.info({ concernId: receipt.id }, 'safeguarding concern raised');
      return reply.code(201).send(receipt);
    },
  );

  app.get(
    '/v1/safeguarding-concerns',
    {
      config: { access: { action: 'safeguarding:read' }, audit: 'read' },
      schema: {
        operationId: 'listSafeguardingConcerns',
        tags,
        summary: 'Safeguarding concerns, newest first (safeguarding leads and admins; each one shown is audited)',
        security,
        querystring: SafeguardingConcernListQuerySchema,
        response: { 200: pageOf(SafeguardingConcernSchema), ...STAFF_PROBLEMS },
      },
    },
    async (request) => listConcernPage(db, auditContextOf(request), request.query),
  );

  app.get(
    '/v1/safeguarding-concerns/:id',
    {
      config: { access: { action: 'safeguarding:read' }, audit: 'read' },
      schema: {
        operationId: 'getSafeguardingConcern',
        tags,
        summary: 'One safeguarding concern (safeguarding leads and admins; audited)',
        security,
        params: IdParams,
        response: { 200: SafeguardingConcernSchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => getConcern(db, request.params.id),
  );

  app.post(
    '/v1/safeguarding-concerns/:id/resolve',
    {
      config: { access: { action: 'safeguarding:resolve' } },
      schema: {
        operationId: 'resolveSafeguardingConcern',
        tags,
        summary: 'Resolve an open safeguarding concern, saying what was done (409 INVALID_STATE when already resolved)',
        security,
        params: IdParams,
        body: ResolveSafeguardingConcernBodySchema,
        response: { 200: SafeguardingConcernSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request) => {
      const concern = await auditedWrite(db, request, 200, (tx) => resolveConcern(tx, staffOf(request), request.params.id, request.body));
      request.log.info({ concernId: concern.id }, 'safeguarding concern resolved');
      return concern;
    },
  );
};
