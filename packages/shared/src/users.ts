import { z } from 'zod';
import { EmailSchema } from './auth';
import { PageQuerySchema } from './pagination';
import { StaffRoleSchema } from './roles';

/** A staff account as admins see it. Never carries hashes or secrets. */
export const StaffAccountSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    roles: z.array(StaffRoleSchema),
    mfaEnabled: z.boolean(),
    disabled: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'StaffAccount' });
export type StaffAccount = z.infer<typeof StaffAccountSchema>;

const RolesSchema = z
  .array(StaffRoleSchema)
  .min(1, 'Give at least one role')
  .refine((roles) => new Set(roles).size === roles.length, 'Give each role once');

export const CreateUserBodySchema = z.strictObject({
  email: EmailSchema,
  name: z.string().trim().min(1, 'Enter a name').max(200),
  roles: RolesSchema,
});
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

/** A one-time link for the person to choose their password (valid 72 hours). */
export const SetPasswordLinkSchema = z
  .object({
    setPasswordUrl: z.string(),
    expiresAt: z.iso.datetime(),
    /** Also e-mailed to the person (mail is set up: SMTP_URL). */
    emailed: z.boolean(),
  })
  .meta({ id: 'SetPasswordLink' });
export type SetPasswordLink = z.infer<typeof SetPasswordLinkSchema>;

export const CreatedStaffAccountSchema = StaffAccountSchema.extend(SetPasswordLinkSchema.shape).meta({ id: 'CreatedStaffAccount' });
export type CreatedStaffAccount = z.infer<typeof CreatedStaffAccountSchema>;

export const UpdateUserBodySchema = z.strictObject({
  name: z.string().trim().min(1, 'Enter a name').max(200).optional(),
  roles: RolesSchema.optional(),
  disabled: z.boolean().optional(),
});
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;

export const UserListQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().max(200).optional().describe('Part of a name or e-mail address'),
});
export type UserListQuery = z.infer<typeof UserListQuerySchema>;
