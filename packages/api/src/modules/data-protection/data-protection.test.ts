import { randomBytes, randomUUID } from 'node:crypto';
import { eq, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declarations, enrolments, outboxMessages, participants, referrals, safeguardingConcerns } from '../../db/schema/index';
import { DecryptionError, SHREDDED, activeKeyring, createKeyring, initEncryption, keyIdOf, type Keyring } from '../../lib/encryption';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import { createOpenCohort, setCohort } from '../../test/factories';
import { decodeAnswers } from '../declarations/answers-codec';
import { enqueueSealed, openSealed } from '../outbox/outbox.service';
import {
  RETENTION_ERASURE_ACTION,
  RETENTION_REFERRAL_ACTION,
  deleteExpiredSafeguardingConcerns,
  eraseExpiredParticipants,
  eraseExpiredReferrals,
  monthsBefore,
} from './data-protection.service';
import { rotateEncryptionKey } from './key-rotation';
import { createDeclaredParticipant } from './test-helpers';

type Staff = Awaited<ReturnType<TestApp['staff']>>;
let t: TestApp;
let admin: Staff;
let coordinator: Staff;
let lead: Staff;
let courseId: string;

const UNSURE = { offenceInvolvesImages: 'yes', accusedOfContactOffence: 'unsure', accusedOfOnlineContactWithChild: 'no', accusedOfGrooming: 'no' } as const;
const NOTE = 'Explained on the phone that the allegation is images only 4c1d';

const inject = (method: 'GET' | 'POST' | 'PUT', url: string, headers: { authorization: string }, payload?: unknown) =>
  t.app.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });

function expectProblem(res: { statusCode: number; json: () => unknown }, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(res.json()).toMatchObject({ status, code });
}

/** The declarations rows of a person as the database holds them, each row as JSON text. */
async function rawDeclarationRows(participantId: string): Promise<string[]> {
  const raw = await t.database.db.execute(sql`SELECT row_to_json(d)::text AS row FROM declarations d WHERE participant_id = ${participantId}`);
  return (raw as unknown as { rows: { row: string }[] }).rows.map((r) => r.row);
}

const STAFF_REASON = 'Said her husband was charged again 7e2a';
const PARTNER_NOTE = 'Referred after a home visit; very distressed 91b3';

/** One text value read straight from the database (the query answers a column `row`). */
async function rawText(query: SQL): Promise<string> {
  const raw = await t.database.db.execute(query);
  return (raw as unknown as { rows: { row: string | null }[] }).rows[0]?.row ?? '';
}

async function partnerWithKey(): Promise<{ id: string; key: string }> {
  const p = await inject('POST', '/v1/partners', admin.auth, { name: `Partner ${randomUUID().slice(0, 8)}` });
  const k = await inject('POST', `/v1/partners/${p.json().id}/api-keys`, admin.auth, { scopes: ['referrals:write', 'referrals:read'] });
  return { id: p.json().id as string, key: k.json().key as string };
}

function referralBody() {
  return {
    person: { firstName: 'Jo', lastName: 'Notewright', email: 'jo.notewright@example.org' },
    relationship: 'partner',
    consentToShare: true,
    referrer: { name: 'Rita Referrer', email: 'rita@probation.example' },
    note: PARTNER_NOTE,
  };
}

/** A person whose declaration needed review, resolved by a coordinator with NOTE. */
async function reviewedParticipant(): Promise<{ id: string; reviewId: string }> {
  const id = await createDeclaredParticipant(t, coordinator.auth, courseId, { answers: UNSURE });
  const history = (await inject('GET', `/v1/participants/${id}/declarations`, coordinator.auth)).json();
  const review = await inject('POST', `/v1/declarations/${history.items[0].id}/review`, coordinator.auth, { outcome: 'eligible', note: NOTE });
  expect(review.statusCode).toBe(201);
  return { id, reviewId: review.json().id };
}

beforeAll(async () => {
  t = await buildTestApp();
  [admin, coordinator, lead] = await Promise.all([
    t.staff(['admin'], 'Ada Admin'),
    t.staff(['coordinator'], 'Cora Coordinator'),
    t.staff(['safeguarding_lead'], 'Sam Safeguarding'),
  ]);
  courseId = (await inject('GET', '/v1/courses', admin.auth)).json().items[0].id;
});
afterAll(async () => t.close());

