// Entry point: parse config → database → migrate → seed → buildApp → listen; graceful shutdown.
import { resolve } from 'node:path';
import { buildApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createDb } from './db/client';
import { seedDemo } from './db/demo';
import { seedBase } from './db/seed';
import { scheduledJobs } from './jobs/jobs';
import { startScheduler } from './jobs/scheduler';
import { startOutboxWorker } from './modules/outbox/worker';
import { initEncryption, resolveKeyring } from './lib/encryption';
import { resolveSecrets } from './lib/secrets';

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Harbour cannot start: the configuration is not valid.\n${err.problems.map((p) => `  - ${p}`).join('\n')}`);
      process.exit(1);
    }
    throw err;
  }

  const secrets = resolveSecrets(config, (msg) => console.warn(`WARNING: ${msg}`));
  initEncryption(resolveKeyring(config, (msg) => console.warn(`WARNING: ${msg}`)));
  const database = createDb({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
  await database.migrate();
  const seeded = await seedBase(database.db, config);
  if (config.SEED_DEMO && seeded.courseId && (await seedDemo(database.db, seeded.courseId, seeded.admin?.email ?? config.ADMIN_EMAIL ?? 'admin@example.org'))) {
    console.log('Demo data added (SEED_DEMO=false to start empty).');
  }

  const app = await buildApp({ config, database, secrets });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await scheduler.stop();
      await maintenance?.stop();
      await outbox.stop();
      await app.close();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.PORT, host: config.HOST });
  const outbox = startOutboxWorker({ db: database.db, config, log: app.log });
  const scheduler = startScheduler(scheduledJobs(database.db, config), { intervalMs: config.JOBS_INTERVAL_SECONDS * 1000, log: app.log });
  // PGlite has no autovacuum: its work, on the tables that need it (PostgreSQL's autovacuum does its own).
  const maintain = async () => {
    const round = await database.maintain();
    return round ? round.analyzed.length + round.vacuumed.length : 0;
  };
  const maintenance =
    database.kind === 'pglite'
      ? startScheduler([{ name: 'pglite-maintenance', run: maintain }], { intervalMs: config.PGLITE_MAINTENANCE_SECONDS * 1000, log: app.log })
      : undefined;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const shownHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const url = config.PUBLIC_URL ?? `http://${shownHost}:${port}`;

  const lines = [
    '',
    `  Harbour is running at ${url}`,
    `  Console: ${url}/   API reference: ${url}/docs   Contract: ${url}/openapi.json`,
    `  Database: ${database.kind === 'pglite' ? `embedded (PGlite) in ${resolve(config.DATA_DIR)}` : 'PostgreSQL (DATABASE_URL)'}`,
  ];
  if (seeded.admin?.generatedPassword) {
    lines.push(
      '',
      '  First start: an administrator was created. This password is shown once; change it after signing in.',
      `    e-mail:   ${seeded.admin.email}`,
      `    password: ${seeded.admin.generatedPassword}`,
    );
  } else if (seeded.admin) {
    lines.push('', `  First start: administrator ${seeded.admin.email} created with ADMIN_PASSWORD.`);
  }
  console.log(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  console.error('Harbour failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
