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

/** The signed-in user, with whether two-step verification is on. */
export const MeSchema = UserSchema.extend({ mfaEnabled: z.boolean() }).meta({ id: 'Me' });
export type Me = z.infer<typeof MeSchema>;

// Password policy (NIST SP 800-63B): length and a list of common passwords, no composition rules.
// Length is checked here (the console can say so as the person types); the list lives in the API.
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** Why a password's length is not acceptable, or null. Counts characters (code points), not bytes. */
export function passwordLengthProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong password that is easy to remember.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

/** A new password as sent: the policy itself is applied by the API (400 PASSWORD_TOO_WEAK). */
const NewPasswordSchema = z.string().min(1, 'Enter a password').max(1024);

export const ChangePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1, 'Enter your current password').max(1024),
  newPassword: NewPasswordSchema,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBodySchema>;

export const SetPasswordBodySchema = z.strictObject({
  token: z.string().min(1).max(256),
  password: NewPasswordSchema,
});
export type SetPasswordBody = z.infer<typeof SetPasswordBodySchema>;

// Two-step verification (TOTP, RFC 6238: 30 s, 6 digits).
export const MfaSetupSchema = z
  .object({
    secret: z.string().describe('Base32 secret, for typing into an authenticator app by hand'),
    otpauthUrl: z.string().describe('otpauth:// URI, for a QR code'),
  })
  .meta({ id: 'MfaSetup' });
export type MfaSetup = z.infer<typeof MfaSetupSchema>;

/** A 6-digit code from the app, or (where accepted) a recovery code. Spaces and dashes are ignored. */
const MfaCodeSchema = z.string().trim().min(1, 'Enter the code').max(64);

export const MfaCodeBodySchema = z.strictObject({ code: MfaCodeSchema });
export type MfaCodeBody = z.infer<typeof MfaCodeBodySchema>;

export const MfaVerifyBodySchema = z.strictObject({
  mfaToken: z.string().min(1).max(2048),
  code: MfaCodeSchema,
});
export type MfaVerifyBody = z.infer<typeof MfaVerifyBodySchema>;

export const RecoveryCodesSchema = z
  .object({ recoveryCodes: z.array(z.string()).describe('Shown once; each works once instead of an app code') })
  .meta({ id: 'RecoveryCodes' });
export type RecoveryCodes = z.infer<typeof RecoveryCodesSchema>;
