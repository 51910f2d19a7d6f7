// Contract drift gate: generated API types (the console's, or the file given as the argument,
// relative to the current folder) must be exactly what openapi-typescript makes from the API's
// committed openapi.json. Fix a failure with `pnpm openapi:export` at the root
// (or `pnpm --filter @harbour/admin-web generate:api`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const spec = join(root, '..', 'api', 'openapi.json');
const committed = process.argv[2] ? resolve(process.argv[2]) : join(root, 'src', 'lib', 'api-types.ts');
const shown = relative(process.cwd(), committed);

if (!existsSync(spec)) {
  console.error(`check:api: ${spec} does not exist; export it with \`pnpm --filter @harbour/api openapi:export\``);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'harbour-api-types-'));
const fresh = join(tmp, 'api-types.ts');
try {
  execFileSync(process.execPath, [cli, spec, '-o', fresh], { stdio: ['ignore', 'ignore', 'inherit'] });
  const expected = readFileSync(fresh, 'utf8');
  const actual = existsSync(committed) ? readFileSync(committed, 'utf8') : '';
  if (expected !== actual) {
    const a = actual.split('\n');
    const e = expected.split('\n');
    const line = e.findIndex((text, i) => text !== a[i]);
    console.error(`check:api: ${shown} differs from what packages/api/openapi.json gives.`);
    console.error(`  first difference at line ${line + 1}:`);
    console.error(`    committed: ${a[line] ?? '(end of file)'}`);
    console.error(`    expected:  ${e[line] ?? '(end of file)'}`);
    console.error('  Run `pnpm openapi:export` at the root and commit the result.');
    process.exit(1);
  }
  console.log(`check:api: ${shown} matches packages/api/openapi.json`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
