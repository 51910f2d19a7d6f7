// The Node options Harbour runs with in production: `pnpm start` (package.json) and the container
// (Dockerfile) say the same, and the benchmark runs with what startNodeFlags reads from package.json,
// so what is measured is what runs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startNodeFlags } from '../../bench/node-flags';

const apiDir = fileURLToPath(new URL('../..', import.meta.url));

const startFlags = () => startNodeFlags(apiDir);

function dockerFlags(): string[] {
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(apiDir, 'Dockerfile'), 'utf8'))?.[1];
  if (!cmd) throw new Error('The Dockerfile has no CMD in exec form');
  return (JSON.parse(cmd) as string[]).filter((arg) => arg.startsWith('--'));
}

describe('runtime options', () => {
  it('pnpm start and the container run Node with the same options, a larger young generation among them', () => {
    expect(startFlags()).toContain('--max-semi-space-size=64');
    expect(dockerFlags()).toEqual(startFlags());
  });

  it('this Node accepts them', () => {
    const run = spawnSync(process.execPath, [...startFlags(), '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
