// E-mails as people receive them: through the outbox and nodemailer to a real SMTP listener, in
// plain text and HTML, with neutral wording (they may be read on a shared device).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_ADMIN, type TestApp } from '../../test/build-test-app';
import { and, eq } from 'drizzle-orm';
import { outboxMessages } from '../../db/schema/index';
import { requeueMessage } from '../outbox/outbox.repo';
import { enqueue, type EmailMessage } from '../outbox/outbox.service';
import { runOutboxOnce } from '../outbox/worker';
import { createMailer } from './mailer';
import { EMAIL_TEMPLATES, escapeHtml, renderEmail, type EmailTemplates } from './templates';
import { startTestSmtp, type TestSmtp } from './test-smtp';

let t: TestApp;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await buildTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'Course team <team@harbour.test>' });
});
afterAll(async () => {
  await smtp.close();
  await t.close();
});

// Summer time (BST) on purpose: 17:00Z is 18:00 in London.
const sessions = [
  { startsAt: '2027-07-01T17:00:00Z', endsAt: '2027-07-01T20:00:00Z' },
  { startsAt: '2027-07-08T17:00:00Z', endsAt: '2027-07-08T20:00:00Z' },
  { startsAt: '2027-07-15T17:00:00Z', endsAt: '2027-07-15T20:00:00Z' },
];

/** One example of every template. */
const EXAMPLES: { [K in keyof EmailTemplates]: EmailTemplates[K] } = {
  enrolment_confirmed: { firstName: 'Alex', sessions, deliveryMode: 'online', joiningLink: 'https://meet.example.org/room?id=1&pw=2' },
  waitlisted: { firstName: 'Alex', position: 3 },
  seat_offered: { firstName: 'Alex', offerExpiresAt: '2027-06-20T22:30:00Z', sessions },
  offer_expired: { firstName: 'Alex' },
  place_ended: { firstName: 'Alex', how: 'removed' },
  waitlist_closed: { firstName: 'Alex' },
  session_reminder: { firstName: 'Alex', sessionNumber: 2, sessionCount: 3, ...sessions[1]!, deliveryMode: 'in_person', venue: 'Room 4, 12 High Street, Leeds' },
  cohort_cancelled: { firstName: 'Alex', firstSessionAt: '2027-07-01T17:00:00Z', refundDue: true },
  cohort_at_risk: { name: 'Sam', cohortId: '7d3c0e0e-0000-4000-8000-000000000001', firstSessionAt: '2027-07-01T17:00:00Z', confirmedCount: 5, minParticipants: 8, link: 'https://harbour.example/cohorts/7d3c' },
  referral_received: { referrerName: 'Jo Probation', reference: 'c0ffee00-0000-4000-8000-000000000002' },
  concern_raised: { raisedAt: '2027-07-01T19:30:00Z', link: 'https://harbour.example/admin/safeguarding' },
  set_password: { name: 'Nia', link: 'https://harbour.example/set-password?token=abc', expiresAt: '2027-07-04T17:00:00Z' },
  delivery_failed: { messageId: 'c0ffee00-0000-4000-8000-000000000003', kind: 'webhook', topic: 'referral.status_changed', attempts: 10 },
};

/** Words that must never appear in an e-mail, whoever reads it. */
const NEVER = /offen[cs]e|sexual|images?|abuse|indecent|child|groom|convict|accus|crime|criminal|police|probation service/i;

