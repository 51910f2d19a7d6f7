// PGlite has no autovacuum: without maintenance, a statement prepared while a table was empty keeps its
// sequential scan however large the table grows, and dead rows stay. These tests see that happen, and
// see maintain() undo it.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from './client';
import { usingPostgres } from '../test/build-test-app';

describe.skipIf(usingPostgres)('PGlite maintenance (autovacuum’s work)', () => {
  let database: Database;
  const rows = async <T>(query: string) => ((await database.db.execute(sql.raw(query))) as unknown as { rows: T[] }).rows;
  const plan = async () => (await rows<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE probe('t', 'k1')`)).map((r) => r['QUERY PLAN']).join('\n');
  const stats = async () => {
    await rows('SELECT pg_stat_force_next_flush()');
    const [s] = await rows<{ n_dead_tup: number; n_mod_since_analyze: number }>(
      `SELECT n_dead_tup::int, n_mod_since_analyze::int FROM pg_stat_user_tables WHERE relname = 'idempotency_keys'`,
    );
    return s!;
  };

  beforeAll(async () => {
    database = createDb({ dataDir: 'memory://' });
    await database.migrate();
    // As after a seed (or a restore): the table analysed while empty.
    await rows('VACUUM (ANALYZE) idempotency_keys');
    await database.maintain();
  });
  afterAll(async () => database?.close());

  it('re-plans a prepared statement once its table has grown, and clears dead rows', async () => {
    await rows(`PREPARE probe(text, text) AS UPDATE idempotency_keys SET status = 'done' WHERE scope = $1 AND key = $2`);
    await rows('SET plan_cache_mode = force_generic_plan');
    expect(await plan()).toMatch(/Seq Scan on idempotency_keys/);

    await rows(
      `INSERT INTO idempotency_keys (scope, key, request_hash, status, expires_at)
       SELECT 't', 'k' || i, 'h', 'in_flight', now() + interval '1 day' FROM generate_series(1, 3000) i`,
    );
    // Nothing told PostgreSQL the table grew: the plan made when it was empty is kept.
    expect(await plan()).toMatch(/Seq Scan on idempotency_keys/);

    // A table that only grew is analysed (which is what re-plans), not vacuumed.
    const grown = await database.maintain();
    expect(grown?.analyzed).toContain('public.idempotency_keys');
    expect(grown?.vacuumed).toEqual([]);
    expect(await plan()).toMatch(/Index Scan using idempotency_keys_scope_key_pk/);

    await rows(`UPDATE idempotency_keys SET status = 'done' WHERE scope = 't'`);
    expect((await stats()).n_dead_tup).toBeGreaterThanOrEqual(3000);
    const cleaned = await database.maintain();
    expect(cleaned?.vacuumed).toContain('public.idempotency_keys');
    expect(await stats()).toMatchObject({ n_dead_tup: 0, n_mod_since_analyze: 0 });
  });

  it('does nothing when nothing changed, and only analyses a table with a few changes', async () => {
    expect(await database.maintain()).toEqual({ analyzed: [], vacuumed: [] });
    await rows(`UPDATE idempotency_keys SET status = 'in_flight' WHERE key IN (SELECT 'k' || i FROM generate_series(1, 400) i)`);
    // 400 changed of 3000 rows: past ANALYZE's threshold (50 + 10%), short of VACUUM's (50 + 20% dead).
    expect(await database.maintain()).toEqual({ analyzed: ['public.idempotency_keys'], vacuumed: [] });
  });

  it('vacuums one table per round, the one with the most dead rows first (each VACUUM holds the only session)', async () => {
    await rows(`INSERT INTO login_failures (account_key, address_key) SELECT 'a' || i, 'b' || i FROM generate_series(1, 500) i`);
    expect((await database.maintain())?.analyzed).toContain('public.login_failures');
    await rows(`DELETE FROM login_failures`);
    await rows(`UPDATE idempotency_keys SET status = 'done' WHERE scope = 't'`);
    // 3000 dead idempotency keys, 500 dead login failures: both past VACUUM's threshold.
    const first = await database.maintain();
    expect(first?.vacuumed).toEqual(['public.idempotency_keys']);
    expect(first?.analyzed).toContain('public.login_failures');
    const second = await database.maintain();
    expect(second?.vacuumed).toEqual(['public.login_failures']);
  });
});

describe.runIf(usingPostgres)('PostgreSQL maintenance', () => {
  it('is autovacuum’s: maintain() has nothing to do', async () => {
    const database = createDb({ url: process.env.TEST_DATABASE_URL! });
    try {
      expect(await database.maintain()).toBeNull();
    } finally {
      await database.close();
    }
  });
});
