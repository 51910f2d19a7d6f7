// Partner organisations (probation services, charities, helplines) and their API keys.
import { z } from 'zod';
import { EmailSchema } from './auth';
import { PageQuerySchema } from './pagination';

/** What a partner API key may do. Separate from staff actions: partners are not staff. */
export const PARTNER_SCOPES = ['referrals:write', 'referrals:read', 'webhooks:manage'] as const;
export const PartnerScopeSchema = z.enum(PARTNER_SCOPES);
export type PartnerScope = z.infer<typeof PartnerScopeSchema>;

export const PARTNER_SCOPE_LABELS: Record<PartnerScope, string> = {
  'referrals:write': 'Send referrals',
  'referrals:read': 'Read its own referrals',
  'webhooks:manage': 'Manage its webhooks',
};

/** Every partner key starts with this, so a bearer token says which kind it is. */
export const PARTNER_KEY_PREFIX = 'pk_';

export const PartnerSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    contactEmail: z.string().nullable(),
    /** Keys not revoked. */
    activeKeyCount: z.number().int().min(0),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Partner' });
export type Partner = z.infer<typeof PartnerSchema>;

export const CreatePartnerBodySchema = z
  .strictObject({
    name: z.string().trim().min(1, 'Enter a name').max(200, 'Use at most 200 characters'),
    contactEmail: EmailSchema.optional(),
  })
  .meta({ id: 'CreatePartnerBody' });
export type CreatePartnerBody = z.infer<typeof CreatePartnerBodySchema>;

export const PartnerListQuerySchema = PageQuerySchema;
export type PartnerListQuery = z.infer<typeof PartnerListQuerySchema>;

const ScopesSchema = z
  .array(PartnerScopeSchema)
  .min(1, 'Give at least one scope')
  .refine((scopes) => new Set(scopes).size === scopes.length, 'Give each scope once');

export const CreatePartnerApiKeyBodySchema = z
  .strictObject({
    scopes: ScopesSchema,
    /** What the key is for, to tell keys apart ("case system, production"). */
    label: z.string().trim().min(1).max(100).optional(),
  })
  .meta({ id: 'CreatePartnerApiKeyBody' });
export type CreatePartnerApiKeyBody = z.infer<typeof CreatePartnerApiKeyBodySchema>;

/** A key as listed: never the key itself, only its prefix for recognition. */
export const PartnerApiKeySchema = z
  .object({
    id: z.uuid(),
    partnerId: z.uuid(),
    prefix: z.string().describe('The first characters of the key, to recognise it'),
    label: z.string().nullable(),
    scopes: z.array(PartnerScopeSchema),
    createdAt: z.iso.datetime(),
    /** Updated at most once a minute. */
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'PartnerApiKey' });
export type PartnerApiKey = z.infer<typeof PartnerApiKeySchema>;

/** The answer to creating a key: the only time the key is ever shown. */
export const CreatedPartnerApiKeySchema = PartnerApiKeySchema.extend({
  key: z.string().describe('The API key (pk_…). Shown once: only a hash of it is stored.'),
}).meta({ id: 'CreatedPartnerApiKey' });
export type CreatedPartnerApiKey = z.infer<typeof CreatedPartnerApiKeySchema>;