describe('templates', () => {
  it.each(EMAIL_TEMPLATES)('%s: neutral subject and body, text and HTML', (template) => {
    const mail = renderEmail(template, EXAMPLES[template] as never);
    for (const part of [mail.subject, mail.text, mail.html]) {
      expect(part).not.toMatch(NEVER);
      for (const word of ['offence', 'sexual', 'images', 'abuse']) expect(part.toLowerCase()).not.toContain(word);
    }
    expect(mail.subject.length).toBeGreaterThan(5);
    expect(mail.text.length).toBeGreaterThan(20);
    expect(mail.html).toMatch(/^<!doctype html>/);
  });

  it('shows times in Europe/London', () => {
    const confirmed = renderEmail('enrolment_confirmed', EXAMPLES.enrolment_confirmed);
    expect(confirmed.text).toContain('Session 1: Thursday 1 July 2027, 18:00 to 21:00 (UK time)');
    expect(confirmed.text).toContain('Session 3: Thursday 15 July 2027, 18:00 to 21:00 (UK time)');
    const offered = renderEmail('seat_offered', EXAMPLES.seat_offered);
    expect(offered.text).toContain('until Sunday 20 June 2027, 23:30 (UK time)');
    const winter = renderEmail('seat_offered', { ...EXAMPLES.seat_offered, offerExpiresAt: '2027-01-14T18:00:00Z' });
    expect(winter.text).toContain('until Thursday 14 January 2027, 18:00 (UK time)');
    const reminder = renderEmail('session_reminder', EXAMPLES.session_reminder);
    expect(reminder.text).toContain('session 2 of 3 starts on Thursday 8 July 2027, 18:00 and ends at 21:00 (UK time)');
    expect(reminder.text).toContain('Room 4, 12 High Street, Leeds');
  });

  it('escapes everything in the HTML', () => {
    const mail = renderEmail('waitlisted', { firstName: '<script>alert("x")</script> & Co', position: 1 });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(mail.text).toContain('Dear <script>alert("x")</script> & Co,');
    const link = renderEmail('enrolment_confirmed', { ...EXAMPLES.enrolment_confirmed, joiningLink: 'https://x.example/"><img src=x>' });
    expect(link.html).not.toContain('"><img');
    expect(escapeHtml(`'`)).toBe('&#39;');
  });

  it('says a place ended as the person asked (withdrawn, declined) or not (removed), never why', () => {
    const removed = renderEmail('place_ended', { firstName: 'Alex', how: 'removed' });
    expect(removed.subject).toBe('Your course sessions: your booking has been cancelled');
    expect(removed.text).toContain('If you have any questions about this');
    expect(removed.text).not.toMatch(/as you asked|eligib/i);
    expect(renderEmail('place_ended', { firstName: 'Alex', how: 'withdrawn' }).text).toContain('As you asked, we have cancelled your booking');
    expect(renderEmail('place_ended', { firstName: 'Alex', how: 'declined' }).text).toContain('We have released the place we were holding for you.');
  });

  it('only puts the joining link in the confirmation when there is one, and the refund only when due', () => {
    expect(renderEmail('enrolment_confirmed', { ...EXAMPLES.enrolment_confirmed, joiningLink: null }).text).toContain('We will send you the joining link');
    expect(renderEmail('cohort_cancelled', EXAMPLES.cohort_cancelled).text).toContain('will be refunded');
    expect(renderEmail('cohort_cancelled', { ...EXAMPLES.cohort_cancelled, refundDue: false }).text).not.toContain('refund');
  });
});

describe('sending through SMTP', () => {
  it('delivers every template to the mail server, neutral, in text and HTML', async () => {
    const deps = { mailer: createMailer(t.config), allowPrivateWebhooks: false };
    try {
      await t.database.db.transaction(async (tx) => {
        for (const template of EMAIL_TEMPLATES) {
          await enqueue(tx, { kind: 'email', to: `${template.replace(/_/g, '-')}@example.org`, template, data: EXAMPLES[template] } as EmailMessage);
        }
      });
      const run = await runOutboxOnce(t.database.db, deps!);
      expect(run).toMatchObject({ claimed: EMAIL_TEMPLATES.length, delivered: EMAIL_TEMPLATES.length });
    } finally {
      deps.mailer?.close();
    }
    expect(smtp.mails).toHaveLength(EMAIL_TEMPLATES.length);
    for (const mail of smtp.mails) {
      expect(mail.from).toBe('team@harbour.test');
      expect(mail.raw).toMatch(/^From: Course team <team@harbour\.test>$/m);
      expect(mail.raw).toMatch(/multipart\/alternative/);
      for (const part of [mail.subject, mail.text, mail.html]) {
        expect(part.length).toBeGreaterThan(0);
        expect(part).not.toMatch(NEVER);
        for (const word of ['offence', 'sexual', 'images', 'abuse']) expect(part.toLowerCase()).not.toContain(word);
      }
      expect(mail.raw.toLowerCase()).not.toMatch(/offence|sexual|images|abuse/);
    }
    const confirmed = smtp.mails.find((m) => m.to[0] === 'enrolment-confirmed@example.org')!;
    expect(confirmed.subject).toBe('Your course sessions: your place is confirmed');
    expect(confirmed.text).toContain('Thursday 1 July 2027, 18:00 to 21:00');
    expect(confirmed.html).toContain('<li>Session 1: Thursday 1 July 2027, 18:00 to 21:00 (UK time)</li>');
    expect(confirmed.html).toContain('href="https://meet.example.org/room?id=1&amp;pw=2"');
    const offered = smtp.mails.find((m) => m.to[0] === 'seat-offered@example.org')!;
    expect(offered.text).toContain('Sunday 20 June 2027, 23:30');

    const admin = { authorization: `Bearer ${await t.signIn(TEST_ADMIN.email, TEST_ADMIN.password)}` };
    const delivered = (await t.app.inject({ method: 'GET', url: '/v1/outbox?status=delivered&limit=100', headers: admin })).json().items;
    expect(delivered).toHaveLength(EMAIL_TEMPLATES.length);
    expect(delivered.every((m: { deliveredAt: string | null; attempts: number }) => m.deliveredAt !== null && m.attempts === 1)).toBe(true);
  });

  it('retries a temporary SMTP failure and then delivers once', async () => {
    const now = new Date();
    smtp.mails.length = 0;
    const [id] = await t.database.db.transaction((tx) => enqueue(tx, { kind: 'email', to: 'retry@example.org', template: 'offer_expired', data: { firstName: 'Kim' } }, now));
    smtp.failNext(1);
    const deps = { mailer: createMailer(t.config), allowPrivateWebhooks: false };
    try {
      expect(await runOutboxOnce(t.database.db, deps, now)).toMatchObject({ claimed: 1, retrying: 1 });
      expect(await runOutboxOnce(t.database.db, deps, new Date(now.getTime() + 5_000))).toMatchObject({ claimed: 1, delivered: 1 });
    } finally {
      deps.mailer?.close();
    }
    expect(smtp.mails.map((m) => m.messageId)).toEqual([`<${id}@harbour.test>`]);
  });
});

