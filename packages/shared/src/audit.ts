import { z } from 'zod';
import { PageQuerySchema } from './pagination';

/** The audit trail as admins read it: ids, never personal data. */
export const AUDIT_ACTOR_KINDS = ['staff', 'partner', 'anonymous', 'system'] as const;
export const AuditActorKindSchema = z.enum(AUDIT_ACTOR_KINDS);
export type AuditActorKind = z.infer<typeof AuditActorKindSchema>;

/** success: 1xx–3xx; denied: 401/403 (and throttled sign-ins, 429); failed: any other error. */
export const AUDIT_OUTCOMES = ['success', 'denied', 'failed'] as const;
export const AuditOutcomeSchema = z.enum(AUDIT_OUTCOMES);
export type AuditOutcome = z.infer<typeof AuditOutcomeSchema>;

/** Event names that are not a route's operationId. */
export const AUDIT_LOGIN_SUCCEEDED = 'auth.login.succeeded';
export const AUDIT_LOGIN_FAILED = 'auth.login.failed';
/** The password was right and a second step (MFA code) is now asked for: not yet signed in. */
export const AUDIT_LOGIN_MFA_CHALLENGED = 'auth.login.mfa_challenged';

export const AuditEventSchema = z
  .object({
    id: z.uuid(),
    at: z.iso.datetime(),
    actorKind: AuditActorKindSchema,
    actorId: z.uuid().nullable(),
    actorRoles: z.array(z.string()),
    action: z.string().describe('The route’s operationId (e.g. getParticipant) or an event such as auth.login.failed'),
    entityType: z.string().nullable().describe('e.g. participant, cohort, enrolment, user; email_sha256 for a failed sign-in'),
    entityId: z.string().nullable(),
    outcome: AuditOutcomeSchema,
    statusCode: z.number().int().nullable(),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    subjectIds: z.array(z.uuid()).describe('The participants a list read showed (a search, the review queue, a roster); empty otherwise'),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditEventListQuerySchema = PageQuerySchema.extend({
  actorId: z.uuid().optional(),
  entityType: z.string().trim().min(1).max(100).optional(),
  entityId: z.string().trim().min(1).max(200).optional(),
  action: z.string().trim().min(1).max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Events at or after this instant'),
  to: z.iso.datetime({ offset: true }).optional().describe('Events before this instant'),
});
export type AuditEventListQuery = z.infer<typeof AuditEventListQuerySchema>;
