import { IdempotencyHeadersSchema, idempotencyOf, sendIdempotent, withIdempotency } from '../idempotency/idempotency';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateEnrolmentBodySchema,
  EnrolmentActionBodySchema,
  EnrolmentHistorySchema,
  EnrolmentSchema,
  ParticipantEnrolmentListSchema,
  RecordAttendanceBodySchema,
  RosterPageSchema,
  RosterQuerySchema,
  SessionAttendanceListSchema,
  UpdateEnrolmentBodySchema,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS, problems } from '../../lib/responses';
import { auditedWrite, peopleInItems } from '../../plugins/audit';
import { staffOf } from '../../plugins/auth';
import {
  acceptOffer,
  completeEnrolment,
  declineOffer,
  enrol,
  exportRosterCsv,
  getEnrolmentHistory,
  listCohortEnrolments,
  listParticipantEnrolments,
  recordAttendance,
  removeEnrolment,
  updateEnrolmentDetails,
  withdrawEnrolment,
} from './enrolments.service';

const IdParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['enrolments'];
// The body is optional for these actions: a POST without one (Fastify reads it as null) is fine.
const OptionalActionBody = EnrolmentActionBodySchema.nullish();

export const enrolmentsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/v1/cohorts/:id/enrolments',
    {
      config: { access: { action: 'enrolments:write' } },
      schema: {
        operationId: 'enrolParticipant',
        tags,
        summary: 'Enrol a participant: a confirmed seat when one is free, else a waitlist place',
        description: 'An `Idempotency-Key` header makes a retry safe: the same key and body replay the first answer.',
        security,
        params: IdParams,
        headers: IdempotencyHeadersSchema,
        body: CreateEnrolmentBodySchema,
        response: { 201: EnrolmentSchema, ...STAFF_PROBLEMS, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = staffOf(request);
      const result = await withIdempotency(db, idempotencyOf(request, `staff:${actor.id}`), async (tx) => ({
        status: 201,
        body: await auditedWrite(tx, request, 201, (t) => enrol(t, actor, request.params.id, request.body.participantId)),
      }));
      if (!result.replayed) {
        request.log.info({ enrolmentId: result.body.id, cohortId: result.body.cohortId, status: result.body.status }, 'enrolment created');
      }
      return sendIdempotent(reply, result);
    },
  );

  app.get(
    '/v1/cohorts/:id/enrolments',
    {
      config: { access: { action: 'enrolments:read' }, audit: 'read', auditPeople: peopleInItems((e) => e.participant?.id) },
      schema: {
        operationId: 'listCohortEnrolments',
        tags,
        summary: 'Roster and waitlist of a cohort, with contact, payment, manual and attendance',
        description: 'In the order people enrolled; `waitlistPosition` gives the waitlist order. Facilitators see only their cohorts.',
        security,
        params: IdParams,
        querystring: RosterQuerySchema,
        response: { 200: RosterPageSchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => listCohortEnrolments(db, staffOf(request), request.params.id, request.query),
  );

  app.get(
    '/v1/participants/:id/enrolments',
    {
      config: { access: { action: 'enrolments:read' }, audit: 'read' },
      schema: {
        operationId: 'listParticipantEnrolments',
        tags,
        summary: 'A participant’s enrolments, newest first, with cohort, waitlist place, offer expiry and payment',
        description: 'Facilitators see only enrolments in cohorts assigned to them (none there: 404).',
        security,
        params: IdParams,
        response: { 200: ParticipantEnrolmentListSchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => listParticipantEnrolments(db, staffOf(request), request.params.id),
  );

  app.get(
    '/v1/cohorts/:id/roster.csv',
    {
      config: { access: { action: 'roster:export' }, audit: 'read' },
      schema: {
        operationId: 'exportCohortRoster',
        tags,
        summary: 'The roster as CSV (confirmed, offered and waitlisted people, with attendance per session)',
        security,
        params: IdParams,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV, UTF-8 with a byte order mark'), ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request, reply) => {
      const { filename, csv } = await exportRosterCsv(db, staffOf(request), request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(csv);
    },
  );

  const endRoute = (verb: 'withdraw' | 'remove', summary: string, run: typeof withdrawEnrolment) =>
    app.post(
      `/v1/enrolments/:id/${verb}`,
      {
        config: { access: { action: 'enrolments:write' } },
        schema: {
          operationId: `${verb}Enrolment`,
          tags,
          summary,
          security,
          params: IdParams,
          body: OptionalActionBody,
          response: { 200: EnrolmentSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
        },
      },
      async (request) => auditedWrite(db, request, 200, (tx) => run(tx, staffOf(request), request.params.id, request.body?.reason)),
    );
  endRoute('withdraw', 'The person withdraws; a freed seat is offered to the first person waiting', withdrawEnrolment);
  endRoute('remove', 'Staff remove the person; a freed seat is offered to the first person waiting', removeEnrolment);

  app.post(
    '/v1/enrolments/:id/accept',
    {
      config: { access: { action: 'enrolments:write' } },
      schema: {
        operationId: 'acceptOffer',
        tags,
        summary: 'Accept a live offer of a seat (409 OFFER_NOT_LIVE once it has expired)',
        security,
        params: IdParams,
        response: { 200: EnrolmentSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request) => auditedWrite(db, request, 200, (tx) => acceptOffer(tx, staffOf(request), request.params.id)),
  );

  app.post(
    '/v1/enrolments/:id/decline',
    {
      config: { access: { action: 'enrolments:write' } },
      schema: {
        operationId: 'declineOffer',
        tags,
        summary: 'Decline an offer of a seat; the next person waiting is offered it',
        security,
        params: IdParams,
        body: OptionalActionBody,
        response: { 200: EnrolmentSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request) => auditedWrite(db, request, 200, (tx) => declineOffer(tx, staffOf(request), request.params.id, request.body?.reason)),
  );

  app.post(
    '/v1/enrolments/:id/complete',
    {
      config: { access: { action: 'enrolments:write' } },
      schema: {
        operationId: 'completeEnrolment',
        tags,
        summary: 'Mark a confirmed enrolment completed (the coordinator decides; nothing completes automatically)',
        security,
        params: IdParams,
        response: { 200: EnrolmentSchema, ...STAFF_PROBLEMS, ...problems(404, 409) },
      },
    },
    async (request) => auditedWrite(db, request, 200, (tx) => completeEnrolment(tx, staffOf(request), request.params.id)),
  );

  app.patch(
    '/v1/enrolments/:id',
    {
      config: { access: { action: 'enrolments:update' } },
      schema: {
        operationId: 'updateEnrolment',
        tags,
        summary: 'Record payment (coordinators) or the manual issued (facilitators too)',
        security,
        params: IdParams,
        body: UpdateEnrolmentBodySchema,
        response: { 200: EnrolmentSchema, ...STAFF_PROBLEMS, ...problems(404, 422) },
      },
    },
    async (request) => auditedWrite(db, request, 200, (tx) => updateEnrolmentDetails(tx, staffOf(request), request.params.id, request.body)),
  );

  app.get(
    '/v1/enrolments/:id/history',
    {
      config: { access: { action: 'enrolments:read' }, audit: 'read' },
      schema: {
        operationId: 'getEnrolmentHistory',
        tags,
        summary: 'Every state change of an enrolment, oldest first, with who made it',
        security,
        params: IdParams,
        response: { 200: EnrolmentHistorySchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => getEnrolmentHistory(db, staffOf(request), request.params.id),
  );

  app.put(
    '/v1/sessions/:id/attendance',
    {
      config: { access: { action: 'attendance:write' } },
      schema: {
        operationId: 'recordAttendance',
        tags,
        summary: 'Record attendance at a session (confirmed or completed delegates of its cohort)',
        security,
        params: IdParams,
        body: RecordAttendanceBodySchema,
        response: { 200: SessionAttendanceListSchema, ...STAFF_PROBLEMS, ...problems(404, 422) },
      },
    },
    async (request) => auditedWrite(db, request, 200, (tx) => recordAttendance(tx, staffOf(request), request.params.id, request.body)),
  );
};
