import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node options `pnpm start` runs Harbour with: those of its package.json script (the Dockerfile's
 * CMD has the same; src/test/runtime-options.test.ts keeps them together).
 */
export function startNodeFlags(apiDir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(apiDir, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((arg) => arg.startsWith('--'));
}
