// AfterCommit: a transaction keeps what it did and still answers an error (an offer found lapsed is
// recorded as expired, then accepting it is refused), whether it owns the transaction or is nested
// in a route's audited one.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database, type Db } from './client';
import { AfterCommit, inTransaction, openTransaction } from './in-transaction';

const url = process.env.TEST_DATABASE_URL;

describe(`transactions and AfterCommit (${url ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: Database;
  const table = `after_commit_test_${process.pid}`;
  const insert = (db: Db, x: number) => db.execute(sql.raw(`INSERT INTO ${table} (x) VALUES (${x})`));
  const stored = async () =>
    ((await database.db.execute(sql.raw(`SELECT x FROM ${table} ORDER BY x`))) as unknown as { rows: { x: number }[] }).rows.map((r) => r.x);
  const refusal = new Error('refused');
  const caught = (p: Promise<unknown>) => p.then(() => null, (err: unknown) => err);

  beforeAll(async () => {
    database = createDb(url ? { url, poolSize: 2 } : { dataDir: 'memory://' });
    await database.db.execute(sql.raw(`CREATE TABLE ${table} (x int)`));
  });
  afterAll(async () => {
    await database?.db.execute(sql.raw(`DROP TABLE IF EXISTS ${table}`));
    await database?.close();
  });

  it('an error rolls the whole transaction back; AfterCommit commits it, then answers the error it carries', async () => {
    expect(await caught(inTransaction(database.db, async (tx) => (await insert(tx, 1), Promise.reject(refusal))))).toBe(refusal);
    expect(await stored()).toEqual([]);
    expect(await caught(inTransaction(database.db, async (tx) => (await insert(tx, 2), Promise.reject(new AfterCommit(refusal)))))).toBe(refusal);
    expect(await stored()).toEqual([2]);
  });

  it('from a savepoint inside another transaction, AfterCommit keeps the savepoint and the transaction around it', async () => {
    await database.db.execute(sql.raw(`DELETE FROM ${table}`));
    const err = await caught(
      inTransaction(database.db, async (tx) => {
        await insert(tx, 3);
        // A service's own transaction in a route's audited one: a savepoint.
        return openTransaction(tx, async (inner) => {
          await insert(inner, 4);
          throw new AfterCommit(refusal);
        });
      }),
    );
    expect(err).toBe(refusal);
    expect(await stored()).toEqual([3, 4]);
  });
});
