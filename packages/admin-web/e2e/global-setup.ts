// Once per e2e run: build the workspace, start the real server on a free port with a fresh data
// folder, and tell the tests where it is. Nothing of the API is mocked.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_PATH } from './browser';

export interface E2eServer {
  baseUrl: string;
  adminEmail: string;
  adminPassword: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** null when Chromium is missing outside CI: the tests skip. */
    e2eServer: E2eServer | null;
  }
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The API server stopped before it was ready (exit ${child.exitCode ?? child.signalCode}):\n${logs()}`);
    }
    try {
      const response = await fetch(`${url}/ready`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The API server did not answer 200 on /ready within ${READY_TIMEOUT_MS / 1000}s:\n${logs()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM_PATH)) {
    if (process.env.CI === 'true') {
      throw new Error(`Chromium not found at ${CHROMIUM_PATH}: CI must run the browser tests (apt-get install -y chromium)`);
    }
    console.warn('Chromium not found: apt-get install -y chromium');
    project.provide('e2eServer', null);
    return;
  }

  if (process.env.E2E_SKIP_BUILD !== '1') {
    // Vitest sets NODE_ENV=test (and VITEST*); a build that inherited them would bundle React's
    // development build. Build as `pnpm build` would from a shell.
    const buildEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && !name.startsWith('VITEST')),
    );
    execFileSync('pnpm', ['--filter', '@harbour/shared', '--filter', '@harbour/api', '--filter', '@harbour/admin-web', 'build'], {
      cwd: repoRoot,
      env: buildEnv,
      stdio: 'inherit',
    });
  }

  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'harbour-e2e-'));
  const server: E2eServer = {
    baseUrl: `http://127.0.0.1:${port}`,
    adminEmail: 'e2e-admin@example.org',
    adminPassword: `E2e-${randomBytes(18).toString('base64url')}`,
  };

  let output = '';
  const child = spawn(process.execPath, [join(repoRoot, 'packages/api/dist/server.js')], {
    cwd: repoRoot,
    // Only what the server needs: nothing of the developer's own configuration leaks in.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_EMAIL: server.adminEmail,
      ADMIN_PASSWORD: server.adminPassword,
      MFA_REQUIRED: 'false',
      SEED_DEMO: 'true',
      // One browser on one address loads every console chunk and page through the API's per-address
      // limit (600 a minute counts static files too); the journey alone comes close. Limits are
      // tested by the API's own tests.
      RATE_LIMIT_PER_MINUTE: '3000',
      LOG_LEVEL: 'warn',
      JWT_SECRET: randomBytes(36).toString('base64url'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  try {
    await waitUntilReady(server.baseUrl, child, () => output);
  } catch (error) {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  project.provide('e2eServer', server);

  return async () => {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
