// Notifications as people receive them: each change writes its e-mail (or partner webhook) to the
// outbox in its own transaction, and the worker delivers it to a real SMTP listener (and a real
// webhook receiver). Wording stays neutral: no subject of the course, no course or cohort name.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLondon } from '@harbour/shared';
import { enrolments, outboxMessages, users } from '../../db/schema/index';
import { buildTestApp, type TestApp } from '../../test/build-test-app';
import { createEligibleParticipant, createOpenCohort, createParticipants, defaultCourse } from '../../test/factories';
import { createMailer } from '../email/mailer';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '../email/test-smtp';
import { expireOffers } from '../enrolments/enrolments.service';
import { lockCohortById } from '../enrolments/enrolments.repo';
import { admit, SYSTEM } from '../enrolments/seats';
import { enqueue } from '../outbox/outbox.service';
import { runOutboxOnce, type OutboxDeps } from '../outbox/worker';
import { startTestReceiver, verifyWebhook, type TestReceiver } from '../webhooks/test-receiver';
import { alertAtRiskCohorts } from './at-risk';
import { sendSessionReminders } from './reminders';

let t: TestApp;
let smtp: TestSmtp;
let receiver: TestReceiver;
let deps: OutboxDeps;
let coordinator: Awaited<ReturnType<TestApp['staff']>>;
let admin: Awaited<ReturnType<TestApp['staff']>>;
let courseName: string;

beforeAll(async () => {
  smtp = await startTestSmtp();
  receiver = await startTestReceiver();
  t = await buildTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'Course team <team@harbour.test>', WEBHOOK_ALLOW_PRIVATE: true });
  deps = { mailer: createMailer({ SMTP_URL: smtp.url, MAIL_FROM: 'Course team <team@harbour.test>' }), allowPrivateWebhooks: true };
  coordinator = await t.staff(['coordinator'], 'Cora Coordinator');
  admin = await t.staff(['admin'], 'Ada Admin');
  courseName = (await defaultCourse(t)).name;
});
afterAll(async () => {
  deps.mailer?.close();
  await receiver.close();
  await smtp.close();
  await t.close();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const uniq = () => randomUUID().slice(0, 8);

/** Runs the outbox worker until nothing more is due at `now`. */
async function deliver(now = new Date()) {
  for (let i = 0; i < 20; i++) {
    const run = await runOutboxOnce(t.database.db, deps, now);
    if (run.claimed === 0) return;
  }
}
const mailsTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email));

/** Words that must never appear in an e-mail to a participant (it may be read on a shared device). */
const NEVER = /offen[cs]e|sexual|images?|abuse|indecent|child|groom|accus|criminal/i;
function expectNeutral(mail: ReceivedMail, ...alsoNever: string[]) {
  for (const part of [mail.subject, mail.text, mail.html]) {
    expect(part).not.toMatch(NEVER);
    for (const word of ['offence', 'sexual', 'images', 'abuse', courseName, ...alsoNever]) expect(part.toLowerCase()).not.toContain(word.toLowerCase());
  }
}

