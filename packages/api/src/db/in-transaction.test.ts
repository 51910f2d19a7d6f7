// AfterCommit: a transaction keeps what it did and still answers an error (an offer found lapsed is
// recorded as expired, then accepting it is refused), whether it owns the transaction or is nested
// in a route's audited one.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database, type Db } from './client';
import { AfterCommit, inTransaction, openTransaction, transactionWithRetry } from './in-transaction';

const url = process.env.TEST_DATABASE_URL;

describe(`transactions and AfterCommit (${url ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: Database;
  const table = `after_commit_test_${process.pid}`;
  const insert = (db: Db, x: number) => db.execute(sql.raw(`INSERT INTO ${table} (x) VALUES (${x})`));
  const stored = async () =>
    ((await database.db.execute(sql.raw(`SELECT x FROM ${table} ORDER BY x`))) as unknown as { rows: { x: number }[] }).rows.map((r) => r.x);
  const refusal = new Error('refused');
  const statements: string[] = [];
  const raise = (db: Db, code: string) => db.execute(sql.raw(`DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = '${code}'; END $$`));
  const caught = (p: Promise<unknown>) => p.then(() => null, (err: unknown) => err);

  beforeAll(async () => {
    const onQuery = (text: string) => void statements.push(text);
    database = createDb(url ? { url, poolSize: 2, onQuery } : { dataDir: 'memory://', onQuery });
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

  it('a service’s retried transaction joins the route’s (no savepoint); a deadlock or serialization failure runs the whole again', async () => {
    await database.db.execute(sql.raw(`DELETE FROM ${table}`));
    statements.length = 0;
    let outer = 0;
    let inner = 0;
    await transactionWithRetry(database.db, async (tx) => {
      outer++;
      await insert(tx, 10 + outer);
      await transactionWithRetry(tx, async (joined) => {
        inner++;
        if (outer < 3) await raise(joined, outer === 1 ? '40001' : '40P01');
      });
    });
    expect([outer, inner]).toEqual([3, 3]);
    expect(await stored()).toEqual([13]); // the failed attempts were rolled back whole
    expect(statements.filter((q) => /savepoint/i.test(q))).toEqual([]);
  });
});
