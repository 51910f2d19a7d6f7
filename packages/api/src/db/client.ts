import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { Logger } from 'drizzle-orm/logger';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { MIGRATIONS_DIR } from '../lib/paths';
import { maintainPglite, type MaintenanceRound } from './pglite-maintenance';
import { usePgliteNamedStatements } from './prepared';
import * as schema from './schema/index';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs the committed SQL migrations (serialised across instances on PostgreSQL). */
  migrate(): Promise<void>;
  ping(): Promise<boolean>;
  /**
   * Hears NOTIFY on `channel` (a fixed identifier, never user input). `onState(false)` says
   * notifications may be missed from now on (the connection dropped; it is re-established with
   * back-off), `onState(true)` that they are heard again. Answers a function that stops listening.
   */
  listen(channel: string, onMessage: (payload: string) => void, onState: (listening: boolean) => void): Promise<() => Promise<void>>;
  /**
   * Autovacuum's work (ANALYZE, VACUUM) on the tables that need it, on PGlite, which has no autovacuum
   * (see pglite-maintenance.ts); null on PostgreSQL, whose autovacuum does it.
   */
  maintain(): Promise<MaintenanceRound | null>;
  /**
   * Whether a maintenance round is running or ended less than `ms` ago. On PGlite a round runs in the
   * server's own thread: an ANALYZE or VACUUM of a large table holds the event loop for a second or
   * more, and the load shedder's samples keep that delay for a while after (app.ts). Always false on
   * PostgreSQL, whose maintenance runs in its own processes.
   */
  maintainedWithin(ms: number): boolean;
  close(): Promise<void>;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;

export interface DbOptions {
  /** postgres:// URL; without it, embedded PGlite. */
  url?: string;
  /** PGlite data folder; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  poolSize?: number;
  /** Sees every SQL statement (tests count queries with it). Never log its text: it may hold values. */
  onQuery?: (sql: string) => void;
}

function loggerFor(onQuery?: (sql: string) => void): Logger | undefined {
  return onQuery ? { logQuery: (query) => onQuery(query) } : undefined;
}

const MIGRATION_LOCK = 727_271_001;

export function createDb(opts: DbOptions): Database {
  const logger = loggerFor(opts.onQuery);
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    // A dropped idle connection must not crash the process.
    pool.on('error', () => {});
    const db = drizzlePg(pool, { schema, logger }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      async migrate() {
        const client = new pg.Client({ connectionString: opts.url });
        await client.connect();
        try {
          await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
          await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_DIR });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
          await client.end();
        }
      },
      async ping() {
        try {
          await pool.query('SELECT 1');
          return true;
        } catch {
          return false;
        }
      },
      listen: (channel, onMessage, onState) => listenOnPostgres(opts.url!, channel, onMessage, onState),
      async maintain() {
        return null;
      },
      maintainedWithin: () => false,
      async close() {
        await pool.end();
      },
    };
  }

  const dataDir = opts.dataDir ?? 'memory://';
  let location = dataDir;
  if (!dataDir.startsWith('memory://')) {
    location = resolve(join(dataDir, 'pgdata'));
    mkdirSync(location, { recursive: true });
  }
  const client = new PGlite(location);
  const rounds = { running: 0, endedAt: -Infinity };
  const db = drizzlePglite(client, { schema, logger }) as unknown as Db;
  usePgliteNamedStatements(db, client);
  return {
    db,
    kind: 'pglite',
    async migrate() {
      await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_DIR });
    },
    async ping() {
      try {
        await client.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async listen(channel, onMessage, onState) {
      if (!CHANNEL_NAME.test(channel)) throw new Error(`bad channel name ${channel}`);
      // In-process: nothing to lose but the process itself.
      const unlisten = await client.listen(channel, onMessage);
      onState(true);
      return () => unlisten();
    },
    async maintain() {
      rounds.running++;
      try {
        return await maintainPglite(client);
      } finally {
        rounds.running--;
        rounds.endedAt = performance.now();
      }
    },
    maintainedWithin: (ms) => rounds.running > 0 || performance.now() - rounds.endedAt < ms,
    async close() {
      await client.close();
    },
  };
}

/** One connection of its own for LISTEN (a pooled one would be handed to queries), re-opened when it drops. */
async function listenOnPostgres(
  url: string,
  channel: string,
  onMessage: (payload: string) => void,
  onState: (listening: boolean) => void,
): Promise<() => Promise<void>> {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`bad channel name ${channel}`);
  let current: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let delayMs = 250;

  const again = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void open();
    }, delayMs);
    retry.unref();
    delayMs = Math.min(delayMs * 2, 10_000);
  };

  const open = async () => {
    const client = new pg.Client({ connectionString: url });
    let lost = false;
    const drop = () => {
      if (lost) return;
      lost = true;
      if (current === client) {
        current = undefined;
        onState(false);
      }
      void client.end().catch(() => {});
      again();
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (msg) => {
      if (msg.channel === channel) onMessage(msg.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch {
      drop();
      return;
    }
    if (stopped || lost) {
      if (!lost) await client.end().catch(() => {});
      return;
    }
    current = client;
    delayMs = 250;
    onState(true);
  };

  await open();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const client = current;
    current = undefined;
    await client?.end().catch(() => {});
  };
}
