// The main journey, against the real server with its demo data: an administrator adds a
// coordinator (who sets their password from the one-time link); the coordinator plans and publishes
// a cohort, takes declarations from 14 callers "on the phone" (one not eligible, who is signposted;
// one needing review, resolved on /reviews), enrols 13 of them (12 confirmed, 1 waitlisted),
// withdraws one so the waitlisted person is offered the seat and accepts, marks attendance for
// session 1, issues manuals and downloads the roster. Every page is checked with axe and photographed.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launchChromium, screenshot } from './browser';

const server = inject('e2eServer');

const run = Date.now().toString(36);
const cohortTitle = `Journey cohort ${run}`;
const coordinator = { name: 'Casey Coordinator', email: `casey.${run}@example.org`, password: 'lantern orchard velvet pebble' };

type Answers = ['Yes' | 'No' | 'Not sure', 'Yes' | 'No' | 'Not sure', 'Yes' | 'No' | 'Not sure', 'Yes' | 'No' | 'Not sure'];
const ELIGIBLE: Answers = ['Yes', 'No', 'No', 'No'];

interface Caller {
  first: string;
  last: string;
  answers: Answers;
}

const FIRST_NAMES = ['Alex', 'Bea', 'Cal', 'Dana', 'Eli', 'Fran', 'Gus', 'Hana', 'Ivo', 'Jo', 'Kit', 'Lou'];
// Twelve eligible callers, one not sure (needs review), one whose partner is accused of contact offending.
const callers: Caller[] = [
  ...FIRST_NAMES.map((first) => ({ first, last: `Journey${run}`, answers: ELIGIBLE })),
  { first: 'Morgan', last: `Review${run}`, answers: ['Not sure', 'No', 'No', 'No'] as Answers },
  { first: 'Nico', last: `Signpost${run}`, answers: ['Yes', 'Yes', 'No', 'No'] as Answers },
];
function caller(i: number): Caller {
  const found = callers[i];
  if (!found) throw new Error(`No caller ${i}`);
  return found;
}
const reviewCaller = caller(12);
const ineligibleCaller = caller(13);
const enrolled = callers.slice(0, 13);

