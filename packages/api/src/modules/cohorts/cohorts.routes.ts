import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CancelCohortBodySchema,
  CohortCancellationSchema,
  CohortSchema,
  CreateCohortBodySchema,
  FacilitatorListSchema,
  ListCohortsQuerySchema,
  ReplaceSessionsBodySchema,
  SetFacilitatorsBodySchema,
  UpdateCohortBodySchema,
  pageOf,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS, problems } from '../../lib/responses';
import { auditedWrite } from '../../plugins/audit';
import { staffOf } from '../../plugins/auth';
import {
  assignFacilitators,
  listFacilitatorChoices,
  cancelCohort,
  changeCohort,
  cohortCalendar,
  completeCohort,
  createCohort,
  etagOf,
  getCohort,
  listCohortPage,
  publishCohort,
  rescheduleCohort,
} from './cohorts.service';

const IdParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['cohorts'];
/** Kept loose: the other request headers (Authorization…) must survive validation. */
const IfMatchHeaders = (required: boolean) =>
  z.looseObject({
    'if-match': z
      .string()
      .optional()
      .describe(required ? 'Required: the ETag of the cohort as read ("<version>").' : 'Optional: the ETag of the cohort as read; a stale one is refused (409).'),
  });

export const cohortsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/v1/cohorts',
    {
      config: { access: { action: 'cohorts:write' } },
      schema: {
        operationId: 'createCohort',
        tags,
        summary: 'Create a cohort (a draft) with its sessions',
        description:
          'The schedule is checked against the course (422 SCHEDULE_INVALID) and the size limits may only narrow the course’s ' +
          '(422 SIZE_LIMITS_INVALID). A draft may be created without its venue or joining link; publishing needs them.',
        security,
        body: CreateCohortBodySchema,
        response: { 201: CohortSchema, ...STAFF_PROBLEMS, ...problems(404, 422) },
      },
    },
    async (request, reply) => {
      const cohort = await auditedWrite(db, request, 201, (tx) => createCohort(tx, request.body, staffOf(request)));
      request.log.info({ cohortId: cohort.id }, 'cohort created');
      return reply.code(201).header('etag', etagOf(cohort)).send(cohort);
    },
  );

  app.get(
    '/v1/cohorts',
    {
      config: { access: { action: 'cohorts:read' } },
      schema: {
        operationId: 'listCohorts',
        tags,
        summary: 'List cohorts by first session (facilitators: only their own)',
        security,
        querystring: ListCohortsQuerySchema,
        response: { 200: pageOf(CohortSchema), ...STAFF_PROBLEMS },
      },
    },
    async (request) => listCohortPage(db, staffOf(request), request.query),
  );

  app.get(
    '/v1/cohorts/:id',
    {
      config: { access: { action: 'cohorts:read' } },
      schema: {
        operationId: 'getCohort',
        tags,
        summary: 'One cohort with its sessions, counts and facilitators',
        security,
        params: IdParams,
        response: { 200: CohortSchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request, reply) => {
      const cohort = await getCohort(db, staffOf(request), request.params.id);
      return reply.header('etag', etagOf(cohort)).send(cohort);
    },
  );

  app.patch(
    '/v1/cohorts/:id',
    {
      config: { access: { action: 'cohorts:write' } },
      schema: {
        operationId: 'updateCohort',
        tags,
        summary: 'Change a cohort’s details (If-Match required)',
        description:
          'Not once completed or cancelled (409 INVALID_STATE). Without If-Match: 428; with a stale one: 409 ETAG_MISMATCH. ' +
          'A higher maximum offers the new seats to the people waiting; a minimum the confirmed seats reach confirms an open cohort.',
        security,
        params: IdParams,
        headers: IfMatchHeaders(true),
        body: UpdateCohortBodySchema,
        response: { 200: CohortSchema, ...STAFF_PROBLEMS, ...problems(404, 409, 422, 428) },
      },
    },
    async (request, reply) => {
      const cohort = await auditedWrite(db, request, 200, (tx) => changeCohort(tx, staffOf(request), request.params.id, request.body, request.headers['if-match']));
      request.log.info({ cohortId: cohort.id }, 'cohort changed');
      return reply.header('etag', etagOf(cohort)).send(cohort);
    },
  );

  app.put(
    '/v1/cohorts/:id/sessions',
    {
      config: { access: { action: 'cohorts:write' } },
      schema: {
        operationId: 'replaceCohortSessions',
        tags,
        summary: 'Replace the schedule (draft or open cohorts; an open one’s sessions must all be in the future)',
        security,
        params: IdParams,
        headers: IfMatchHeaders(false),
        body: ReplaceSessionsBodySchema,
        response: { 200: CohortSchema, ...STAFF_PROBLEMS, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const cohort = await auditedWrite(db, request, 200, (tx) => rescheduleCohort(tx, staffOf(request), request.params.id, request.body, request.headers['if-match']));
      request.log.info({ cohortId: cohort.id }, 'cohort rescheduled');
      return reply.header('etag', etagOf(cohort)).send(cohort);
    },
  );

  app.post(
    '/v1/cohorts/:id/publish',
    {
      config: { access: { action: 'cohorts:write' } },
      schema: {
        operationId: 'publishCohort',
        tags,
        summary: 'Open a draft cohort for enrolment',
        description:
          'Needs every session in the future, a venue (in person) or joining link (online), and an enrolment deadline not yet passed: ' +
          'otherwise 422 RULE_VIOLATION with errors. Not a draft: 409 INVALID_STATE.',
        security,
        params: IdParams,
        headers: IfMatchHeaders(false),
        response: { 200: CohortSchema, ...STAFF_PROBLEMS, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const cohort = await auditedWrite(db, request, 200, (tx) => publishCohort(tx, staffOf(request), request.params.id, request.headers['if-match']));
      request.log.info({ cohortId: cohort.id }, 'cohort published');
      return reply.header('etag', etagOf(cohort)).send(cohort);
    },
  );

  app.post(
    '/v1/cohorts/:id/cancel',
    {
      config: { access: { action: 'cohorts:write' } },
      schema: {
        operationId: 'cancelCohort',
        tags,
        summary: 'Cancel a cohort: removes every live enrolment and marks paid fees for refund',
        security,
        params: IdParams,
        headers: IfMatchHeaders(false),
        body: CancelCohortBodySchema,
        response: { 200: CohortCancellationSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request, reply) => {
      const result = await auditedWrite(db, request, 200, (tx) => cancelCohort(tx, staffOf(request), request.params.id, request.body, request.headers['if-match']));
      request.log.info({ cohortId: result.cohort.id, peopleAffected: result.peopleAffected }, 'cohort cancelled');
      return reply.header('etag', etagOf(result.cohort)).send(result);
    },
  );

  app.post(
    '/v1/cohorts/:id/complete',
    {
      config: { access: { action: 'cohorts:write' } },
      schema: {
        operationId: 'completeCohort',
        tags,
        summary: 'Mark an in-progress cohort as completed, once its last session has ended (409 INVALID_STATE before)',
        security,
        params: IdParams,
        headers: IfMatchHeaders(false),
        response: { 200: CohortSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request, reply) => {
      const cohort = await auditedWrite(db, request, 200, (tx) => completeCohort(tx, staffOf(request), request.params.id, request.headers['if-match']));
      request.log.info({ cohortId: cohort.id }, 'cohort completed');
      return reply.header('etag', etagOf(cohort)).send(cohort);
    },
  );

  app.get(
    '/v1/facilitators',
    {
      config: { access: { action: 'cohorts:write' } },
      schema: {
        operationId: 'listFacilitators',
        tags,
        summary: 'Who can facilitate a cohort: active staff with the facilitator role (id and name only), by name',
        security,
        response: { 200: FacilitatorListSchema, ...STAFF_PROBLEMS },
      },
    },
    async () => listFacilitatorChoices(db),
  );

  app.put(
    '/v1/cohorts/:id/facilitators',
    {
      config: { access: { action: 'cohorts:write' } },
      schema: {
        operationId: 'setCohortFacilitators',
        tags,
        summary: 'Set who facilitates a cohort (each must have the facilitator role)',
        security,
        params: IdParams,
        headers: IfMatchHeaders(false),
        body: SetFacilitatorsBodySchema,
        response: { 200: CohortSchema, ...STAFF_PROBLEMS, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const cohort = await auditedWrite(db, request, 200, (tx) => assignFacilitators(tx, staffOf(request), request.params.id, request.body, request.headers['if-match']));
      request.log.info({ cohortId: cohort.id }, 'cohort facilitators set');
      return reply.header('etag', etagOf(cohort)).send(cohort);
    },
  );

  app.get(
    '/v1/cohorts/:id/calendar.ics',
    {
      config: { access: { action: 'cohorts:read' } },
      schema: {
        operationId: 'getCohortCalendar',
        tags,
        summary: 'The sessions as an iCalendar file (neutral wording, Europe/London times, no joining link)',
        security,
        params: IdParams,
        response: {
          200: { description: 'An iCalendar file', content: { 'text/calendar': { schema: z.string() } } },
          ...STAFF_PROBLEMS,
          ...problems(404),
        },
      },
    },
    async (request, reply) => {
      const ics = await cohortCalendar(db, staffOf(request), request.params.id);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'attachment; filename="sessions.ics"')
        .send(ics);
    },
  );
};
