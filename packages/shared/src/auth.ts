import { z } from 'zod';
import { StaffRoleSchema } from './roles';

export const EmailSchema = z.email().max(254).transform((e) => e.trim().toLowerCase());

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    roles: z.array(StaffRoleSchema),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof UserSchema>;

export const LoginBodySchema = z.strictObject({
  email: z.string().trim().min(1, 'Enter your e-mail address').max(254),
  password: z.string().min(1, 'Enter your password').max(1024),
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const SessionSchema = z
  .object({
    accessToken: z.string(),
    expiresIn: z.number().int().describe('Seconds until the access token expires'),
    user: UserSchema,
    mfaSetupRequired: z.boolean().optional(),
  })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof SessionSchema>;

export const MfaChallengeSchema = z
  .object({ mfaRequired: z.literal(true), mfaToken: z.string() })
  .meta({ id: 'MfaChallenge' });

export const LoginResponseSchema = z.union([SessionSchema, MfaChallengeSchema]);
export type LoginResponse = z.infer<typeof LoginResponseSchema>;
