import argon2 from 'argon2';
import { passwordLengthProblem } from '@harbour/shared';
import { AppError } from './app-error';

// OWASP's argon2id parameters: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => argon2.hash(password, OPTIONS);

let dummyHash: Promise<string> | undefined;

/** Verifies; for an unknown account verifies against a dummy hash so both take the same time. */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= argon2.hash('harbour-dummy-password-for-timing', OPTIONS);
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let commonPasswords: Promise<Set<string>> | undefined;

/** ~49,000 most common passwords from public breach corpora (zxcvbn-ts), loaded on first use. */
function loadCommonPasswords(): Promise<Set<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common']));
  return commonPasswords;
}

/** Why a password is too easy to guess, or null. Length first, then lists; no composition rules. */
export async function passwordWeakness(password: string, context: { email?: string; name?: string } = {}): Promise<string | null> {
  const lengthProblem = passwordLengthProblem(password);
  if (lengthProblem) return lengthProblem;

  const common = await loadCommonPasswords();
  const lower = password.toLowerCase();
  // "Password2024!" is "password" with digits and symbols added: as easy to guess.
  const coreOf = (s: string) => s.toLowerCase().replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  const core = coreOf(password);
  const repeated = /^(.+?)\1+$/su.exec(lower)?.[1];
  const local = context.email?.split('@')[0];
  const own = new Set(['harbour', ...(local ? [local] : []), ...(context.name ? [context.name] : [])].map(coreOf).filter((w) => w.length >= 3));

  if (common.has(lower) || (core.length >= 3 && common.has(core))) {
    return 'This password is one of the most commonly used passwords, so it is easy to guess. Choose another; a few unrelated words work well.';
  }
  if (repeated !== undefined && ([...repeated].length <= 4 || common.has(repeated))) {
    return 'This password repeats the same characters, so it is easy to guess. Choose another; a few unrelated words work well.';
  }
  if (own.has(core) || own.has(lower)) {
    return 'This password is based on your name, your e-mail address or the name of this service, so it is easy to guess. Choose another.';
  }
  return null;
}

/** Throws 400 PASSWORD_TOO_WEAK (with the field's path) unless the password meets the policy. */
export async function assertPasswordAcceptable(password: string, path: string, context: { email?: string; name?: string } = {}) {
  const problem = await passwordWeakness(password, context);
  if (problem) throw new AppError('PASSWORD_TOO_WEAK', 400, problem, { errors: [{ path, message: problem }] });
}
