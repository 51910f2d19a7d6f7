// Two-step verification: TOTP (RFC 6238, 30 s, 6 digits) with single-use recovery codes.
import { randomInt, randomUUID } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import type { MfaSetup, RecoveryCodes } from '@harbour/shared';
import type { Db } from '../../db/client';
import { AppError } from '../../lib/app-error';
import { sha256Hex } from '../../lib/crypto';
import { openSecret, sealSecret } from '../../lib/sealed';
import { findUserById, updateUser, type UserRow } from '../users/users.repo';
import {
  claimTotpTimeStep,
  consumeRecoveryCode,
  findMfaChallengeForUpdate,
  replaceRecoveryCodes,
  updateMfaChallenge,
} from './auth.repo';
import {
  claimAttempt,
  clearFailures,
  issueSession,
  throttleKeys,
  withdrawAttempt,
  type AuthDeps,
  type IssuedSession,
} from './auth.service';

const ISSUER = 'Harbour';
const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32: no i, l, o, u; 12 characters = 60 random bits per code. */
const RECOVERY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const RECOVERY_CODE_LENGTH = 12;
/** Wrong codes one sign-in may take before the person must enter their password again. */
const MAX_ATTEMPTS_PER_CHALLENGE = 5;

const alreadyEnabled = () => new AppError('MFA_ALREADY_ENABLED', 409, 'Two-step verification is already on for this account.');
const notEnabled = () => new AppError('MFA_NOT_ENABLED', 409, 'Two-step verification is not on for this account.');
const CODE_MESSAGE = 'That code did not work. Enter the newest 6-digit code from your app, or an unused recovery code.';
/** For signed-in calls: 400, so the console does not take it for an ended session. */
const codeInvalid = () => new AppError('MFA_CODE_INVALID', 400, CODE_MESSAGE, { errors: [{ path: 'code', message: CODE_MESSAGE }] });
const signInEnded = () => new AppError('TOKEN_INVALID', 401, 'This sign-in has ended. Sign in again.');

function newRecoveryCode(): string {
  const chars = Array.from({ length: RECOVERY_CODE_LENGTH }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

/** Spaces, dashes and case do not matter; o, i and l read as 0, 1 and 1 (Crockford). */
const normaliseCode = (code: string) =>
  code
    .replace(/[\s-]/g, '')
    .toLowerCase()
    .replace(/o/g, '0')
    .replace(/[il]/g, '1');

const recoveryCodeHash = (normalised: string) => sha256Hex(`mfa-recovery:${normalised}`);

/** The time step a TOTP code matches (this step, or one either side for clock drift), or null. */
async function totpTimeStep(secret: string, code: string, afterTimeStep: number | null, now: Date): Promise<number | null> {
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: 30,
      ...(afterTimeStep !== null && { afterTimeStep }),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    return null;
  }
}

/**
 * Accepts a TOTP code (never one of a time step already used: no replay) or an unused recovery code
 * (used up here). Both claims are conditional updates, so two requests racing with one code cannot both win.
 */
async function acceptCode(tx: Db, user: UserRow, code: string, now: Date): Promise<boolean> {
  const cleaned = normaliseCode(code);
  if (/^\d{6}$/.test(cleaned)) {
    if (!user.mfaSecret) return false;
    const step = await totpTimeStep(openSecret(user.mfaSecret), cleaned, user.mfaLastTimeStep, now);
    return step !== null && claimTotpTimeStep(tx, user.id, step);
  }
  if (cleaned.length === RECOVERY_CODE_LENGTH && [...cleaned].every((c) => RECOVERY_ALPHABET.includes(c))) {
    return consumeRecoveryCode(tx, user.id, recoveryCodeHash(cleaned), now);
  }
  return false;
}

export async function startMfaSetup(db: Db, userId: string): Promise<MfaSetup> {
  return db.transaction(async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) throw signInEnded();
    if (user.mfaEnabledAt) throw alreadyEnabled();
    const secret = generateSecret();
    await updateUser(tx, user.id, { mfaPendingSecret: sealSecret(secret) });
    return { secret, otpauthUrl: generateURI({ issuer: ISSUER, label: user.email, secret }) };
  });
}