describe('the set-password link by e-mail', () => {
  it('is sent sealed: kept encrypted until sent, never shown to admins, working from the e-mail, and not sent again without it', async () => {
    smtp.mails.length = 0;
    const admin = { authorization: `Bearer ${await t.signIn(TEST_ADMIN.email, TEST_ADMIN.password)}` };
    const created = await t.app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { email: 'nia.new@example.org', name: 'Nia New', roles: ['coordinator'] } });
    expect(created.statusCode).toBe(201);
    const body = created.json() as { setPasswordUrl: string; emailed: boolean };
    expect(body.emailed).toBe(true);
    const token = new URL(body.setPasswordUrl).searchParams.get('token')!;
    const stored = async () => {
      const [row] = await t.database.db
        .select()
        .from(outboxMessages)
        .where(and(eq(outboxMessages.topic, 'set_password'), eq(outboxMessages.recipient, 'nia.new@example.org')));
      return row!;
    };

    // Stored: the e-mail without the link in the clear; the link only in the encrypted copy.
    const before = await stored();
    expect(JSON.stringify(before.payload)).not.toContain(token);
    expect(before.payload).toMatchObject({ sealed: true });
    expect(before.sealed).toEqual(expect.any(String));
    expect(before.sealed).not.toContain(token);
    const listed = (await t.app.inject({ method: 'GET', url: '/v1/outbox?limit=100', headers: admin })).json().items as { id: string; text: string }[];
    const seen = listed.find((m) => m.id === before.id)!;
    expect(seen.text).not.toContain(token);
    expect(seen.text).toContain('keeps no copy');

    // Sent: the e-mail carries the link; once delivered the encrypted copy is gone; the link works.
    const deps = { mailer: createMailer(t.config), allowPrivateWebhooks: false };
    try {
      expect(await runOutboxOnce(t.database.db, deps)).toMatchObject({ delivered: 1 });
      const mail = smtp.mails.find((m) => m.to[0] === 'nia.new@example.org')!;
      expect(mail.subject).toBe('Harbour: choose your password');
      expect(mail.text).toContain(body.setPasswordUrl);
      expect(mail.html).toContain(`href="${body.setPasswordUrl}"`);
      expect((await stored()).sealed).toBeNull();

      // Made due again, it is not sent without its link.
      await requeueMessage(t.database.db, before.id, new Date());
      expect(await runOutboxOnce(t.database.db, deps)).toMatchObject({ cancelled: 1 });
      expect(smtp.mails.filter((m) => m.to[0] === 'nia.new@example.org')).toHaveLength(1);
    } finally {
      deps.mailer?.close();
    }
    const set = await t.app.inject({ method: 'POST', url: '/v1/auth/set-password', payload: { token, password: 'a long enough passphrase 2027' } });
    expect(set.statusCode).toBe(204);
  });
  it('is not sent once a newer link replaced it (its token is used up)', async () => {
    const admin = { authorization: `Bearer ${await t.signIn(TEST_ADMIN.email, TEST_ADMIN.password)}` };
    const created = await t.app.inject({ method: 'POST', url: '/v1/users', headers: admin, payload: { email: 'rio.replaced@example.org', name: 'Rio', roles: ['facilitator'] } });
    expect(created.statusCode).toBe(201);
    const again = await t.app.inject({ method: 'POST', url: `/v1/users/${created.json().id}/set-password-link`, headers: admin });
    expect(again.statusCode).toBe(201);
    const rows = await t.database.db
      .select()
      .from(outboxMessages)
      .where(and(eq(outboxMessages.topic, 'set_password'), eq(outboxMessages.recipient, 'rio.replaced@example.org')))
      .orderBy(outboxMessages.createdAt);
    expect(rows.map((r) => [r.status, r.sealed === null])).toEqual([
      ['cancelled', true],
      ['pending', false],
    ]);
  });
});
