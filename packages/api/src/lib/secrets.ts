import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config';

export interface Secrets {
  jwtSecret: string;
}

/**
 * Secrets come from the environment. For a local start without them, one is generated once into the
 * data folder (0600) so sessions survive restarts; several instances must share JWT_SECRET.
 */
export function resolveSecrets(config: Config, warn: (msg: string) => void): Secrets {
  if (config.JWT_SECRET) return { jwtSecret: config.JWT_SECRET };
  const dir = resolve(join(config.DATA_DIR, 'secrets'));
  const file = join(dir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
    warn(`JWT_SECRET is not set: generated one into ${file}. Set JWT_SECRET in production and share it between instances.`);
  }
  return { jwtSecret: readFileSync(file, 'utf8').trim() };
}
