import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ChangeReferralStatusBodySchema,
  CreateReferralBodySchema,
  PartnerReferralSchema,
  ReferralListQuerySchema,
  ReferralSchema,
  StaffReferralSchema,
  pageOf,
} from '@harbour/shared';
import type { Db } from '../../db/client';
import { STAFF_PROBLEMS, problems } from '../../lib/responses';
import { auditedWrite } from '../../plugins/audit';
import { staffOf } from '../../plugins/auth';
import { IdempotencyHeadersSchema, idempotencyOf, sendIdempotent, withIdempotency } from '../idempotency/idempotency';
import { partnerOf } from '../partners/partner-auth';
import { changeReferralStatus, createReferral, getReferral, listReferralPage, type ReferralCaller } from './referrals.service';

const IdParams = z.object({ id: z.uuid() });
const tags = ['referrals'];
const staffSecurity = [{ bearerAuth: [] }];
const partnerSecurity = [{ partnerKey: [] }];
const eitherSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { partnerKey: [] }];

const callerOf = (request: FastifyRequest): ReferralCaller => request.partner ?? staffOf(request);

export const referralsRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.post(
    '/v1/referrals',
    {
      config: { access: { partner: 'referrals:write' } },
      schema: {
        operationId: 'createReferral',
        tags,
        summary: 'Refer a person (partner API key with the referrals:write scope)',
        description:
          'The person must have agreed to be referred (`consentToShare: true`, else 422 CONSENT_REQUIRED) and be reachable by e-mail or phone. ' +
          'Send no offence detail. Honours `Idempotency-Key`.',
        security: partnerSecurity,
        headers: IdempotencyHeadersSchema,
        body: CreateReferralBodySchema,
        response: { 201: PartnerReferralSchema, ...STAFF_PROBLEMS, ...problems(409, 422) },
      },
    },
    async (request, reply) => {
      const partner = partnerOf(request);
      const idem = idempotencyOf(request, `partner:${partner.partnerId}`);
      // The referral, its messages, the key's answer and the request's audit event: one transaction.
      const result = await withIdempotency(db, idem, async (db) => ({
        status: 201,
        body: await auditedWrite(db, request, 201, (tx) => createReferral(tx, partner, request.body)),
      }));
      if (!result.replayed) request.log.info({ referralId: result.body.id, partnerId: partner.partnerId }, 'referral received');
      return sendIdempotent(reply, result);
    },
  );

  app.get(
    '/v1/referrals',
    {
      config: { access: { action: 'referrals:read', partner: 'referrals:read' } },
      schema: {
        operationId: 'listReferrals',
        tags,
        summary: 'Referrals, newest first: staff see all of them in full, a partner only its own (status and session dates)',
        security: eitherSecurity,
        querystring: ReferralListQuerySchema,
        response: { 200: pageOf(ReferralSchema), ...STAFF_PROBLEMS },
      },
    },
    async (request) => listReferralPage(db, callerOf(request), request.query),
  );

  app.get(
    '/v1/referrals/:id',
    {
      config: { access: { action: 'referrals:read', partner: 'referrals:read' }, audit: 'read' },
      schema: {
        operationId: 'getReferral',
        tags,
        summary: 'One referral: the full record for staff; status and session dates for its partner',
        description: 'Another partner’s referral answers 404, exactly like one that does not exist.',
        security: eitherSecurity,
        params: IdParams,
        response: { 200: ReferralSchema, ...STAFF_PROBLEMS, ...problems(404) },
      },
    },
    async (request) => getReferral(db, callerOf(request), request.params.id),
  );

  app.post(
    '/v1/referrals/:id/status',
    {
      config: { access: { action: 'referrals:write' } },
      schema: {
        operationId: 'changeReferralStatus',
        tags,
        summary: 'Move a referral on: contacted, enrolled (with participant and enrolment), completed, declined (reason code) or withdrawn',
        description: 'received → contacted → enrolled → completed; declined or withdrawn from received or contacted. Any other change → 409 INVALID_STATE.',
        security: staffSecurity,
        params: IdParams,
        body: ChangeReferralStatusBodySchema,
        response: { 200: StaffReferralSchema, ...STAFF_PROBLEMS, ...problems(404, 409, 422) },
      },
    },
    async (request) => {
      const referral = await auditedWrite(db, request, 200, (tx) => changeReferralStatus(tx, staffOf(request), request.params.id, request.body));
      request.log.info({ referralId: referral.id, status: referral.status }, 'referral status changed');
      return referral;
    },
  );
};
