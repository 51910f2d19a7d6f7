// Test harness: a real app on a real database: in-memory PGlite, or a fresh database on the
// PostgreSQL server named by TEST_DATABASE_URL (dropped afterwards).
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { StaffRole } from '@harbour/shared';
import { buildApp } from '../app';
import { testConfig, type Config } from '../config';
import { createDb, type Database } from '../db/client';
import { seedBase } from '../db/seed';
import { initEncryption, randomKeyring } from '../lib/encryption';
import { hashPassword } from '../lib/passwords';
import { insertUser } from '../modules/users/users.repo';

export const TEST_ADMIN = { email: 'admin@harbour.test', password: 'correct horse battery staple' };

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  config: Config;
  /** Counts SQL statements while `fn` runs. */
  countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: number }>;
  /** The SQL statements (text only, no values) run while `fn` runs. */
  recordQueries<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
  /** A signed-in staff member with these roles; answers its bearer header. */
  staff(roles: StaffRole[], name?: string): Promise<{ id: string; email: string; password: string; token: string; auth: { authorization: string } }>;
  signIn(email: string, password: string): Promise<string>;
  close(): Promise<void>;
}

async function freshPostgresUrl(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `harbour_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

export async function buildTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  let queryCount = 0;
  let recording: string[] | undefined;
  let drop: (() => Promise<void>) | undefined;
  let url: string | undefined;
  if (process.env.TEST_DATABASE_URL) {
    const fresh = await freshPostgresUrl(process.env.TEST_DATABASE_URL);
    url = fresh.url;
    drop = fresh.drop;
  }
  const config = testConfig({
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    RATE_LIMIT_PER_MINUTE: 100_000,
    CONSOLE_DIR: '/nonexistent-console',
    ...overrides,
  });
  // Encryption at rest with a fresh random key per test file (a file may set another with initEncryption).
  initEncryption(randomKeyring());
  const database = createDb({ url, dataDir: 'memory://', poolSize: 20, onQuery: (text) => {
      queryCount++;
      recording?.push(text);
    },
  });
  await database.migrate();
  await seedBase(database.db, config);
  const app = await buildApp({ config, database, secrets: { jwtSecret: randomBytes(32).toString('hex') } });
  await app.ready();

  const signIn = async (email: string, password: string) => {
    const res = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
    if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
    return res.json().accessToken as string;
  };

  return {
    app,
    database,
    config,
    async countQueries(fn) {
      const before = queryCount;
      const result = await fn();
      return { result, queries: queryCount - before };
    },
    async recordQueries(fn) {
      const statements: string[] = [];
      recording = statements;
      try {
        return { result: await fn(), statements };
      } finally {
        recording = undefined;
      }
    },
    async staff(roles, name = 'Test Staff') {
      const email = `${roles.join('-') || 'none'}-${randomUUID().slice(0, 8)}@harbour.test`;
      const password = `pw-${randomUUID()}`;
      const row = await insertUser(database.db, { email, name, roles, passwordHash: await hashPassword(password) });
      const token = await signIn(email, password);
      return { id: row.id, email, password, token, auth: { authorization: `Bearer ${token}` } };
    },
    signIn,
    async close() {
      await app.close();
      await database.close();
      await drop?.();
    },
  };
}