export async function enableMfa(db: Db, userId: string, code: string): Promise<RecoveryCodes> {
  const now = new Date();
  return db.transaction(async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) throw signInEnded();
    if (user.mfaEnabledAt) throw alreadyEnabled();
    if (!user.mfaPendingSecret) {
      throw new AppError('INVALID_STATE', 409, 'Start setting up two-step verification first (POST /v1/auth/mfa/setup).');
    }
    const cleaned = normaliseCode(code);
    const step = /^\d{6}$/.test(cleaned) ? await totpTimeStep(openSecret(user.mfaPendingSecret), cleaned, null, now) : null;
    if (step === null) throw codeInvalid();

    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await updateUser(tx, user.id, {
      mfaSecret: user.mfaPendingSecret,
      mfaPendingSecret: null,
      mfaEnabledAt: now,
      // The code just used cannot sign anyone in.
      mfaLastTimeStep: step,
    });
    await replaceRecoveryCodes(tx, user.id, recoveryCodes.map((c) => recoveryCodeHash(normaliseCode(c))));
    return { recoveryCodes };
  });
}

/** Turns MFA off and forgets the secret and recovery codes (own disable, or an admin's reset). */
export async function clearMfa(tx: Db, userId: string): Promise<void> {
  await updateUser(tx, userId, { mfaSecret: null, mfaPendingSecret: null, mfaEnabledAt: null, mfaLastTimeStep: null });
  await replaceRecoveryCodes(tx, userId, []);
}

export async function disableMfa(deps: Pick<AuthDeps, 'db' | 'config'>, input: { userId: string; code: string; address: string }): Promise<void> {
  const now = new Date();
  const user = await findUserById(deps.db, input.userId);
  if (!user) throw signInEnded();
  const keys = throttleKeys(user.email, input.address);
  // Counted before the code is checked (claimAttempt), so codes sent together cannot all be tried.
  const attempt = await claimAttempt(deps.db, deps.config, keys, now);
  const outcome = await deps.db.transaction(async (tx) => {
    const row = await findUserById(tx, input.userId);
    if (!row?.mfaEnabledAt) return { error: notEnabled(), counted: false };
    if (!(await acceptCode(tx, row, input.code, now))) return { error: codeInvalid(), counted: true };
    await clearMfa(tx, row.id);
    return { ok: true as const };
  });
  // A wrong code stays counted; anything else takes the attempt back.
  if (!('error' in outcome) || !outcome.counted) await withdrawAttempt(deps.db, attempt);
  if ('error' in outcome) throw outcome.error;
}

/** Second step of signing in: the mfaToken from login and a code. Issues the session like login. */
export async function completeMfaSignIn(deps: AuthDeps, input: { mfaToken: string; code: string; address: string }): Promise<IssuedSession> {
  const now = new Date();
  const { userId, challengeId } = deps.verifyMfaToken(input.mfaToken);
  const user = await findUserById(deps.db, userId);
  if (!user) throw signInEnded();
  const keys = throttleKeys(user.email, input.address);
  // Counted before the code is checked (claimAttempt), so codes sent together cannot all be tried.
  const attempt = await claimAttempt(deps.db, deps.config, keys, now);

  const outcome = await deps.db.transaction(async (tx) => {
    const challenge = await findMfaChallengeForUpdate(tx, challengeId);
    if (!challenge || challenge.userId !== userId || challenge.usedAt) return { error: signInEnded() };
    if (challenge.expiresAt <= now) {
      return { error: new AppError('TOKEN_EXPIRED', 401, 'It has been a while since you entered your password. Sign in again.') };
    }
    const row = await findUserById(tx, userId);
    if (!row || row.disabledAt || !row.mfaEnabledAt) return { error: signInEnded() };
    if (!(await acceptCode(tx, row, input.code, now))) {
      const failedAttempts = challenge.failedAttempts + 1;
      await updateMfaChallenge(tx, challenge.id, failedAttempts >= MAX_ATTEMPTS_PER_CHALLENGE ? { failedAttempts, usedAt: now } : { failedAttempts });
      return { error: new AppError('MFA_CODE_INVALID', 401, CODE_MESSAGE, { errors: [{ path: 'code', message: CODE_MESSAGE }] }), counted: true };
    }
    await updateMfaChallenge(tx, challenge.id, { usedAt: now });
    await clearFailures(tx, keys);
    return { issued: await issueSession({ ...deps, db: tx }, row, randomUUID(), now, now) };
  });
  // A wrong code stays counted (the right one cleared every failure); an ended challenge takes it back.
  if ('error' in outcome) {
    if (!('counted' in outcome)) await withdrawAttempt(deps.db, attempt);
    throw outcome.error;
  }
  return outcome.issued;
}
