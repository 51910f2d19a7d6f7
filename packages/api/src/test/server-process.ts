// Test helper: real processes (the server from source with tsx, the partner examples, ...) started
// with only the environment given, with their output kept, and a fresh PostgreSQL database for them.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const apiDir = join(repoRoot, 'packages/api');
/** Generous: on a busy CI machine tsx compiling the server and running the migrations take a while. */
export const SERVER_START_TIMEOUT_MS = 180_000;

/** A process we started, with its output so far. */
export interface Proc {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first match of `pattern` in the output; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** Starts `command` with only `opts.env` (and PATH, HOME) in its environment. */
export function start(command: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Proc {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    // Only what is given: nothing of the developer's own configuration leaks in.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-50_000);
    for (const l of listeners) l();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const done = () => {
          listeners.delete(check);
          clearTimeout(timer);
        };
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            done();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`Timed out after ${timeoutMs / 1000}s waiting for ${what}. Output so far:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then((code) => {
          if (!listeners.has(check)) return;
          check();
          if (!listeners.has(check)) return;
          done();
          reject(new Error(`The process stopped (exit ${code}) before ${what}. Output:\n${out}`));
        });
        check();
      });
    },
  };
}

const hasExited = (proc: Proc) => proc.child.exitCode !== null || proc.child.signalCode !== null;

/** Asks the process to stop (SIGTERM), and kills it if it has not after 10 s. */
export async function stop(proc: Proc): Promise<void> {
  if (hasExited(proc)) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  await proc.exited;
  clearTimeout(timer);
}

/** Kills the process at once (SIGKILL: no shutdown code runs) and waits until it is gone. */
export async function kill(proc: Proc): Promise<void> {
  if (hasExited(proc)) return;
  proc.child.kill('SIGKILL');
  await proc.exited;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Arguments that run a TypeScript file with node and tsx. */
export const tsxArgs = (script: string) => ['--import', 'tsx', script];

/** Starts the real server (src/server.ts with tsx) and waits until it says where it listens. */
export async function startServer(env: Record<string, string>): Promise<{ proc: Proc; baseUrl: string }> {
  const proc = start(process.execPath, tsxArgs('src/server.ts'), { cwd: apiDir, env });
  try {
    const [, url] = await proc.waitFor(/Harbour is running at (http:\/\/\S+)/, SERVER_START_TIMEOUT_MS, 'the server to start');
    return { proc, baseUrl: url! };
  } catch (err) {
    await kill(proc);
    throw err;
  }
}

/** A new, empty database on the PostgreSQL server at `baseUrl`, and how to drop it. */
export async function freshPostgresDatabase(baseUrl: string, prefix = 'harbour_p'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const withClient = async (sql: string) => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await withClient(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => withClient(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
