import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participants } from '../db/schema/index';
import { buildTestApp, type TestApp } from '../test/build-test-app';
import { serializeError } from './log-errors';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const EMAIL = `alex.private-${randomUUID().slice(0, 6)}@example.org`;
const person = { firstName: 'Alexandra', lastName: 'Privateperson', email: EMAIL, phone: '07700 900999', relationship: 'partner' } as const;

/** What the database threw for this statement (it must fail). */
async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('the statement did not fail');
}

describe('errors as logged', () => {
  it('a failed insert keeps the statement, SQL state and constraint, never the values it carried', async () => {
    await t.database.db.insert(participants).values(person);
    const err = await failureOf(() => t.database.db.insert(participants).values(person));
    // The error as thrown does carry them (this is what must not reach the log)...
    expect(String((err as Error).message)).toContain(EMAIL);

    const logged = serializeError(err);
    const text = JSON.stringify(logged);
    for (const value of [EMAIL, 'Alexandra', 'Privateperson', '07700 900999']) expect(text).not.toContain(value);
    expect(logged.query).toMatch(/insert into "participants"/);
    const cause = logged.cause ?? logged;
    expect(cause).toMatchObject({ code: '23505' });
    expect(String(cause.constraint ?? cause.message)).toMatch(/participants/);
    expect(logged.stack).toMatch(/^\s+at /);
  });

  it('a data exception does not quote the value it refused', async () => {
    const err = await failureOf(() => t.database.db.execute(sql`SELECT ${EMAIL}::uuid`));
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err)) + String((err as Error).stack)).toContain(EMAIL);
    const text = JSON.stringify(serializeError(err));
    expect(text).not.toContain(EMAIL);
    expect(text).toContain('22P02');
  });

  it('other errors are logged as they are, with their causes', () => {
    const err = new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ECONNRESET' }) });
    expect(serializeError(err)).toMatchObject({ type: 'Error', message: 'outer', cause: { message: 'inner', code: 'ECONNRESET' } });
  });

  it('is the service logger’s serializer for `err`', () => {
    const serializers = (t.app.log as unknown as Record<symbol, Record<string, unknown>>)[Symbol.for('pino.serializers')];
    expect(serializers?.err).toBe(serializeError);
  });
});
