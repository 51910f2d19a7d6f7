import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECLARATION_QUESTIONS, DEFAULT_DECLARATION_TEXT, INELIGIBLE_SIGNPOSTING } from '@harbour/shared';
import { insertCourse } from '../courses/courses.repo';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import { isEligibleToEnrol } from './declarations.repo';
import { declarationSha256, ensureDeclarationVersion } from './declarations.service';

type Staff = Awaited<ReturnType<TestApp['staff']>>;
let t: TestApp;
let admin: Staff;
let coordinator: Staff;
let lead: Staff;
let facilitator: Staff;
let courseId: string;
let versionId: string;

const ELIGIBLE = { offenceInvolvesImages: 'yes', accusedOfContactOffence: 'no', accusedOfOnlineContactWithChild: 'no', accusedOfGrooming: 'no' } as const;
const uniq = () => randomUUID().slice(0, 8);

beforeAll(async () => {
  t = await buildTestApp();
  [admin, coordinator, lead, facilitator] = await Promise.all([
    t.staff(['admin'], 'Ada Admin'),
    t.staff(['coordinator'], 'Cora Coordinator'),
    t.staff(['safeguarding_lead'], 'Sam Safeguarding'),
    t.staff(['facilitator'], 'Fay Facilitator'),
  ]);
  courseId = (await t.app.inject({ method: 'GET', url: '/v1/courses', headers: admin.auth })).json().items[0].id;
  versionId = (await currentVersion(courseId)).json().id;
});
afterAll(async () => t.close());

/** A separate course per test that changes wording, so the default course's current version stays put. */
async function newCourse(): Promise<string> {
  const row = await insertCourse(t.database.db, {
    name: `Course ${uniq()}`,
    sessionCount: 3,
    sessionMinutes: 180,
    minParticipants: 8,
    maxParticipants: 12,
    feePence: 5000,
    offerHours: 48,
    atRiskDays: 14,
  });
  return row.id;
}

const currentVersion = (course: string, headers = coordinator.auth) =>
  t.app.inject({ method: 'GET', url: `/v1/declaration-versions/current?courseId=${course}`, headers });

const publishVersion = (payload: object, headers = admin.auth) =>
  t.app.inject({ method: 'POST', url: '/v1/declaration-versions', payload, headers });

async function newParticipant(lastName = 'Example'): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/participants',
    payload: { firstName: 'Pat', lastName, email: `pat-${uniq()}@example.org`, relationship: 'parent' },
    headers: coordinator.auth,
  });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

const declare = (participantId: string, payload: object, headers = coordinator.auth) =>
  t.app.inject({ method: 'POST', url: `/v1/participants/${participantId}/declarations`, payload, headers });

const declareAnswers = (participantId: string, answers: object, extra: object = {}) =>
  declare(participantId, { declarationVersionId: versionId, channel: 'staff', answers, ...extra });

const history = (participantId: string, query = '', headers = coordinator.auth) =>
  t.app.inject({ method: 'GET', url: `/v1/participants/${participantId}/declarations${query}`, headers });

const review = (declarationId: string, payload: object, headers = coordinator.auth) =>
  t.app.inject({ method: 'POST', url: `/v1/declarations/${declarationId}/review`, payload, headers });

