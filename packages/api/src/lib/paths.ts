import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Works from src/ (tsx, vitest) and from the bundled dist/ alike: walk up to the package root.
function findApiRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'drizzle.config.ts'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('Cannot find the api package root');
}

export const API_ROOT = findApiRoot();
export const MIGRATIONS_DIR = join(API_ROOT, 'drizzle');
export const DEFAULT_CONSOLE_DIR = resolve(API_ROOT, '../admin-web/dist');