const enrol = (cohortId: string, participantId: string) =>
  t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohortId}/enrolments`, payload: { participantId }, headers: coordinator.auth });
const act = (enrolmentId: string, verb: string) => t.app.inject({ method: 'POST', url: `/v1/enrolments/${enrolmentId}/${verb}`, headers: coordinator.auth });
const outboxRowsTo = (email: string) => t.database.db.select().from(outboxMessages).where(eq(outboxMessages.recipient, email));

describe('enrolments', () => {
  it('a confirmed enrolment e-mails the person once, with the session times in UK time and neutral wording', async () => {
    const { cohort, sessions } = await createOpenCohort(t, { max: 4, min: 1, firstSessionAt: new Date('2031-07-03T17:00:00Z') });
    const person = await createEligibleParticipant(t, { firstName: 'Morgan' });
    const res = await enrol(cohort.id, person.id);
    expect(res.statusCode).toBe(201);
    expect(res.json().status).toBe('confirmed');

    expect(mailsTo(person.email)).toHaveLength(0); // Nothing leaves before the worker runs.
    await deliver();
    const mails = mailsTo(person.email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.subject).toBe('Your course sessions: your place is confirmed');
    expect(mail!.text).toContain('Dear Morgan,');
    // 17:00Z in July is 18:00 in London.
    expect(mail!.text).toContain('Session 1: Thursday 3 July 2031, 18:00 to 21:00 (UK time)');
    expect(mail!.text).toContain(`Session 3: ${formatLondon(sessions[2]!.startsAt)}`);
    expect(mail!.text).toContain('https://meet.example/harbour-test');
    expectNeutral(mail!, cohort.title);
  });

  it('a full cohort puts the person on the waitlist and tells them their place', async () => {
    const { cohort } = await createOpenCohort(t, { max: 1, min: 1 });
    const [first, second, third] = await createParticipants(t, 3);
    expect((await enrol(cohort.id, first!.id)).json().status).toBe('confirmed');
    expect((await enrol(cohort.id, second!.id)).json()).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect((await enrol(cohort.id, third!.id)).json()).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
    await deliver();
    const [toSecond] = mailsTo(second!.email);
    const [toThird] = mailsTo(third!.email);
    expect(mailsTo(second!.email)).toHaveLength(1);
    expect(toSecond!.subject).toBe('Your course sessions: you are on the waiting list');
    expect(toSecond!.text).toContain('You are number 1.');
    expect(toThird!.text).toContain('You are number 2.');
    expectNeutral(toSecond!, cohort.title);
  });

  it('a freed seat is offered with its expiry in UK time; a lapsed offer is told so; accepting an offer confirms', async () => {
    const { cohort } = await createOpenCohort(t, { max: 1, min: 1 });
    const [holder, next, after] = await createParticipants(t, 3);
    const held = (await enrol(cohort.id, holder!.id)).json();
    const waiting = (await enrol(cohort.id, next!.id)).json();
    const last = (await enrol(cohort.id, after!.id)).json();
    await deliver();

    // Withdrawal: the first on the waitlist is offered the seat, in the same transaction.
    expect((await act(held.id, 'withdraw')).statusCode).toBe(200);
    const [offer] = await t.database.db.select().from(enrolments).where(eq(enrolments.id, waiting.id));
    expect(offer!.status).toBe('offered');
    await deliver();
    const offered = mailsTo(next!.email).filter((m) => m.subject === 'Your course sessions: a place is available');
    expect(offered).toHaveLength(1);
    expect(offered[0]!.text).toContain(`The place is held for you until ${formatLondon(offer!.offerExpiresAt!)} (UK time).`);
    expectNeutral(offered[0]!, cohort.title);
    // The holder who withdrew is told it is done, as they asked; no one is e-mailed twice.
    expect(mailsTo(holder!.email).map((m) => m.subject)).toEqual([
      'Your course sessions: your place is confirmed',
      'Your course sessions: your booking has been cancelled as you asked',
    ]);
    expectNeutral(mailsTo(holder!.email)[1]!, cohort.title);

    // The offer lapses (the scheduled job runs after the expiry): the person is told, the next is offered.
    const later = new Date(offer!.offerExpiresAt!.getTime() + 60_000);
    expect(await expireOffers(t.database.db, later)).toBeGreaterThanOrEqual(1);
    await deliver(later);
    const lapsed = mailsTo(next!.email).filter((m) => m.subject === 'Your course sessions: the place offered has lapsed');
    expect(lapsed).toHaveLength(1);
    expectNeutral(lapsed[0]!, cohort.title);
    expect(mailsTo(after!.email).map((m) => m.subject)).toEqual([
      'Your course sessions: you are on the waiting list',
      'Your course sessions: a place is available',
    ]);

    // Accepting the offer confirms the place: the confirmation e-mail, once.
    const accepted = await act(last.id, 'accept');
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().status).toBe('confirmed');
    await deliver(later);
    expect(mailsTo(after!.email).map((m) => m.subject)).toEqual([
      'Your course sessions: you are on the waiting list',
      'Your course sessions: a place is available',
      'Your course sessions: your place is confirmed',
    ]);
  });

  it('a place declined or removed is told to the person once, neutrally and without a reason', async () => {
    const { cohort } = await createOpenCohort(t, { max: 1, min: 1 });
    const [holder, next] = await createParticipants(t, 2);
    const held = (await enrol(cohort.id, holder!.id)).json();
    const waiting = (await enrol(cohort.id, next!.id)).json();
    const removed = await t.app.inject({
      method: 'POST',
      url: `/v1/enrolments/${held.id}/remove`,
      payload: { reason: 'Asked by the facilitator after session planning.' },
      headers: coordinator.auth,
    });
    expect(removed.statusCode).toBe(200);
    expect((await act(waiting.id, 'decline')).statusCode).toBe(200);
    await deliver();

    const toHolder = mailsTo(holder!.email);
    expect(toHolder.map((m) => m.subject)).toEqual(['Your course sessions: your place is confirmed', 'Your course sessions: your booking has been cancelled']);
    expectNeutral(toHolder[1]!, cohort.title, 'facilitator', 'planning');
    expect(mailsTo(next!.email).map((m) => m.subject)).toEqual([
      'Your course sessions: you are on the waiting list',
      'Your course sessions: a place is available',
      'Your course sessions: your booking has been cancelled as you asked',
    ]);
    expect(mailsTo(next!.email)[2]!.text).toContain('We have released the place we were holding for you.');
  });

  it('an enrolment that is refused (422 NOT_ELIGIBLE) writes nothing to the outbox', async () => {
    const { cohort } = await createOpenCohort(t, { max: 4, min: 1 });
    const [person] = await createParticipants(t, 1, { outcome: 'needs_review' });
    const res = await enrol(cohort.id, person!.id);
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 422, code: 'NOT_ELIGIBLE' });
    expect(await outboxRowsTo(person!.email)).toEqual([]);
    await deliver();
    expect(mailsTo(person!.email)).toEqual([]);
  });

  it('the e-mail is part of the enrolment’s transaction: when it rolls back, nothing is sent', async () => {
    const { cohort } = await createOpenCohort(t, { max: 4, min: 1 });
    const person = await createEligibleParticipant(t);
    await expect(
      t.database.db.transaction(async (tx) => {
        const locked = await lockCohortById(tx, cohort.id);
        const row = await admit({ tx, cohort: locked!, offerHours: 48, now: new Date() }, { participantId: person.id, createdBy: null }, SYSTEM);
        expect(row.status).toBe('confirmed');
        // The message was written with the change...
        expect(await tx.select().from(outboxMessages).where(eq(outboxMessages.recipient, person.email))).toHaveLength(1);
        throw new Error('a later step failed');
      }),
    ).rejects.toThrow('a later step failed');
    // ...and went with it.
    expect(await outboxRowsTo(person.email)).toEqual([]);
    await deliver();
    expect(mailsTo(person.email)).toEqual([]);
  });
});

describe('cohort cancellation', () => {
  it('e-mails every person whose place or waitlist place was removed, with the refund only where paid', async () => {
    const { cohort } = await createOpenCohort(t, { max: 2, min: 1, firstSessionAt: new Date('2031-01-16T18:00:00Z') });
    const [paid, unpaid, waiting] = await createParticipants(t, 3);
    const paidEnrolment = (await enrol(cohort.id, paid!.id)).json();
    await enrol(cohort.id, unpaid!.id);
    await enrol(cohort.id, waiting!.id);
    const patched = await t.app.inject({ method: 'PATCH', url: `/v1/enrolments/${paidEnrolment.id}`, payload: { paymentStatus: 'paid' }, headers: coordinator.auth });
    expect(patched.statusCode).toBe(200);
    await deliver();

    const reason = `Facilitator unavailable ${uniq()}`;
    const res = await t.app.inject({ method: 'POST', url: `/v1/cohorts/${cohort.id}/cancel`, payload: { reason }, headers: coordinator.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().peopleAffected).toBe(3);
    await deliver();

    for (const person of [paid!, unpaid!, waiting!]) {
      const cancelled = mailsTo(person.email).filter((m) => m.subject === 'Your course sessions: dates cancelled');
      expect(cancelled, person.email).toHaveLength(1);
      expect(cancelled[0]!.text).toContain('the sessions due to start on Thursday 16 January 2031 have been cancelled');
      expectNeutral(cancelled[0]!, cohort.title, reason);
    }
    const refundLine = 'The fee you paid will be refunded.';
    expect(mailsTo(paid!.email).at(-1)!.text).toContain(refundLine);
    expect(mailsTo(unpaid!.email).at(-1)!.text).not.toContain(refundLine);
    expect(mailsTo(waiting!.email).at(-1)!.text).not.toContain(refundLine);
  });
});

describe('at-risk alerts', () => {
  it('tells every active coordinator once per cohort at risk, and no one about a cohort that is not', async () => {
    const now = new Date();
    const other = await t.staff(['coordinator', 'safeguarding_lead'], 'Sol Coordinator');
    const gone = await t.staff(['coordinator'], 'Dee Disabled');
    await t.database.db.update(users).set({ disabledAt: now }).where(eq(users.id, gone.id));
    const facilitator = await t.staff(['facilitator'], 'Fay Facilitator');

    // Below its minimum 10 days before it starts (the course flags at 14): at risk. 30 days out: not yet.
    const { cohort: atRisk } = await createOpenCohort(t, { min: 8, max: 12, firstSessionAt: new Date(now.getTime() + 10 * DAY) });
    const { cohort: fine } = await createOpenCohort(t, { min: 8, max: 12, firstSessionAt: new Date(now.getTime() + 30 * DAY) });
    const [person] = await createParticipants(t, 1);
    expect((await enrol(atRisk.id, person!.id)).json().status).toBe('confirmed');
    const listed = await t.app.inject({ method: 'GET', url: '/v1/cohorts?atRisk=true&limit=100', headers: coordinator.auth });
    expect(listed.json().items.map((c: { id: string }) => c.id)).toContain(atRisk.id);

    expect(await alertAtRiskCohorts(t.database.db, now)).toBeGreaterThanOrEqual(1);
    await deliver(now);
    const about = (cohortId: string) => smtp.mails.filter((m) => m.text.includes(cohortId));
    const alerts = about(atRisk.id);
    expect(alerts.map((m) => m.to[0]).sort()).toEqual([coordinator.email, other.email].sort());
    for (const email of [gone.email, facilitator.email, admin.email]) expect(mailsTo(email).filter((m) => m.text.includes(atRisk.id))).toEqual([]);
    const toCora = alerts.find((m) => m.to.includes(coordinator.email))!;
    expect(toCora.subject).toBe('Course group below its minimum numbers');
    expect(toCora.text).toContain('Dear Cora Coordinator,');
    expect(toCora.text).toContain(`starting on ${formatLondon(new Date(now.getTime() + 10 * DAY))} has 1 confirmed of the 8 needed to run`);
    expectNeutral(toCora, atRisk.title);
    expect(about(fine.id)).toEqual([]);

    // Once: the job runs every 30 seconds, the alert does not.
    expect(await alertAtRiskCohorts(t.database.db, new Date(now.getTime() + 60_000))).toBe(0);
    await deliver(new Date(now.getTime() + 60_000));
    expect(about(atRisk.id)).toHaveLength(2);
  });
});

describe('session reminders', () => {
  it('reminds each confirmed person once per session in the 48 hours before it, however often the job runs', async () => {
    const now = new Date();
    const { cohort, sessions } = await createOpenCohort(t, { max: 2, min: 1, firstSessionAt: new Date(now.getTime() + 24 * HOUR) });
    const [a, b, waiting] = await createParticipants(t, 3);
    for (const p of [a!, b!, waiting!]) expect((await enrol(cohort.id, p.id)).statusCode).toBe(201);
    await deliver(now);
    const reminders = (email: string) => mailsTo(email).filter((m) => m.subject === 'Your course sessions: a reminder');

    // Twice in a row, and twice at once (in parallel on PostgreSQL; PGlite runs them one after the other): one reminder each.
    await sendSessionReminders(t.database.db, now);
    await sendSessionReminders(t.database.db, new Date(now.getTime() + 30_000));
    await Promise.all([sendSessionReminders(t.database.db, new Date(now.getTime() + 60_000)), sendSessionReminders(t.database.db, new Date(now.getTime() + 60_000))]);
    await deliver(new Date(now.getTime() + 60_000));
    for (const p of [a!, b!]) {
      const got = reminders(p.email);
      expect(got, p.email).toHaveLength(1);
      expect(got[0]!.text).toContain(`session 1 of 3 starts on ${formatLondon(sessions[0]!.startsAt)}`);
      expect(got[0]!.text).toContain('https://meet.example/harbour-test');
      expectNeutral(got[0]!, cohort.title);
    }
    // Only confirmed people are reminded (the joining link is for them alone).
    expect(reminders(waiting!.email)).toEqual([]);

    // The second session is a week later: its reminder comes in its own 48 hours, once.
    const beforeSecond = new Date(sessions[1]!.startsAt.getTime() - 47 * HOUR);
    await sendSessionReminders(t.database.db, beforeSecond);
    await sendSessionReminders(t.database.db, beforeSecond);
    await deliver(beforeSecond);
    for (const p of [a!, b!]) {
      expect(reminders(p.email).map((m) => /session (\d) of 3/.exec(m.text)?.[1])).toEqual(['1', '2']);
    }
  });

  it('sends nothing for a session that has started or is more than 48 hours away', async () => {
    const now = new Date();
    const { cohort, sessions } = await createOpenCohort(t, { max: 2, min: 1, firstSessionAt: new Date(now.getTime() + 49 * HOUR) });
    const person = await createEligibleParticipant(t);
    expect((await enrol(cohort.id, person.id)).statusCode).toBe(201);
    await sendSessionReminders(t.database.db, now);
    // Just after the first session started (the second is still a week away).
    await sendSessionReminders(t.database.db, new Date(sessions[0]!.startsAt.getTime() + 1000));
    expect((await outboxRowsTo(person.email)).map((r) => r.topic)).toEqual(['enrolment_confirmed']);
  });
});

describe('referrals and erasure', () => {
  async function partnerWithKey() {
    const p = await t.app.inject({ method: 'POST', url: '/v1/partners', payload: { name: `Partner ${uniq()}` }, headers: admin.auth });
    const k = await t.app.inject({
      method: 'POST',
      url: `/v1/partners/${p.json().id}/api-keys`,
      payload: { scopes: ['referrals:write', 'referrals:read', 'webhooks:manage'] },
      headers: admin.auth,
    });
    return { id: p.json().id as string, auth: { authorization: `Bearer ${k.json().key as string}` } };
  }
  const referralBody = (referrerEmail: string) => ({
    person: { firstName: 'Jo', lastName: `Bloggs-${uniq()}`, email: `jo-${uniq()}@example.org` },
    relationship: 'partner',
    consentToShare: true,
    referrer: { name: 'Rita Referrer', email: referrerEmail },
  });

  it('a referral is acknowledged to the referrer by e-mail, with its reference and nothing about the person', async () => {
    const partner = await partnerWithKey();
    const referrerEmail = `rita-${uniq()}@probation.example`;
    const body = referralBody(referrerEmail);
    const headers = { ...partner.auth, 'idempotency-key': `ref-${uniq()}` };
    const res = await t.app.inject({ method: 'POST', url: '/v1/referrals', payload: body, headers });
    expect(res.statusCode).toBe(201);
    // A retry of the same request (replayed) is not a second referral: no second acknowledgement.
    const replay = await t.app.inject({ method: 'POST', url: '/v1/referrals', payload: body, headers });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    await deliver();
    const mails = mailsTo(referrerEmail);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Referral received');
    expect(mails[0]!.text).toContain('Dear Rita Referrer,');
    expect(mails[0]!.text).toContain(`reference ${res.json().id as string}`);
    expectNeutral(mails[0]!, body.person.lastName, body.person.email);
  });

  it('erasure tells the referring partner by webhook and blanks the person’s e-mails in the outbox', async () => {
    const partner = await partnerWithKey();
    const sub = await t.app.inject({ method: 'POST', url: '/v1/webhooks', headers: partner.auth, payload: { url: receiver.url, events: ['referral.erased'] } });
    expect(sub.statusCode).toBe(201);
    const secret = sub.json().secret as string;
    const referral = (await t.app.inject({ method: 'POST', url: '/v1/referrals', payload: referralBody(`r-${uniq()}@probation.example`), headers: partner.auth })).json();

    const { cohort } = await createOpenCohort(t, { max: 4, min: 1 });
    const person = await createEligibleParticipant(t, { firstName: 'Quinn' });
    const enrolment = (await enrol(cohort.id, person.id)).json();
    await deliver(); // The confirmation is delivered...
    expect(mailsTo(person.email)).toHaveLength(1);
    for (const step of [{ status: 'contacted' }, { status: 'enrolled', participantId: person.id, enrolmentId: enrolment.id }]) {
      expect((await t.app.inject({ method: 'POST', url: `/v1/referrals/${referral.id}/status`, payload: step, headers: coordinator.auth })).statusCode).toBe(200);
    }
    expect((await act(enrolment.id, 'withdraw')).statusCode).toBe(200);
    // ...the withdrawal's own e-mail, and one more, are still waiting when the person is erased (they must never go out).
    await t.database.db.transaction(async (tx) => {
      await enqueue(tx, { kind: 'email', to: person.email, template: 'offer_expired', data: { firstName: 'Quinn' } });
    });
    expect(await outboxRowsTo(person.email)).toHaveLength(3);

    const erased = await t.app.inject({ method: 'POST', url: `/v1/participants/${person.id}/erase`, headers: admin.auth });
    expect(erased.statusCode).toBe(200);

    // The outbox no longer holds the address or what was written to the person.
    expect(await outboxRowsTo(person.email)).toEqual([]);
    const tombstoned = await outboxRowsTo(`erased+${person.id}@invalid`);
    expect(tombstoned.map((r) => r.status).sort()).toEqual(['cancelled', 'cancelled', 'delivered']);
    const stored = JSON.stringify(await t.database.db.select().from(outboxMessages).where(sql`${outboxMessages.payload}::text ilike ${'%Quinn%'}`));
    expect(stored).toBe('[]');
    const outboxView = await t.app.inject({ method: 'GET', url: '/v1/outbox?kind=email&limit=100', headers: admin.auth });
    expect(outboxView.statusCode).toBe(200);
    expect(outboxView.body).not.toContain(person.email);
    expect(outboxView.body).not.toContain('Quinn');
    const before = mailsTo(person.email).length;
    await deliver();
    expect(mailsTo(person.email)).toHaveLength(before);

    // The partner hears of it: a signed, thin referral.erased webhook.
    const hooks = receiver.requests.map((r) => verifyWebhook(secret, r.headers, r.body).payload as { type: string; data: Record<string, unknown> });
    const erasedHooks = hooks.filter((h) => h.type === 'referral.erased');
    expect(erasedHooks).toHaveLength(1);
    expect(erasedHooks[0]!.data).toEqual({ referralId: referral.id });
    // Only to the subscriber of that event: the subscription did not ask for status changes.
    expect(hooks.filter((h) => h.type === 'referral.status_changed')).toEqual([]);
  });

  it('an erasure refused (409: the person still holds a place) tells no partner and keeps the outbox as it was', async () => {
    const { cohort } = await createOpenCohort(t, { max: 4, min: 1 });
    const person = await createEligibleParticipant(t);
    expect((await enrol(cohort.id, person.id)).statusCode).toBe(201);
    const res = await t.app.inject({ method: 'POST', url: `/v1/participants/${person.id}/erase`, headers: admin.auth });
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 409, code: 'INVALID_STATE' });
    expect((await outboxRowsTo(person.email)).map((r) => r.topic)).toEqual(['enrolment_confirmed']);
  });
});