describe('declaration versions', () => {
  it('creates version 1 from the default wording on first need, with the SHA-256 of its canonical form', async () => {
    const course = await newCourse();
    const res = await currentVersion(course);
    expect(res.statusCode).toBe(200);
    const v = res.json();
    expect(v).toMatchObject({ courseId: course, version: 1, text: DEFAULT_DECLARATION_TEXT, requiresRedeclaration: false });
    expect(v.questions).toEqual(DEFAULT_DECLARATION_QUESTIONS.map((q) => ({ key: q.key, label: q.label })));
    expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(v.sha256).toBe(declarationSha256(DEFAULT_DECLARATION_TEXT, DEFAULT_DECLARATION_QUESTIONS));
    // Asking again (or concurrently, or from the seed) gives the same version, not a new one.
    const again = await Promise.all([currentVersion(course), currentVersion(course), ensureDeclarationVersion(t.database.db, course)]);
    expect(again[0].json().id).toBe(v.id);
    expect(again[1].json().id).toBe(v.id);
    expect(again[2].id).toBe(v.id);
  });

  it('answers 404 for an unknown course and 400 without a courseId', async () => {
    const unknown = await currentVersion(randomUUID());
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');
    const missing = await t.app.inject({ method: 'GET', url: '/v1/declaration-versions/current', headers: coordinator.auth });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('VALIDATION_FAILED');
    expect(missing.json().errors[0].path).toContain('courseId');
  });

  it('lets an admin publish the next version; the same wording again is 409 DUPLICATE', async () => {
    const course = await newCourse();
    const v1 = (await currentVersion(course)).json();
    const questions = DEFAULT_DECLARATION_QUESTIONS.map((q) => ({ ...q }));
    const same = await publishVersion({ courseId: course, text: DEFAULT_DECLARATION_TEXT, questions, requiresRedeclaration: false });
    expect(same.statusCode).toBe(409);
    expect(same.json().code).toBe('DUPLICATE');

    const created = await publishVersion({ courseId: course, text: `${DEFAULT_DECLARATION_TEXT} Revised.`, questions, requiresRedeclaration: true });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ courseId: course, version: 2, requiresRedeclaration: true });
    expect(created.json().sha256).not.toBe(v1.sha256);
    expect((await currentVersion(course)).json().id).toBe(created.json().id);
  });

  it('refuses a version with a missing or repeated question, unknown fields, or for an unknown course', async () => {
    const base = { courseId, text: 'New text', questions: DEFAULT_DECLARATION_QUESTIONS, requiresRedeclaration: false };
    const three = await publishVersion({ ...base, questions: DEFAULT_DECLARATION_QUESTIONS.slice(0, 3) });
    expect(three.statusCode).toBe(400);
    const repeated = await publishVersion({ ...base, questions: [...DEFAULT_DECLARATION_QUESTIONS.slice(0, 3), DEFAULT_DECLARATION_QUESTIONS[0]] });
    expect(repeated.statusCode).toBe(400);
    expect(repeated.json().code).toBe('VALIDATION_FAILED');
    const extra = await publishVersion({ ...base, sha256: 'x' });
    expect(extra.statusCode).toBe(400);
    const unknown = await publishVersion({ ...base, courseId: randomUUID() });
    expect(unknown.statusCode).toBe(404);
  });

  it('is admin-only to publish (coordinator 403) and facilitators cannot read the wording (403)', async () => {
    const res = await publishVersion({ courseId, text: 'x', questions: DEFAULT_DECLARATION_QUESTIONS, requiresRedeclaration: false }, coordinator.auth);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    expect((await currentVersion(courseId, facilitator.auth)).statusCode).toBe(403);
  });
});

