// E-mail templates: plain functions of their data answering { subject, text, html }.
// E-mails may be read on a shared device: the wording stays neutral ("Your course sessions") and
// never names the course's subject. Nothing staff typed as a title goes in; times are Europe/London.
import { formatLondon } from '@harbour/shared';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Instant = Date | string;

export interface SessionTimes {
  startsAt: Instant;
  endsAt: Instant;
}

export interface Delivery {
  deliveryMode: 'online' | 'in_person';
  /** In person: where. */
  venue?: string | null;
  /** Online: the joining link (only ever sent to confirmed delegates). */
  joiningLink?: string | null;
}

/** The data each template needs. */
export interface EmailTemplates {
  enrolment_confirmed: { firstName: string; sessions: SessionTimes[] } & Delivery;
  waitlisted: { firstName: string; position: number };
  seat_offered: { firstName: string; offerExpiresAt: Instant; sessions: SessionTimes[] };
  offer_expired: { firstName: string };
  /**
   * The person's place (a seat, an offer of one, or a waitlist place) ended: they withdrew or declined
   * (as they asked), or staff removed it. Never why: the conversation about that is a person's.
   */
  place_ended: { firstName: string; how: 'withdrawn' | 'declined' | 'removed' };
  /** To someone still waiting (or offered a seat) when the sessions began: no place came free in time. */
  waitlist_closed: { firstName: string };
  /** Sent 48 hours before each session. */
  session_reminder: { firstName: string; sessionNumber: number; sessionCount: number } & SessionTimes & Delivery;
  cohort_cancelled: { firstName: string; firstSessionAt: Instant | null; refundDue: boolean };
  /** To coordinators: a group still below its minimum close to its start. */
  cohort_at_risk: {
    name: string;
    cohortId: string;
    firstSessionAt: Instant;
    confirmedCount: number;
    minParticipants: number;
    /** A link to the group in the console, when PUBLIC_URL is known. */
    link?: string | null;
  };
  /** To the person at a partner organisation who made a referral. */
  referral_received: { referrerName: string; reference: string };
  /**
   * To safeguarding leads (admins when there is none): a concern was raised. When only: never what it
   * says, whom it is about or who raised it (they read it in the console, where the reading is audited).
   */
  concern_raised: { raisedAt: Instant; link?: string | null };
  /**
   * To a new or returning member of staff: the one-time link to choose their password. Sent sealed
   * (outbox `enqueueSealed`): with `link: null` it renders the copy admins see in the outbox.
   */
  set_password: { name: string; link: string | null; expiresAt: Instant };
  /** To admins: a message could not be delivered after every retry. */
  delivery_failed: { messageId: string; kind: 'email' | 'webhook'; topic: string; attempts: number };
}
export type EmailTemplate = keyof EmailTemplates;
export const EMAIL_TEMPLATES = [
  'enrolment_confirmed',
  'waitlisted',
  'seat_offered',
  'offer_expired',
  'place_ended',
  'waitlist_closed',
  'session_reminder',
  'cohort_cancelled',
  'cohort_at_risk',
  'referral_received',
  'concern_raised',
  'set_password',
  'delivery_failed',
] as const satisfies readonly EmailTemplate[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const SIGN_OFF = 'With best wishes,\nThe course team';

/**
 * A message is a greeting, paragraphs and optional lists; text and HTML come from the same blocks so
 * they never say different things. Every value is escaped in the HTML.
 */
type Block = string | { list: string[] } | { link: string; label: string };

function render(subject: string, greeting: string, blocks: Block[]): RenderedEmail {
  const textParts = [greeting, ...blocks.map((b) => (typeof b === 'string' ? b : 'list' in b ? b.list.map((i) => `- ${i}`).join('\n') : `${b.label}: ${b.link}`)), SIGN_OFF];
  const htmlParts = [
    `<p>${escapeHtml(greeting)}</p>`,
    ...blocks.map((b) =>
      typeof b === 'string'
        ? `<p>${escapeHtml(b)}</p>`
        : 'list' in b
          ? `<ul>${b.list.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`
          : `<p>${escapeHtml(b.label)}: <a href="${escapeHtml(b.link)}">${escapeHtml(b.link)}</a></p>`,
    ),
    `<p>${SIGN_OFF.split('\n').map(escapeHtml).join('<br>')}</p>`,
  ];
  return {
    subject,
    text: `${textParts.join('\n\n')}\n`,
    html: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${htmlParts.join('')}</body></html>`,
  };
}

const hello = (name: string) => `Dear ${name},`;
/** "18:00": the London time of day of an instant. */
const clock = (at: Instant) => formatLondon(at, { weekday: false }).split(', ').pop() ?? '';
const sessionLines = (sessions: SessionTimes[]) =>
  sessions.map((s, i) => `Session ${i + 1}: ${formatLondon(s.startsAt)} to ${clock(s.endsAt)} (UK time)`);

function whereBlocks(d: Delivery): Block[] {
  if (d.deliveryMode === 'in_person') return d.venue ? [`The sessions take place at: ${d.venue}`] : ['We will send you the address before the first session.'];
  return d.joiningLink ? ['The sessions take place online.', { label: 'Joining link', link: d.joiningLink }] : ['The sessions take place online. We will send you the joining link before the first session.'];
}

const RENDERERS: { [K in EmailTemplate]: (data: EmailTemplates[K]) => RenderedEmail } = {
  enrolment_confirmed: (d) =>
    render('Your course sessions: your place is confirmed', hello(d.firstName), [
      'Your place is confirmed. These are your session times:',
      { list: sessionLines(d.sessions) },
      ...whereBlocks(d),
      'If you can no longer attend, please let us know so that we can offer the place to someone else.',
    ]),
  waitlisted: (d) =>
    render('Your course sessions: you are on the waiting list', hello(d.firstName), [
      `The group you asked to join is full at the moment, so we have put you on the waiting list. You are number ${d.position}.`,
      'If a place becomes free we will contact you straight away.',
    ]),
  seat_offered: (d) =>
    render('Your course sessions: a place is available', hello(d.firstName), [
      'A place has become available for you. These are the session times:',
      { list: sessionLines(d.sessions) },
      `The place is held for you until ${formatLondon(d.offerExpiresAt)} (UK time). Please reply or contact us before then to accept it; after that it will be offered to the next person.`,
    ]),
  offer_expired: (d) =>
    render('Your course sessions: the place offered has lapsed', hello(d.firstName), [
      'The place we held for you was not taken up in time, so it has been offered to someone else.',
      'If you would still like to take part, please contact us and we will look at the next dates with you.',
    ]),
  place_ended: (d) =>
    d.how === 'removed'
      ? render('Your course sessions: your booking has been cancelled', hello(d.firstName), [
          'Your booking for the sessions has been cancelled.',
          'If you have any questions about this, or would like to talk about other support, please contact us.',
        ])
      : render('Your course sessions: your booking has been cancelled as you asked', hello(d.firstName), [
          d.how === 'declined'
            ? 'Thank you for letting us know. We have released the place we were holding for you.'
            : 'As you asked, we have cancelled your booking for the sessions.',
          'If you would like to take part another time, please contact us and we will look at the next dates with you.',
        ]),
  waitlist_closed: (d) =>
    render('Your course sessions: no place this time', hello(d.firstName), [
      'The sessions you were waiting for have now begun, and no place came free for you in time.',
      'If you would still like to take part, please contact us and we will look at the next dates with you.',
    ]),
  session_reminder: (d) =>
    render('Your course sessions: a reminder', hello(d.firstName), [
      `This is a reminder that session ${d.sessionNumber} of ${d.sessionCount} starts on ${formatLondon(d.startsAt)} and ends at ${clock(d.endsAt)} (UK time).`,
      ...whereBlocks(d),
      'If you cannot attend, please let us know.',
    ]),
  cohort_cancelled: (d) =>
    render('Your course sessions: dates cancelled', hello(d.firstName), [
      d.firstSessionAt
        ? `We are sorry to tell you that the sessions due to start on ${formatLondon(d.firstSessionAt, { time: false })} have been cancelled.`
        : 'We are sorry to tell you that the sessions you were booked on have been cancelled.',
      ...(d.refundDue ? ['The fee you paid will be refunded.'] : []),
      'We will contact you about other dates.',
    ]),
  cohort_at_risk: (d) =>
    render('Course group below its minimum numbers', hello(d.name), [
      `A group starting on ${formatLondon(d.firstSessionAt)} has ${d.confirmedCount} confirmed of the ${d.minParticipants} needed to run.`,
      'Please decide whether to keep it open, move the confirmed people to another group, or cancel it.',
      d.link ? { label: 'Open the group', link: d.link } : `Group reference: ${d.cohortId}`,
    ]),
  referral_received: (d) =>
    render('Referral received', hello(d.referrerName), [
      `Thank you: we have received your referral (reference ${d.reference}).`,
      'We will contact the person you referred through the contact details you gave. You will be kept informed of progress through your organisation.',
    ]),
  concern_raised: (d) =>
    render('Harbour: a safeguarding concern to read', 'Hello,', [
      `A safeguarding concern was raised on ${formatLondon(d.raisedAt)}.`,
      'For privacy it is not in this e-mail. Please sign in to Harbour to read it and record what is done.',
      d.link ? { label: 'Open the safeguarding concerns', link: d.link } : 'It is listed under Safeguarding in the console.',
    ]),
  set_password: (d) =>
    render('Harbour: choose your password', hello(d.name), [
      'An account has been made for you on Harbour, the course team’s system. Choose your password with this link:',
      d.link ? { label: 'Choose your password', link: d.link } : '(The link is in the e-mail itself only: Harbour keeps no copy it can show.)',
      `The link works once, until ${formatLondon(d.expiresAt)}. If it has run out, ask an administrator for a new one. If you did not expect this e-mail, you can ignore it.`,
    ]),
  delivery_failed: (d) =>
    render('Harbour: a message could not be delivered', 'Hello,', [
      `An outgoing ${d.kind === 'email' ? 'e-mail' : 'webhook'} (${d.topic}, message ${d.messageId}) could not be delivered after ${d.attempts} attempts.`,
      // Not the last error: a server's refusal often quotes the recipient's address.
      'It is listed as failed, with each attempt and its error, in the outbox of the admin console.',
    ]),
};

export function renderEmail<K extends EmailTemplate>(template: K, data: EmailTemplates[K]): RenderedEmail {
  return (RENDERERS[template] as (data: EmailTemplates[K]) => RenderedEmail)(data);
}
