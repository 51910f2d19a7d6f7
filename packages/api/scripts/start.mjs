// `pnpm start`: builds whatever is missing or older than its sources, then runs the server.
// It installs nothing: `pnpm install` comes first.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const pkgDir = (name) => join(root, 'packages', name);

function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}
const builtAt = (file) => (existsSync(file) ? statSync(file).mtimeMs : -1);

function run(args) {
  const pnpm = process.env.npm_execpath;
  const [cmd, argv] = pnpm && pnpm.endsWith('.cjs') ? [process.execPath, [pnpm, ...args]] : ['pnpm', args];
  const result = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const sharedSrc = newest(join(pkgDir('shared'), 'src'));
const apiStale = builtAt(join(pkgDir('api'), 'dist/server.js')) < Math.max(sharedSrc, newest(join(pkgDir('api'), 'src')));
const consoleStale =
  builtAt(join(pkgDir('admin-web'), 'dist/index.html')) <
  Math.max(sharedSrc, newest(join(pkgDir('admin-web'), 'src')), builtAt(join(pkgDir('admin-web'), 'index.html')));

if (apiStale) run(['--filter', '@harbour/api', 'run', 'build']);
if (consoleStale) run(['--filter', '@harbour/admin-web', 'run', 'build']);

// Relative paths (DATA_DIR=./.data) mean the repository root, where the README's command runs.
process.chdir(root);
await import('../dist/server.js');