describe('POST /v1/participants/:id/declarations', () => {
  it('eligible: images yes, every accusation no → eligible, no reasons, no signposting, entered by the staff member', async () => {
    const p = await newParticipant();
    const res = await declareAnswers(p, ELIGIBLE, { channel: 'self' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      participantId: p,
      declarationVersionId: versionId,
      version: 1,
      channel: 'self',
      outcome: 'eligible',
      reasons: [],
      enteredBy: { id: coordinator.id, name: 'Cora Coordinator' },
      reviewOfId: null,
    });
    expect(body).not.toHaveProperty('signposting');
    expect(body).not.toHaveProperty('answers');
    expect(Date.parse(body.createdAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('ineligible: any accusation yes → ineligible with every reason in question order, and the signposting', async () => {
    const p = await newParticipant();
    const res = await declareAnswers(p, { ...ELIGIBLE, accusedOfContactOffence: 'yes', accusedOfGrooming: 'yes', offenceInvolvesImages: 'unsure' }, { channel: 'referral' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ outcome: 'ineligible', reasons: ['CONTACT_OFFENCE', 'GROOMING'], channel: 'referral' });
    expect(res.json().signposting).toEqual(INELIGIBLE_SIGNPOSTING);

    const online = await declareAnswers(await newParticipant(), { ...ELIGIBLE, accusedOfOnlineContactWithChild: 'yes' });
    expect(online.json()).toMatchObject({ outcome: 'ineligible', reasons: ['ONLINE_CONTACT_WITH_CHILD'] });
  });

  it('needs_review: unsure answers or not an images offence → needs_review with the reasons, no signposting', async () => {
    const unsure = await declareAnswers(await newParticipant(), { ...ELIGIBLE, offenceInvolvesImages: 'unsure', accusedOfOnlineContactWithChild: 'unsure' });
    expect(unsure.statusCode).toBe(201);
    expect(unsure.json()).toMatchObject({
      outcome: 'needs_review',
      reasons: ['UNSURE_OFFENCE_INVOLVES_IMAGES', 'UNSURE_ACCUSED_OF_ONLINE_CONTACT_WITH_CHILD'],
    });
    expect(unsure.json()).not.toHaveProperty('signposting');
    const notImages = await declareAnswers(await newParticipant(), { ...ELIGIBLE, offenceInvolvesImages: 'no' });
    expect(notImages.json()).toMatchObject({ outcome: 'needs_review', reasons: ['NOT_AN_IMAGES_OFFENCE'] });
  });

  it('refuses bad answers, unknown fields and a bad channel with 400, without echoing the answers', async () => {
    const p = await newParticipant();
    const cases: object[] = [
      { declarationVersionId: versionId, channel: 'staff', answers: { ...ELIGIBLE, accusedOfGrooming: 'maybe' } },
      { declarationVersionId: versionId, channel: 'staff', answers: { offenceInvolvesImages: 'yes' } },
      { declarationVersionId: versionId, channel: 'staff', answers: { ...ELIGIBLE, extra: 'no' } },
      { declarationVersionId: versionId, channel: 'post', answers: ELIGIBLE },
      { declarationVersionId: versionId, channel: 'staff', answers: ELIGIBLE, outcome: 'eligible' },
      { declarationVersionId: 'v1', channel: 'staff', answers: ELIGIBLE },
    ];
    for (const payload of cases) {
      const res = await declare(p, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.body).not.toContain('maybe');
    }
    expect((await history(p)).json().items).toEqual([]);
  });

  it('answers 404 for an unknown participant or an unknown declaration version', async () => {
    const unknownPerson = await declareAnswers(randomUUID(), ELIGIBLE);
    expect(unknownPerson.statusCode).toBe(404);
    expect(unknownPerson.json().code).toBe('NOT_FOUND');
    const unknownVersion = await declare(await newParticipant(), { declarationVersionId: randomUUID(), channel: 'staff', answers: ELIGIBLE });
    expect(unknownVersion.statusCode).toBe(404);
    expect(unknownVersion.json().code).toBe('NOT_FOUND');
  });

  it('refuses a superseded wording with 422 DECLARATION_VERSION_NOT_CURRENT', async () => {
    const course = await newCourse();
    const v1 = (await currentVersion(course)).json();
    const v2 = await publishVersion({ courseId: course, text: 'Second wording.', questions: DEFAULT_DECLARATION_QUESTIONS, requiresRedeclaration: false });
    expect(v2.statusCode).toBe(201);
    const p = await newParticipant();
    const old = await declare(p, { declarationVersionId: v1.id, channel: 'staff', answers: ELIGIBLE });
    expect(old.statusCode).toBe(422);
    expect(old.json().code).toBe('DECLARATION_VERSION_NOT_CURRENT');
    const current = await declare(p, { declarationVersionId: v2.json().id, channel: 'staff', answers: ELIGIBLE });
    expect(current.statusCode).toBe(201);
    expect(current.json().version).toBe(2);
  });

  it('is immutable: a raw UPDATE or DELETE of a declaration fails (the trigger)', async () => {
    const p = await newParticipant();
    const id = (await declareAnswers(p, { ...ELIGIBLE, accusedOfGrooming: 'yes' })).json().id;
    await expect(t.database.db.execute(sql`UPDATE declarations SET outcome = 'eligible' WHERE id = ${id}`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`DELETE FROM declarations WHERE id = ${id}`)).rejects.toThrow();
    const [item] = (await history(p)).json().items;
    expect(item).toMatchObject({ id, outcome: 'ineligible' });
  });

  it('stores the answers through the codec, not as the rule result (and history decodes them)', async () => {
    const p = await newParticipant();
    const answers = { ...ELIGIBLE, accusedOfGrooming: 'unsure' };
    const created = (await declareAnswers(p, answers)).json();
    const res = await history(p);
    expect(res.statusCode).toBe(200);
    expect(res.json().items[0]).toMatchObject({ id: created.id, answers, outcome: 'needs_review', version: 1, channel: 'staff' });
  });
});

describe('GET /v1/participants/:id/declarations', () => {
  it('lists the history newest first, page by page', async () => {
    const p = await newParticipant();
    const made: string[] = [];
    for (const answers of [ELIGIBLE, { ...ELIGIBLE, accusedOfGrooming: 'yes' }, { ...ELIGIBLE, offenceInvolvesImages: 'no' }]) {
      made.push((await declareAnswers(p, answers)).json().id);
    }
    const first = (await history(p, '?limit=2')).json();
    expect(first.items.map((d: { id: string }) => d.id)).toEqual([made[2], made[1]]);
    expect(first.items[1]).toMatchObject({ outcome: 'ineligible', reasons: ['GROOMING'], enteredBy: { id: coordinator.id, name: 'Cora Coordinator' } });
    const second = (await history(p, `?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((d: { id: string }) => d.id)).toEqual([made[0]]);
    expect(second.nextCursor).toBeNull();
  });

  it('answers 404 for an unknown participant and 403 to a facilitator', async () => {
    const unknown = await history(randomUUID());
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');
    const p = await newParticipant();
    const res = await history(p, '', facilitator.auth);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    const write = await declareAnswers(p, ELIGIBLE, {});
    expect(write.statusCode).toBe(201);
    const facilitatorWrite = await declare(p, { declarationVersionId: versionId, channel: 'staff', answers: ELIGIBLE }, facilitator.auth);
    expect(facilitatorWrite.statusCode).toBe(403);
  });
});

describe('POST /v1/declarations/:id/review', () => {
  it('resolves needs_review with a NEW staff declaration; the reviewed row is unchanged', async () => {
    const p = await newParticipant();
    const answers = { ...ELIGIBLE, accusedOfContactOffence: 'unsure' };
    const original = (await declareAnswers(p, answers, { channel: 'self' })).json();
    expect(original.outcome).toBe('needs_review');

    const res = await review(original.id, { outcome: 'eligible', note: ' Spoke on the phone: no contact allegation. ' }, lead.auth);
    expect(res.statusCode).toBe(201);
    const resolved = res.json();
    expect(resolved).toMatchObject({
      participantId: p,
      declarationVersionId: original.declarationVersionId,
      version: original.version,
      channel: 'staff',
      outcome: 'eligible',
      reasons: [],
      reviewOfId: original.id,
      reviewNote: 'Spoke on the phone: no contact allegation.',
      enteredBy: { id: lead.id, name: 'Sam Safeguarding' },
    });
    expect(resolved.id).not.toBe(original.id);

    const items = (await history(p)).json().items;
    expect(items.map((d: { id: string }) => d.id)).toEqual([resolved.id, original.id]);
    expect(items[0].answers).toEqual(answers);
    expect(items[1]).toMatchObject({ outcome: 'needs_review', reasons: ['UNSURE_ACCUSED_OF_CONTACT_OFFENCE'], channel: 'self', reviewOfId: null, reviewNote: null });
    expect(items[1].createdAt).toBe(original.createdAt);
    expect(await isEligibleToEnrol(t.database.db, p, courseId)).toBe(true);

    // Already resolved: reviewing it again is refused.
    const again = await review(original.id, { outcome: 'ineligible', note: 'Second thoughts' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('REVIEW_NOT_NEEDED');
  });

  it('to ineligible: keeps the original reasons and gives the signposting', async () => {
    const p = await newParticipant();
    const original = (await declareAnswers(p, { ...ELIGIBLE, accusedOfGrooming: 'unsure' })).json();
    const res = await review(original.id, { outcome: 'ineligible', note: 'Grooming allegation confirmed by the person.' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ outcome: 'ineligible', reasons: ['UNSURE_ACCUSED_OF_GROOMING'], reviewOfId: original.id });
    expect(res.json().signposting).toEqual(INELIGIBLE_SIGNPOSTING);
  });

  it('refuses to review an eligible or ineligible declaration, or one no longer the latest (409 REVIEW_NOT_NEEDED)', async () => {
    const eligible = (await declareAnswers(await newParticipant(), ELIGIBLE)).json();
    const r1 = await review(eligible.id, { outcome: 'ineligible', note: 'x' });
    expect(r1.statusCode).toBe(409);
    expect(r1.json().code).toBe('REVIEW_NOT_NEEDED');

    const ineligible = (await declareAnswers(await newParticipant(), { ...ELIGIBLE, accusedOfGrooming: 'yes' })).json();
    expect((await review(ineligible.id, { outcome: 'eligible', note: 'x' })).json().code).toBe('REVIEW_NOT_NEEDED');

    const p = await newParticipant();
    const old = (await declareAnswers(p, { ...ELIGIBLE, offenceInvolvesImages: 'unsure' })).json();
    await declareAnswers(p, ELIGIBLE);
    const r3 = await review(old.id, { outcome: 'eligible', note: 'x' });
    expect(r3.statusCode).toBe(409);
    expect(r3.json().code).toBe('REVIEW_NOT_NEEDED');
  });

  it('needs a note (1–2000 characters) and an outcome of eligible or ineligible', async () => {
    const d = (await declareAnswers(await newParticipant(), { ...ELIGIBLE, offenceInvolvesImages: 'unsure' })).json();
    for (const payload of [{ outcome: 'eligible' }, { outcome: 'eligible', note: '   ' }, { outcome: 'eligible', note: 'x'.repeat(2001) }, { outcome: 'needs_review', note: 'x' }, { outcome: 'eligible', note: 'x', reasons: [] }]) {
      const res = await review(d.id, payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const unknown = await review(randomUUID(), { outcome: 'eligible', note: 'x' });
    expect(unknown.statusCode).toBe(404);
  });

  it('is for coordinators, safeguarding leads and admins: a facilitator gets 403', async () => {
    const d = (await declareAnswers(await newParticipant(), { ...ELIGIBLE, offenceInvolvesImages: 'unsure' })).json();
    const res = await review(d.id, { outcome: 'eligible', note: 'x' }, facilitator.auth);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    expect((await review(d.id, { outcome: 'eligible', note: 'Checked' }, admin.auth)).statusCode).toBe(201);
  });

  it('lets exactly one of two simultaneous reviews through', async () => {
    const p = await newParticipant();
    const d = (await declareAnswers(p, { ...ELIGIBLE, offenceInvolvesImages: 'unsure' })).json();
    const results = await Promise.all([review(d.id, { outcome: 'eligible', note: 'a' }), review(d.id, { outcome: 'ineligible', note: 'b' }, lead.auth)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect((await history(p)).json().items).toHaveLength(2);
  });
});

describe('GET /v1/declarations (review queue)', () => {
  it('lists participants whose LATEST declaration needs review, oldest first, with their names, page by page', async () => {
    const tag = `Queue${uniq()}`;
    const a = await newParticipant(`${tag}A`);
    const b = await newParticipant(`${tag}B`);
    const c = await newParticipant(`${tag}C`);
    const unsure = { ...ELIGIBLE, accusedOfGrooming: 'unsure' };
    const da = (await declareAnswers(a, unsure)).json();
    const db1 = (await declareAnswers(b, unsure)).json();
    await declareAnswers(b, ELIGIBLE); // b's latest is eligible now: out of the queue
    const dc = (await declareAnswers(c, unsure)).json();
    await review(dc.id, { outcome: 'ineligible', note: 'Resolved' }); // resolved: out of the queue

    const seen: { id: string; outcome: string; participant: { id: string; lastName: string }; reasons: string[] }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<TestApp['app']['inject']>> = await t.app.inject({ method: 'GET', url: `/v1/declarations?outcome=needs_review&limit=1${cursor ? `&cursor=${cursor}` : ''}`, headers: coordinator.auth });
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().items);
      cursor = res.json().nextCursor;
      pages++;
    } while (cursor && pages < 500);
    const mine = seen.filter((i) => i.participant.lastName.startsWith(tag));
    expect(mine.map((i) => i.id)).toEqual([da.id]);
    expect(mine[0]).toMatchObject({ participant: { id: a, firstName: 'Pat', lastName: `${tag}A` }, reasons: ['UNSURE_ACCUSED_OF_GROOMING'], version: 1 });
    expect(seen.map((i) => i.id)).not.toContain(db1.id);
    expect(new Set(seen.map((i) => i.id)).size).toBe(seen.length);
    expect(seen.every((i) => i.outcome === 'needs_review')).toBe(true);

    const ineligible = await t.app.inject({ method: 'GET', url: '/v1/declarations?outcome=ineligible&limit=100', headers: coordinator.auth });
    expect(ineligible.json().items.map((i: { participant: { id: string } }) => i.participant.id)).toContain(c);
  });

  it('is refused to a facilitator (403) and validates its query (400)', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/declarations', headers: facilitator.auth })).statusCode).toBe(403);
    const bad = await t.app.inject({ method: 'GET', url: '/v1/declarations?outcome=maybe', headers: coordinator.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
  });
});

describe('isEligibleToEnrol', () => {
  it('is true only for a latest eligible declaration under a version of that course still in force', async () => {
    const course = await newCourse();
    const v1 = (await currentVersion(course)).json();
    const p = await newParticipant();
    expect(await isEligibleToEnrol(t.database.db, p, course)).toBe(false); // no declaration

    await declare(p, { declarationVersionId: v1.id, channel: 'staff', answers: { ...ELIGIBLE, accusedOfGrooming: 'unsure' } });
    expect(await isEligibleToEnrol(t.database.db, p, course)).toBe(false); // needs review

    await declare(p, { declarationVersionId: v1.id, channel: 'staff', answers: ELIGIBLE });
    expect(await isEligibleToEnrol(t.database.db, p, course)).toBe(true);
    expect(await isEligibleToEnrol(t.database.db, p, courseId)).toBe(false); // another course's wording

    // A newer wording that does not ask for re-declaration: the old declaration still counts.
    const v2 = await publishVersion({ courseId: course, text: 'Second wording.', questions: DEFAULT_DECLARATION_QUESTIONS, requiresRedeclaration: false });
    expect(v2.statusCode).toBe(201);
    expect(await isEligibleToEnrol(t.database.db, p, course)).toBe(true);

    // One that does: it no longer counts until they declare again.
    const v3 = await publishVersion({ courseId: course, text: 'Third wording.', questions: DEFAULT_DECLARATION_QUESTIONS, requiresRedeclaration: true });
    expect(v3.statusCode).toBe(201);
    expect(await isEligibleToEnrol(t.database.db, p, course)).toBe(false);
    await declare(p, { declarationVersionId: v3.json().id, channel: 'staff', answers: ELIGIBLE });
    expect(await isEligibleToEnrol(t.database.db, p, course)).toBe(true);

    // The latest declaration decides, even if an earlier one was eligible.
    await declare(p, { declarationVersionId: v3.json().id, channel: 'staff', answers: { ...ELIGIBLE, accusedOfContactOffence: 'yes' } });
    expect(await isEligibleToEnrol(t.database.db, p, course)).toBe(false);
  });
});