describe('encryption at rest', () => {
  it('declaration answers and review notes are never in the table as plaintext, and read back through the API', async () => {
    const { id } = await reviewedParticipant();
    const rows = await rawDeclarationRows(id);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      for (const word of ['offenceInvolvesImages', 'accusedOf', 'unsure', 'Explained on the phone', '4c1d']) expect(row).not.toContain(word);
      expect(row).toMatch(/"answers":"v1\./);
    }
    expect(rows.some((r) => /"review_note":"v1\./.test(r))).toBe(true);
    const history = (await inject('GET', `/v1/participants/${id}/declarations`, coordinator.auth)).json();
    expect(history.items[0]).toMatchObject({ answers: UNSURE, reviewNote: NOTE, outcome: 'eligible' });
    expect(history.items[1]).toMatchObject({ answers: UNSURE, reviewNote: null, outcome: 'needs_review' });
  });

  it('free-text notes and stored idempotent answers are never in their tables as plaintext, and read back through the API', async () => {
    const { cohort } = await createOpenCohort(t);
    const id = await createDeclaredParticipant(t, coordinator.auth, courseId, { lastName: 'Notewright' });
    // An enrolment made with an Idempotency-Key: the stored answer (a person's enrolment) is sealed.
    const enrolKey = { ...coordinator.auth, 'idempotency-key': `enrol-${randomUUID()}` };
    const enrolled = await inject('POST', `/v1/cohorts/${cohort.id}/enrolments`, enrolKey, { participantId: id });
    expect(enrolled.statusCode).toBe(201);
    const enrolmentId = enrolled.json().id as string;
    const withdrawn = await inject('POST', `/v1/enrolments/${enrolmentId}/withdraw`, coordinator.auth, { reason: STAFF_REASON });
    expect(withdrawn.statusCode).toBe(200);
    // A referral with a partner's note, sent with an Idempotency-Key.
    const partner = await partnerWithKey();
    const referKey = { authorization: `Bearer ${partner.key}`, 'idempotency-key': `refer-${randomUUID()}` };
    const referral = await inject('POST', '/v1/referrals', referKey, referralBody());
    expect(referral.statusCode).toBe(201);
    const referralId = referral.json().id as string;

    const raw = await rawText(sql`
      SELECT (SELECT json_agg(e) FROM enrolment_events e WHERE e.enrolment_id = ${enrolmentId})::text
          || (SELECT row_to_json(r)::text FROM referrals r WHERE r.id = ${referralId}) AS row`);
    for (const word of [STAFF_REASON, PARTNER_NOTE]) expect(raw).not.toContain(word);
    expect(raw.match(/"note":"v1\./g)?.length).toBe(2); // the withdrawal's reason and the referral's note
    const bodies = await rawText(sql`
      SELECT json_agg(k.response_body)::text AS row FROM idempotency_keys k
      WHERE k.key IN (${enrolKey['idempotency-key']}, ${referKey['idempotency-key']})`);
    expect(JSON.parse(bodies)).toEqual([expect.stringMatching(/^v1\./), expect.stringMatching(/^v1\./)]);
    for (const word of [enrolmentId, referralId, 'confirmed', 'received']) expect(bodies).not.toContain(word);

    // Read back: history, staff referral view, subject access export, and both replays.
    const history = (await inject('GET', `/v1/enrolments/${enrolmentId}/history`, coordinator.auth)).json();
    expect(history.items.map((e: { note: string | null }) => e.note)).toContain(STAFF_REASON);
    expect((await inject('GET', `/v1/referrals/${referralId}`, coordinator.auth)).json().note).toBe(PARTNER_NOTE);
    const exported = (await inject('GET', `/v1/participants/${id}/export`, admin.auth)).json();
    expect(exported.enrolments[0].history.map((e: { note: string | null }) => e.note)).toContain(STAFF_REASON);
    const replayEnrol = await inject('POST', `/v1/cohorts/${cohort.id}/enrolments`, enrolKey, { participantId: id });
    expect(replayEnrol.headers['idempotent-replayed']).toBe('true');
    expect(replayEnrol.json()).toEqual(enrolled.json());
    const replayRefer = await inject('POST', '/v1/referrals', referKey, referralBody());
    expect(replayRefer.headers['idempotent-replayed']).toBe('true');
    expect(replayRefer.json()).toEqual(referral.json());
  });

  it("a cohort's cancellation writes its history note encrypted", async () => {
    const { cohort } = await createOpenCohort(t);
    const id = await createDeclaredParticipant(t, coordinator.auth, courseId);
    const enrolled = await inject('POST', `/v1/cohorts/${cohort.id}/enrolments`, coordinator.auth, { participantId: id });
    expect(enrolled.statusCode).toBe(201);
    const cancelled = await inject('POST', `/v1/cohorts/${cohort.id}/cancel`, coordinator.auth, { reason: 'Facilitator unavailable' });
    expect(cancelled.statusCode).toBe(200);
    const raw = await rawText(sql`SELECT json_agg(e)::text AS row FROM enrolment_events e WHERE e.enrolment_id = ${enrolled.json().id}`);
    expect(raw).not.toContain('cohort cancelled');
    const history = (await inject('GET', `/v1/enrolments/${enrolled.json().id}/history`, coordinator.auth)).json();
    expect(history.items.at(-1)).toMatchObject({ to: 'removed', note: 'cohort cancelled' });
  });

  it('a wrong key is a clear error, never garbage', async () => {
    const { id } = await reviewedParticipant();
    const [row] = await t.database.db.select().from(declarations).where(eq(declarations.participantId, id)).limit(1);
    const real = activeKeyring();
    try {
      initEncryption(createKeyring({ key: randomBytes(32), id: real.current.id }));
      expect(() => decodeAnswers(row!.answers)).toThrow(DecryptionError);
      expect(() => decodeAnswers(row!.answers)).toThrow(/could not be decrypted/);
      initEncryption(createKeyring({ key: randomBytes(32), id: 'elsewhere' }));
      expect(() => decodeAnswers(row!.answers)).toThrow(/not configured/);
      // Through the API: a 500 that says nothing of the data.
      const res = await inject('GET', `/v1/participants/${id}/declarations`, coordinator.auth);
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toMatch(/unsure|offenceInvolvesImages|v1\./);
    } finally {
      initEncryption(real);
    }
  });

  it('rotate-key re-encrypts everything with the new key: old data reads before (old key kept) and after (new key only)', async () => {
    const { id } = await reviewedParticipant();
    const concern = await inject('POST', '/v1/safeguarding-concerns', coordinator.auth, { participantId: id, summary: 'Rotation concern' });
    expect(concern.statusCode).toBe(201);
    // A set-password e-mail waiting in the outbox, its link sealed.
    const expiresAt = new Date(Date.now() + 3600_000);
    const sealedId = await t.database.db.transaction((tx) =>
      enqueueSealed(
        tx,
        { kind: 'email', to: 'rotation@example.org', template: 'set_password', data: { name: 'Rae', link: null, expiresAt } },
        { name: 'Rae', link: 'https://harbour.example/set-password?token=rotation-token', expiresAt },
      ),
    );
    const oldRing = activeKeyring();
    const newRing: Keyring = createKeyring({ key: randomBytes(32), id: 'rotated' }, [{ key: oldRing.current.key, id: oldRing.current.id }]);
    try {
      initEncryption(newRing);
      // Before rotation: stored under the old key, still readable with it in the keyring.
      expect((await rawDeclarationRows(id)).every((r) => r.includes(`"answers":"v1.${oldRing.current.id}.`))).toBe(true);
      expect((await inject('GET', `/v1/participants/${id}/declarations`, coordinator.auth)).json().items[0].reviewNote).toBe(NOTE);

      const report = await rotateEncryptionKey(t.database.db, { batchSize: 2 });
      expect(report.keyId).toBe('rotated');
      expect(report.reencrypted['declarations.answers']).toBeGreaterThanOrEqual(2);
      expect(report.reencrypted['safeguarding_concerns.summary_enc']).toBeGreaterThanOrEqual(1);

      // After: nothing left under the old key, and the new key alone reads everything.
      const left = await t.database.db.execute(
        sql`SELECT count(*)::int AS n FROM declarations WHERE answers LIKE 'v1.%' AND answers NOT LIKE 'v1.rotated.%'`,
      );
      expect((left as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
      initEncryption(createKeyring({ key: newRing.current.key, id: 'rotated' }));
      const history = (await inject('GET', `/v1/participants/${id}/declarations`, coordinator.auth)).json();
      expect(history.items[0]).toMatchObject({ answers: UNSURE, reviewNote: NOTE });
      const read = await inject('GET', `/v1/safeguarding-concerns/${concern.json().id}`, lead.auth);
      expect(read.json().summary).toBe('Rotation concern');
      const [raw] = await t.database.db.select().from(safeguardingConcerns).where(eq(safeguardingConcerns.id, concern.json().id));
      expect(keyIdOf(raw!.summaryEnc)).toBe('rotated');
      const [message] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.id, sealedId));
      expect(keyIdOf(message!.sealed!)).toBe('rotated');
      expect(openSealed(message!.sealed!).text).toContain('token=rotation-token');
      // A second run has nothing to do.
      const again = await rotateEncryptionKey(t.database.db);
      expect(Object.values(again.reencrypted).every((n) => n === 0)).toBe(true);
      // And the old key alone can no longer read it.
      initEncryption(oldRing);
      expect((await inject('GET', `/v1/participants/${id}/declarations`, coordinator.auth)).statusCode).toBe(500);
    } finally {
      initEncryption(newRing);
    }
  });

  it('rotate-key encrypts notes and stored answers kept from before encryption at rest, and moves them all to the new key', async () => {
    const { cohort } = await createOpenCohort(t);
    const id = await createDeclaredParticipant(t, coordinator.auth, courseId);
    const enrolled = await inject('POST', `/v1/cohorts/${cohort.id}/enrolments`, coordinator.auth, { participantId: id });
    const enrolmentId = enrolled.json().id as string;
    expect((await inject('POST', `/v1/enrolments/${enrolmentId}/withdraw`, coordinator.auth, { reason: STAFF_REASON })).statusCode).toBe(200);
    const partner = await partnerWithKey();
    const keys = ['one', 'two', 'three'].map((k) => ({ authorization: `Bearer ${partner.key}`, 'idempotency-key': `rotate-${k}-${randomUUID()}` }));
    const referrals: { id: string }[] = [];
    for (const headers of keys) referrals.push((await inject('POST', '/v1/referrals', headers, referralBody())).json() as { id: string });
    // As an older Harbour left them: plaintext notes, and an answer kept as plain JSON.
    const db = t.database.db;
    await db.execute(sql`UPDATE enrolment_events SET note = 'Legacy plain reason' WHERE enrolment_id = ${enrolmentId} AND to_status = 'confirmed'`);
    await db.execute(sql`UPDATE referrals SET note = 'Legacy plain note' WHERE id = ${referrals[0]!.id}`);
    await db.execute(sql`UPDATE idempotency_keys SET response_body = ${JSON.stringify(referrals[1])} WHERE key = ${keys[1]!['idempotency-key']}`);

    const history = async () =>
      (await inject('GET', `/v1/enrolments/${enrolmentId}/history`, coordinator.auth)).json().items.map((e: { note: string | null }) => e.note);
    const referralNote = async (i: number) => (await inject('GET', `/v1/referrals/${referrals[i]!.id}`, coordinator.auth)).json().note;
    const replay = async (i: number) => (await inject('POST', '/v1/referrals', keys[i]!, referralBody())).json();
    // Legacy values read as they are.
    expect(await history()).toEqual(['Legacy plain reason', STAFF_REASON]);
    expect(await referralNote(0)).toBe('Legacy plain note');
    expect(await replay(1)).toEqual(referrals[1]);

    const before = activeKeyring();
    const ring = createKeyring({ key: randomBytes(32), id: 'notes' }, [...before.byId.values()]);
    try {
      initEncryption(ring);
      // A batch of one walks the idempotency records' two-column key row by row.
      const report = await rotateEncryptionKey(db, { batchSize: 1 });
      expect(report.reencrypted['enrolment_events.note']).toBeGreaterThanOrEqual(2);
      expect(report.reencrypted['referrals.note']).toBeGreaterThanOrEqual(3);
      expect(report.reencrypted['idempotency_keys.response_body']).toBeGreaterThanOrEqual(3);
      const left = await rawText(sql`
        SELECT (SELECT count(*) FROM enrolment_events WHERE note NOT LIKE 'v1.notes.%')
             + (SELECT count(*) FROM referrals WHERE note NOT LIKE 'v1.notes.%')
             + (SELECT count(*) FROM idempotency_keys WHERE response_body NOT LIKE 'v1.notes.%') || '' AS row`);
      expect(left).toBe('0');
      // The new key alone reads them all.
      initEncryption(createKeyring({ key: ring.current.key, id: 'notes' }));
      expect(await history()).toEqual(['Legacy plain reason', STAFF_REASON]);
      expect(await referralNote(0)).toBe('Legacy plain note');
      expect(await referralNote(2)).toBe(PARTNER_NOTE);
      for (const i of [0, 1, 2]) expect(await replay(i)).toEqual(referrals[i]);
    } finally {
      initEncryption(ring);
    }
  });

  it('declarations stay immutable outside erasure and rotation', async () => {
    const { id } = await reviewedParticipant();
    await expect(t.database.db.execute(sql`UPDATE declarations SET answers = 'x' WHERE participant_id = ${id}`)).rejects.toThrow();
    // Rotation mode lets only the encrypted columns change.
    await expect(
      t.database.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT set_config('harbour.key_rotation', 'on', true)`);
        await tx.execute(sql`UPDATE declarations SET outcome = 'ineligible' WHERE participant_id = ${id}`);
      }),
    ).rejects.toThrow();
  });
});

describe('subject access export', () => {
  it('is admin only', async () => {
    const { id } = await reviewedParticipant();
    for (const who of [coordinator, lead]) expectProblem(await inject('GET', `/v1/participants/${id}/export`, who.auth), 403, 'FORBIDDEN');
    expectProblem(await inject('GET', `/v1/participants/${randomUUID()}/export`, admin.auth), 404, 'NOT_FOUND');
  });

  it('holds the person, their declarations with answers, enrolments with history and attendance, and who read their record', async () => {
    const { id, reviewId } = await reviewedParticipant();
    const { cohort, sessions } = await createOpenCohort(t);
    const enrolled = await inject('POST', `/v1/cohorts/${cohort.id}/enrolments`, coordinator.auth, { participantId: id });
    expect(enrolled.statusCode).toBe(201);
    const enrolmentId = enrolled.json().id as string;
    expect((await inject('PUT', `/v1/sessions/${sessions[0]!.id}/attendance`, coordinator.auth, [{ enrolmentId, status: 'present' }])).statusCode).toBe(200);
    expect((await inject('GET', `/v1/participants/${id}`, coordinator.auth)).statusCode).toBe(200);
    // Lists that showed them are reads of them too: the cohort's roster, a search.
    expect((await inject('GET', `/v1/cohorts/${cohort.id}/enrolments`, coordinator.auth)).statusCode).toBe(200);
    const [person] = await t.database.db.select().from(participants).where(eq(participants.id, id));
    expect((await inject('GET', `/v1/participants?q=${encodeURIComponent(person!.lastName)}`, lead.auth)).json().items).toHaveLength(1);

    const res = await inject('GET', `/v1/participants/${id}/export`, admin.auth);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`participant-${id}.json`);
    const data = res.json();
    expect(data.participant).toMatchObject({ id, firstName: 'Pat', phone: '07700 900123', relationship: 'partner' });
    expect(data.declarations).toHaveLength(2);
    expect(data.declarations[0]).toMatchObject({ id: reviewId, answers: UNSURE, reviewNote: NOTE, outcome: 'eligible' });
    expect(data.declarations[1]).toMatchObject({ answers: UNSURE, outcome: 'needs_review' });
    expect(data.declarationVersions).toEqual([expect.objectContaining({ id: data.declarations[0].declarationVersionId, text: expect.any(String) })]);
    expect(data.enrolments).toHaveLength(1);
    expect(data.enrolments[0]).toMatchObject({ id: enrolmentId, status: 'confirmed', cohort: { id: cohort.id, title: cohort.title } });
    expect(data.enrolments[0].history).toEqual([expect.objectContaining({ from: null, to: 'confirmed' })]);
    expect(data.enrolments[0].attendance).toEqual([expect.objectContaining({ sessionId: sessions[0]!.id, position: 1, status: 'present' })]);
    expect(data.referrals).toEqual([]);
    const reads = data.accessLog.filter((e: { action: string }) => e.action === 'getParticipant');
    expect(reads).toEqual([expect.objectContaining({ actor: { kind: 'staff', id: coordinator.id, name: 'Cora Coordinator' }, outcome: 'success' })]);
    expect(data.accessLog.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['createParticipant', 'createDeclaration', 'listParticipantDeclarations', 'listCohortEnrolments', 'listParticipants']),
    );
    expect(data.accessLog.find((e: { action: string }) => e.action === 'listParticipants').actor).toMatchObject({ id: lead.id });
    // The export itself is on the trail.
    const trail = (await inject('GET', `/v1/audit-events?entityType=participant&entityId=${id}&action=exportParticipant`, admin.auth)).json();
    expect(trail.items).toEqual([expect.objectContaining({ actorId: admin.id, outcome: 'success' })]);
  });
});

describe('erasure', () => {
  it('is admin only', async () => {
    const { id } = await reviewedParticipant();
    for (const who of [coordinator, lead]) expectProblem(await inject('POST', `/v1/participants/${id}/erase`, who.auth), 403, 'FORBIDDEN');
    expectProblem(await inject('POST', `/v1/participants/${randomUUID()}/erase`, admin.auth), 404, 'NOT_FOUND');
  });

  it('refuses while the person holds a place in a cohort that has not ended (409)', async () => {
    const { id } = await reviewedParticipant();
    const { cohort } = await createOpenCohort(t);
    const enrolmentId = (await inject('POST', `/v1/cohorts/${cohort.id}/enrolments`, coordinator.auth, { participantId: id })).json().id;
    expectProblem(await inject('POST', `/v1/participants/${id}/erase`, admin.auth), 409, 'INVALID_STATE');
    expect((await inject('POST', `/v1/enrolments/${enrolmentId}/withdraw`, coordinator.auth, { reason: 'Moving away' })).statusCode).toBe(200);
    expect((await inject('POST', `/v1/participants/${id}/erase`, admin.auth)).statusCode).toBe(200);
  });

  it('removes personal data, shreds answers and notes, keeps a tombstone, statistics and the audit trail', async () => {
    const { id } = await reviewedParticipant();
    const { cohort } = await createOpenCohort(t);
    const enrolmentId = (await inject('POST', `/v1/cohorts/${cohort.id}/enrolments`, coordinator.auth, { participantId: id })).json().id;
    await inject('POST', `/v1/enrolments/${enrolmentId}/withdraw`, coordinator.auth, { reason: 'Personal reasons 9e2b' });
    await t.database.db.update(enrolments).set({ paymentNote: 'Paid by partner 9e2b' }).where(eq(enrolments.id, enrolmentId));

    const res = await inject('POST', `/v1/participants/${id}/erase`, admin.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id, erasedAt: expect.any(String) });

    const [tombstone] = await t.database.db.select().from(participants).where(eq(participants.id, id));
    expect(tombstone).toMatchObject({ firstName: 'Erased', lastName: 'Erased', email: `erased+${id}@invalid`, phone: null });
    expect(tombstone!.erasedAt).toBeInstanceOf(Date);
    const rows = await t.database.db.select().from(declarations).where(eq(declarations.participantId, id));
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.answers === SHREDDED)).toBe(true);
    expect(rows.map((r) => r.reviewNote).sort()).toEqual([SHREDDED, null].sort());
    expect(rows.map((r) => r.outcome).sort()).toEqual(['eligible', 'needs_review']);
    const [enrolment] = await t.database.db.select().from(enrolments).where(eq(enrolments.id, enrolmentId));
    expect(enrolment).toMatchObject({ status: 'withdrawn', paymentNote: null });
    const everything = await t.database.db.execute(
      sql`SELECT (SELECT json_agg(e)::text FROM enrolment_events e WHERE enrolment_id = ${enrolmentId}) || (SELECT row_to_json(p)::text FROM participants p WHERE id = ${id}) AS text`,
    );
    const text = (everything as unknown as { rows: { text: string }[] }).rows[0]!.text;
    expect(text).not.toContain('9e2b');
    expect(text).not.toContain('Pat');
    expect(text).not.toContain('07700');

    expectProblem(await inject('GET', `/v1/participants/${id}`, coordinator.auth), 404, 'NOT_FOUND');
    expectProblem(await inject('GET', `/v1/participants/${id}/export`, admin.auth), 404, 'NOT_FOUND');
    expectProblem(await inject('POST', `/v1/participants/${id}/erase`, admin.auth), 404, 'NOT_FOUND');
    const trail = (await inject('GET', `/v1/audit-events?entityType=participant&entityId=${id}&limit=100`, admin.auth)).json();
    expect(trail.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['eraseParticipant', 'createParticipant']));
  });
});

describe('erasure and the outbox', () => {
  it('blanks the e-mails written to the person at an address they no longer have', async () => {
    const { id } = await reviewedParticipant();
    const { cohort } = await createOpenCohort(t);
    const enrolled = await inject('POST', `/v1/cohorts/${cohort.id}/enrolments`, coordinator.auth, { participantId: id });
    expect(enrolled.statusCode).toBe(201);
    const [before] = await t.database.db.select().from(participants).where(eq(participants.id, id));
    const oldAddress = before!.email;
    const changed = await t.app.inject({ method: 'PATCH', url: `/v1/participants/${id}`, payload: { email: `new-${randomUUID().slice(0, 6)}@example.org` }, headers: coordinator.auth });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await inject('POST', `/v1/enrolments/${enrolled.json().id}/withdraw`, coordinator.auth, { reason: 'Moving' })).statusCode).toBe(200);
    const toOld = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.recipient, oldAddress));
    expect(toOld.map((m) => m.topic)).toContain('enrolment_confirmed');

    expect((await inject('POST', `/v1/participants/${id}/erase`, admin.auth)).statusCode).toBe(200);
    const left = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.participantId, id));
    expect(left.length).toBeGreaterThan(0);
    for (const m of left) {
      expect(m.recipient).toBe(`erased+${id}@invalid`);
      expect(m.payload).toEqual({ erased: true });
      expect(m.status).not.toBe('pending');
    }
    expect(await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.recipient, oldAddress))).toEqual([]);
  });
});

describe('retention', () => {
  const DAY = 86_400_000;

  it('counts whole calendar months back', () => {
    expect(monthsBefore(new Date('2027-03-31T10:00:00Z'), 1).toISOString()).toBe('2027-02-28T10:00:00.000Z');
    expect(monthsBefore(new Date('2029-01-15T00:00:00Z'), 24).toISOString()).toBe('2027-01-15T00:00:00.000Z');
  });

  it('a dry run lists who would go and changes nothing; the real run erases them and only them', async () => {
    const now = new Date();
    // Ended a month ago; 24 months later (plus a margin) it is past retention.
    const { id: old } = await reviewedParticipant();
    const past = await createOpenCohort(t);
    expect((await inject('POST', `/v1/cohorts/${past.cohort.id}/enrolments`, coordinator.auth, { participantId: old })).statusCode).toBe(201);
    await setCohort(t, past.cohort.id, { status: 'completed', lastSessionEndsAt: new Date(now.getTime() - 30 * DAY), completedAt: new Date(now.getTime() - 30 * DAY) });
    // Their cohort ends in three years: kept.
    const { id: current } = await reviewedParticipant();
    const future = await createOpenCohort(t, { firstSessionAt: new Date(now.getTime() + 3 * 365 * DAY) });
    expect((await inject('POST', `/v1/cohorts/${future.cohort.id}/enrolments`, coordinator.auth, { participantId: current })).statusCode).toBe(201);

    const later = new Date(now.getTime() + (24 * 31 + 10) * DAY);
    const dry = await eraseExpiredParticipants(t.database.db, later, { dryRun: true, retentionMonths: 24 });
    expect(dry.participantIds).toContain(old);
    expect(dry.participantIds).not.toContain(current);
    expect(dry.erased).toBe(0);
    expect((await inject('GET', `/v1/participants/${old}`, coordinator.auth)).statusCode).toBe(200);
    // Not yet past retention today.
    expect((await eraseExpiredParticipants(t.database.db, now, { dryRun: true, retentionMonths: 24 })).participantIds).not.toContain(old);

    const run = await eraseExpiredParticipants(t.database.db, later, { dryRun: false, retentionMonths: 24 });
    expect(run.erased).toBe(run.participantIds.length);
    expectProblem(await inject('GET', `/v1/participants/${old}`, coordinator.auth), 404, 'NOT_FOUND');
    expect((await inject('GET', `/v1/participants/${current}`, coordinator.auth)).statusCode).toBe(200);
    const trail = (await inject('GET', `/v1/audit-events?entityType=participant&entityId=${old}&action=${RETENTION_ERASURE_ACTION}`, admin.auth)).json();
    expect(trail.items).toEqual([expect.objectContaining({ actorKind: 'system', outcome: 'success' })]);
  });

  it('referrals that never became anyone’s are blanked once unchanged for the period; a linked one follows its person', async () => {
    const partner = await partnerWithKey();
    const refer = async () => (await inject('POST', '/v1/referrals', { authorization: `Bearer ${partner.key}` }, referralBody())).json().id as string;
    const [stale, recent, linked] = [await refer(), await refer(), await refer()];
    const { id: person } = await reviewedParticipant();
    await t.database.db.update(referrals).set({ participantId: person }).where(eq(referrals.id, linked));
    const later = new Date(Date.now() + (24 * 31 + 10) * DAY);
    // `recent` changed status just before `later`: within the period.
    await t.database.db.update(referrals).set({ statusChangedAt: new Date(later.getTime() - 30 * DAY) }).where(eq(referrals.id, recent));

    const dry = await eraseExpiredReferrals(t.database.db, later, { dryRun: true, retentionMonths: 24 });
    expect(dry.referralIds).toContain(stale);
    expect(dry.referralIds).not.toContain(recent);
    expect(dry.referralIds).not.toContain(linked);
    expect((await inject('GET', `/v1/referrals/${stale}`, coordinator.auth)).json().person.lastName).toBe('Notewright');

    const run = await eraseExpiredReferrals(t.database.db, later, { dryRun: false, retentionMonths: 24 });
    expect(run.referralIds).toContain(stale);
    const blanked = (await inject('GET', `/v1/referrals/${stale}`, coordinator.auth)).json();
    expect(blanked).toMatchObject({ person: { firstName: 'Erased', lastName: 'Erased', email: `erased+${stale}@invalid`, phone: null }, note: null });
    expect((await inject('GET', `/v1/referrals/${recent}`, coordinator.auth)).json().note).toBe(PARTNER_NOTE);
    expect((await inject('GET', `/v1/referrals/${linked}`, coordinator.auth)).json().person.lastName).toBe('Notewright');
    const trail = (await inject('GET', `/v1/audit-events?entityType=referral&entityId=${stale}&action=${RETENTION_REFERRAL_ACTION}`, admin.auth)).json();
    expect(trail.items).toEqual([expect.objectContaining({ actorKind: 'system', outcome: 'success' })]);
    // Done once: a second run finds nothing more to blank.
    expect((await eraseExpiredReferrals(t.database.db, later, { dryRun: true, retentionMonths: 24 })).referralIds).not.toContain(stale);
  });

  it('resolved safeguarding concerns follow their own period; open ones stay', async () => {
    const { id } = await reviewedParticipant();
    const raise = async () => (await inject('POST', '/v1/safeguarding-concerns', coordinator.auth, { participantId: id, summary: 'Retention concern' })).json().id as string;
    const [resolved, open] = [await raise(), await raise()];
    await inject('POST', `/v1/safeguarding-concerns/${resolved}/resolve`, lead.auth, { resolution: 'Done' });
    const later = new Date(Date.now() + (72 * 31 + 10) * DAY);
    const dry = await deleteExpiredSafeguardingConcerns(t.database.db, later, { dryRun: true, retentionMonths: 72 });
    expect(dry.concernIds).toContain(resolved);
    expect(dry.concernIds).not.toContain(open);
    expect((await inject('GET', `/v1/safeguarding-concerns/${resolved}`, lead.auth)).statusCode).toBe(200);
    expect((await deleteExpiredSafeguardingConcerns(t.database.db, new Date(), { dryRun: true, retentionMonths: 72 })).concernIds).not.toContain(resolved);
    const run = await deleteExpiredSafeguardingConcerns(t.database.db, later, { dryRun: false, retentionMonths: 72 });
    expect(run.concernIds).toContain(resolved);
    expectProblem(await inject('GET', `/v1/safeguarding-concerns/${resolved}`, lead.auth), 404, 'NOT_FOUND');
    expect((await inject('GET', `/v1/safeguarding-concerns/${open}`, lead.auth)).statusCode).toBe(200);
  });
});