function londonDate(days: number): string {
  const d = new Date(Date.now() + days * 24 * 3600_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

describe.skipIf(!server)('the coordinator’s journey', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const { baseUrl, adminEmail, adminPassword } = server ?? { baseUrl: '', adminEmail: '', adminPassword: '' };
  const main = () => page.getByRole('main');
  const toast = (text: string | RegExp) => page.locator('.toasts').getByText(text);
  const participantIds = new Map<string, string>();
  let setPasswordPath = '';

  async function check(label: string, shot: string) {
    await expectAccessible(page, label);
    await screenshot(page, shot);
  }

  async function signIn(email: string, password: string) {
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  function section(name: string): Locator {
    return main().locator('section').filter({ has: page.getByRole('heading', { level: 2, name }) });
  }

  async function answerDeclaration(answers: Answers) {
    const form = main().getByRole('form', { name: 'Declaration' });
    const groups = form.locator('.declaration-questions').getByRole('radiogroup');
    await groups.first().waitFor();
    expect(await groups.count()).toBe(4);
    for (const [i, choice] of answers.entries()) await groups.nth(i).getByText(choice, { exact: true }).click();
  }

  async function enrolInto(title: string): Promise<string> {
    const enrol = section('Enrol into a cohort');
    await enrol.getByRole('button', { name: /Cohort/ }).click();
    await page.getByRole('option', { name: new RegExp(`^${title}`) }).click();
    await enrol.getByRole('button', { name: 'Enrol', exact: true }).click();
    const result = enrol.getByText(/^(Seat confirmed|On the waitlist, number \d+)$/);
    await result.waitFor();
    return (await result.textContent()) ?? '';
  }

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: baseUrl, locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('an administrator adds the coordinator, and the set-password link is shown once', async () => {
    await page.goto('/sign-in?redirect=%2Fadmin%2Fusers');
    await signIn(adminEmail, adminPassword);
    await page.waitForURL('**/admin/users');
    await main().getByRole('table', { name: 'Staff accounts' }).waitFor();
    await check('/admin/users', 'admin-users');

    await main().getByRole('button', { name: 'Add a staff member' }).click();
    await main().getByLabel('Name').fill(coordinator.name);
    await main().getByLabel('E-mail address').fill(coordinator.email);
    await main().getByRole('group', { name: 'Roles' }).getByText('Coordinator', { exact: true }).click();
    await check('/admin/users adding', 'admin-users-add');
    await main().getByRole('button', { name: 'Create the account' }).click();

    const secret = main().getByRole('region', { name: `Account created for ${coordinator.name}` });
    await secret.waitFor();
    const url = new URL((await secret.locator('code').textContent()) ?? '');
    expect(url.pathname).toBe('/set-password');
    setPasswordPath = url.pathname + url.search;
    await secret.getByRole('button', { name: 'Copy the link' }).waitFor();
    await main().getByRole('table', { name: 'Staff accounts' }).getByRole('row', { name: new RegExp(coordinator.name) }).waitFor();
    await check('/admin/users with a one-time link', 'admin-users-link');
  });

  it('shows the other administration pages', async () => {
    await page.goto('/admin/partners');
    await main().getByRole('button', { name: 'Add a partner organisation' }).click();
    await main().getByLabel('Organisation name').fill(`Probation North ${run}`);
    await main().getByRole('button', { name: 'Add the partner' }).click();
    await toast(`Probation North ${run} added`).waitFor();
    await main().getByRole('button', { name: 'Make the key' }).click();
    const key = main().getByRole('region', { name: `New API key for Probation North ${run}` });
    await key.waitFor();
    expect(await key.locator('code').textContent()).toMatch(/^pk_/);
    await check('/admin/partners with a new key', 'admin-partners');

    for (const [path, heading, shot] of [
      ['/admin/audit', 'Audit events', 'admin-audit'],
      ['/admin/outbox', 'Outgoing messages', 'admin-outbox'],
      ['/admin/safeguarding', 'Safeguarding concerns', 'admin-safeguarding'],
      ['/referrals', 'Referrals', 'referrals'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await main().locator('table, .card-list, .notice').first().waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      await check(path, shot);
    }
    await page.goto('/admin/audit?action=createUser');
    await main().getByRole('table', { name: 'Audit events, newest first' }).getByText('createUser').first().waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
  });

  it('the coordinator chooses a password from the link, and signs in', async () => {
    await page.goto(setPasswordPath);
    await page.getByRole('heading', { level: 1, name: 'Choose your password' }).waitFor();
    await check('/set-password', 'set-password');
    await page.getByLabel('New password').fill(coordinator.password);
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.getByText('Your password is set').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await signIn(coordinator.email, coordinator.password);
    // Home is the dashboard (or courses, until the dashboard is the home page).
    await page.waitForURL(/\/(dashboard|courses)$/);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('creates and publishes a cohort', async () => {
    await page.goto('/cohorts/new');
    await page.getByRole('heading', { level: 1, name: 'New cohort' }).waitFor();
    await page.getByLabel('Cohort name').fill(cohortTitle);
    await page.getByLabel('Joining link').fill('https://meet.example.org/journey');
    for (const [i, days] of [30, 37, 44].entries()) {
      await page.getByLabel(`Session ${i + 1} date`).fill(londonDate(days));
      await page.getByLabel(`Session ${i + 1} start time`).fill('18:30');
    }
    await page.getByRole('button', { name: 'Save as a draft' }).click();
    await page.getByRole('heading', { level: 1, name: cohortTitle }).waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await toast(/is published and open for enrolment/).waitFor();
  });

  it('takes the first caller’s details and declaration on the phone, then enrols them', async () => {
    const first = caller(0);
    await page.goto('/participants');
    await page.getByRole('heading', { level: 1, name: 'Participants' }).waitFor();
    await main().locator('table, .notice').first().waitFor();
    await check('/participants', 'participants');

    await main().getByRole('link', { name: 'Add a participant' }).click();
    await page.getByRole('heading', { level: 1, name: 'Add a participant' }).waitFor();
    await check('/participants/new', 'participant-new');
    await addCaller(first);

    await answerDeclaration(first.answers);
    const preview = main().locator('.declaration-preview');
    await preview.getByText('From these answers: eligible').waitFor();
    expect(await main().getByRole('radio', { name: 'Taken by staff (e.g. on the phone)' }).isChecked()).toBe(true);
    await check('/participants/$id declaring', 'participant-declaration');
    await main().getByRole('button', { name: 'Save declaration' }).click();
    await main().getByText('Saved: eligible').waitFor();

    expect(await enrolInto(cohortTitle)).toBe('Seat confirmed');
    await section('Declarations').getByRole('table').waitFor();
    await check('/participants/$id enrolled', 'participant-enrolled');
  }, 120_000);

  async function addCaller(person: Caller) {
    if (!page.url().endsWith('/participants/new')) {
      await page.goto('/participants/new');
      await page.getByRole('heading', { level: 1, name: 'Add a participant' }).waitFor();
    }
    await main().getByLabel('First name').fill(person.first);
    await main().getByLabel('Last name').fill(person.last);
    await main().getByLabel('E-mail address').fill(`${person.first}.${person.last}@example.org`.toLowerCase());
    await main().getByLabel('Phone number (optional)').fill('07700 900123');
    await main().getByRole('button', { name: /Relationship to the person accused/ }).click();
    await page.getByRole('option', { name: 'Partner', exact: true }).click();
    await main().getByRole('button', { name: 'Add participant' }).click();
    await page.waitForURL(/\/participants\/[0-9a-f-]{36}\?action=declare$/);
    participantIds.set(person.first, new URL(page.url()).pathname.split('/').pop() ?? '');
    await page.getByRole('heading', { level: 1, name: `${person.first} ${person.last}` }).waitFor();
  }

  it('declares and enrols ten more eligible callers', async () => {
    for (const next of callers.slice(1, 11)) {
      await addCaller(next);
      await answerDeclaration(next.answers);
      await main().getByRole('button', { name: 'Save declaration' }).click();
      await main().getByText('Saved: eligible').waitFor();
      expect(await enrolInto(cohortTitle)).toBe('Seat confirmed');
    }
  }, 300_000);

  it('a caller who is not sure needs a review; it is resolved on /reviews and they are enrolled', async () => {
    await addCaller(reviewCaller);
    await answerDeclaration(reviewCaller.answers);
    await main().locator('.declaration-preview').getByText('From these answers: needs review').waitFor();
    await main().getByRole('button', { name: 'Save declaration' }).click();
    await main().getByText('Saved: needs review').waitFor();
    await section('Enrol into a cohort').getByText('Only someone whose latest declaration is eligible can be enrolled.').waitFor();

    await page.goto('/reviews');
    const row = main().getByRole('row', { name: new RegExp(`${reviewCaller.first} ${reviewCaller.last}`) });
    await row.waitFor();
    await check('/reviews', 'reviews');
    await row.getByRole('button', { name: /Resolve the review/ }).click();
    const dialog = page.getByRole('dialog', { name: `Resolve the review for ${reviewCaller.first} ${reviewCaller.last}` });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Save the review' }).click();
    await dialog.getByText('Choose whether they are eligible').first().waitFor();
    await dialog.getByText('Eligible', { exact: true }).click();
    await dialog.getByLabel('Note').fill('Talked it through on the phone: the offence is about images only.');
    await check('the review dialog', 'review-dialog');
    await dialog.getByRole('button', { name: 'Save the review' }).click();
    await toast(new RegExp(`${reviewCaller.first} ${reviewCaller.last}: review saved, eligible`)).waitFor();
    await expect.poll(() => row.count()).toBe(0);

    await page.goto(`/participants/${participantIds.get(reviewCaller.first)}`);
    const history = section('Declarations').getByRole('table');
    await history.getByText('Coordinator’s review: Talked it through on the phone: the offence is about images only.').waitFor();
    expect(await enrolInto(cohortTitle)).toBe('Seat confirmed');
  }, 120_000);

  it('a caller whose partner is accused of contact offending is signposted kindly, and cannot be enrolled', async () => {
    await addCaller(ineligibleCaller);
    await answerDeclaration(ineligibleCaller.answers);
    const preview = main().locator('.declaration-preview');
    await preview.getByText('From these answers: this course is not the right fit').waitFor();
    await preview.getByRole('heading', { name: 'Support that may help' }).waitFor();
    expect(await preview.textContent()).toContain('Samaritans');
    await check('/participants/$id with signposting', 'participant-signposting');
    await main().getByRole('button', { name: 'Save declaration' }).click();
    await main().getByText('Saved: this course is not the right fit').waitFor();
    expect(await main().locator('.declaration-saved').textContent()).toContain('you do not have to go through this alone');
    await section('Enrol into a cohort').getByText('Only someone whose latest declaration is eligible can be enrolled.').waitFor();
    await screenshot(page, 'participant-ineligible-saved');
  }, 120_000);

  it('the twelfth eligible caller finds the cohort full and is waitlisted', async () => {
    const twelfth = caller(11);
    await addCaller(twelfth);
    await answerDeclaration(twelfth.answers);
    await main().getByRole('button', { name: 'Save declaration' }).click();
    await main().getByText('Saved: eligible').waitFor();
    expect(await enrolInto(cohortTitle)).toBe('On the waitlist, number 1');
    await check('/participants/$id waitlisted', 'participant-waitlisted');

    await page.goto('/participants');
    await main().getByRole('searchbox', { name: 'Search by name or e-mail address' }).fill(`Journey${run}`);
    await main().getByRole('button', { name: 'Search', exact: true }).click();
    const table = main().getByRole('table', { name: 'Participants' });
    await table.getByRole('link', { name: `${caller(0).first} ${caller(0).last}` }).waitFor();
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 10_000 }).toBe(12);
    expect(page.url()).not.toContain('Journey');
    await check('/participants (search)', 'participants-search');
    expect(enrolled).toHaveLength(13);
  }, 120_000);

  it('withdraws one; the waitlisted person is offered the seat and accepts; attendance, manuals, roster', async () => {
    await page.goto('/cohorts');
    await page.getByRole('link', { name: cohortTitle }).first().click();
    await page.getByRole('heading', { level: 1, name: cohortTitle }).waitFor();
    const waitlisted = caller(11);
    const leaving = caller(0);
    const waitlist = main().getByRole('region', { name: /Waitlist/ });
    await waitlist.getByRole('row', { name: new RegExp(`${waitlisted.first} ${waitlisted.last}`) }).waitFor();
    await screenshot(page, 'journey-cohort-full');

    await page.getByRole('button', { name: `Withdraw: ${leaving.first} ${leaving.last}` }).click();
    const dialog = page.getByRole('alertdialog', { name: `Withdraw ${leaving.first} ${leaving.last}?` });
    await dialog.getByRole('button', { name: 'Withdraw' }).click();
    await toast(`${leaving.first} ${leaving.last} withdrawn.`).waitFor();

    const offered = waitlist.getByRole('row', { name: new RegExp(`${waitlisted.first} ${waitlisted.last}`) });
    await offered.getByText(/Expires in/).waitFor();
    await screenshot(page, 'journey-offer');
    await offered.getByRole('button', { name: `Accept offer: ${waitlisted.first} ${waitlisted.last}` }).click();
    await page.getByRole('dialog', { name: `Accept the offer for ${waitlisted.first} ${waitlisted.last}?` }).getByRole('button', { name: 'Accept the offer' }).click();
    await toast(`${waitlisted.first} ${waitlisted.last} confirmed on the cohort.`).waitFor();

    const roster = main().getByRole('region', { name: /Roster/ });
    await roster.getByRole('row', { name: new RegExp(`${waitlisted.first} ${waitlisted.last}`) }).waitFor();

    // Attendance for session 1: everyone present.
    const grid = main().getByRole('table', { name: 'Attendance by person and session' });
    const people = await grid.locator('tbody th').allTextContents();
    expect(people).toHaveLength(12);
    for (const person of people) {
      await grid.getByRole('radiogroup', { name: `${person}, session 1` }).getByRole('radio', { name: 'Present' }).check({ force: true });
    }
    await page.getByRole('button', { name: 'Save session 1' }).click();
    await toast('Attendance saved for session 1.').waitFor();

    // Manuals for the first three.
    for (const person of callers.slice(1, 4)) {
      await roster.getByRole('button', { name: `Mark issued: ${person.first} ${person.last}` }).click();
      await roster.getByRole('row', { name: new RegExp(`${person.first} ${person.last}`) }).getByText(/^Issued /).waitFor();
    }

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download roster (CSV)' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    for (const person of callers.slice(1, 13)) expect(csv).toContain(person.first);
    expect(csv).not.toContain(ineligibleCaller.last);
    await check('the journey cohort after the changes', 'journey-cohort-after');
  }, 180_000);

  it('raises a safeguarding concern about a person on the roster', async () => {
    const person = caller(2);
    const name = `${person.first} ${person.last}`;
    await main().getByRole('region', { name: /Roster/ }).getByRole('button', { name: `Raise a concern: ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Raise a safeguarding concern: ${name}` });
    await dialog.getByRole('textbox', { name: 'What happened' }).fill('Mentioned during the break that a grandchild stays over at weekends.');
    await check('the raise-a-concern dialog', 'journey-concern');
    await dialog.getByRole('button', { name: 'Send to the safeguarding lead' }).click();
    await toast('Concern recorded for the safeguarding lead.').waitFor();
    await dialog.waitFor({ state: 'detached' });
  }, 60_000);
});
