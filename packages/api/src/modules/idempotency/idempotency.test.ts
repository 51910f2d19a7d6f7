// withIdempotency when the work keeps what it did and still answers an error (AfterCommit: an offer
// found lapsed is recorded as expired, then accepting it is refused): on both databases the work is
// committed, the caller gets the error it carries, and the key is released, so a retry runs again.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AfterCommit } from '../../db/in-transaction';
import { auditEvents, idempotencyKeys } from '../../db/schema/index';
import { AppError } from '../../lib/app-error';
import { buildTestApp, usingPostgres, type TestApp } from '../../test/build-test-app';
import { recordAuditEvent } from '../audit/audit.service';
import { requestHashOf, withIdempotency } from './idempotency';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe(`Idempotency-Key and AfterCommit (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('commits the work, answers the error it carries and releases the key', async () => {
    const marker = `after-commit-${randomBytes(4).toString('hex')}`;
    const idem = { scope: `test:${marker}`, key: marker, requestHash: requestHashOf('POST', '/v1/test', { marker }) };
    const refusal = new AppError('INVALID_STATE', 409, 'Refused after the work was kept.');
    let runs = 0;
    const attempt = () =>
      withIdempotency(t.database.db, idem, async (tx) => {
        runs++;
        await recordAuditEvent(tx, { actorKind: 'system', action: marker, entityType: 'test', entityId: String(runs), outcome: 'success' });
        throw new AfterCommit(refusal);
      }).then(
        () => null,
        (err: unknown) => err,
      );

    expect(await attempt()).toBe(refusal);
    const kept = await t.database.db.select({ entityId: auditEvents.entityId }).from(auditEvents).where(eq(auditEvents.action, marker));
    expect(kept.map((r) => r.entityId)).toEqual(['1']);
    expect(await t.database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, marker))).toEqual([]);

    // Not left in flight (which would answer 409 until it went stale): the retry runs again.
    expect(await attempt()).toBe(refusal);
    expect(runs).toBe(2);
  });
});
