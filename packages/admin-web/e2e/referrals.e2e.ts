// A partner's referral, end to end against the real server: it waits on the dashboard, becomes a
// participant (the form filled from the referral), is contacted, enrolled, and linked back to the
// referral; the participant's page shows the enrolment. Every page is checked with axe and photographed.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launchChromium, screenshot } from './browser';

const server = inject('e2eServer');
const run = Date.now().toString(36);
const person = { firstName: 'Robin', lastName: `Referral${run}`, email: `robin.${run}@example.org` };
const fullName = `${person.firstName} ${person.lastName}`;

describe.skipIf(!server)('a referral from a partner organisation', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const { baseUrl, adminEmail, adminPassword } = server ?? { baseUrl: '', adminEmail: '', adminPassword: '' };
  const main = () => page.getByRole('main');
  const path = () => new URL(page.url()).pathname + new URL(page.url()).search;
  let token = '';
  let participantId = '';

  /** The API directly, as the administrator: for what this test does not look at in the console. */
  async function call<T>(method: string, url: string, body?: unknown, auth = `Bearer ${token}`): Promise<T> {
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async function check(label: string, shot: string) {
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    await expectAccessible(page, label);
    await screenshot(page, shot);
  }

  beforeAll(async () => {
    if (!server) return;
    const login = await fetch(`${baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: adminEmail, password: adminPassword }),
    });
    token = ((await login.json()) as { accessToken: string }).accessToken;
    const partner = await call<{ id: string }>('POST', '/v1/partners', { name: `Probation North ${run}` });
    const { key } = await call<{ key: string }>('POST', `/v1/partners/${partner.id}/api-keys`, { scopes: ['referrals:write', 'referrals:read'] });
    await call('POST', '/v1/referrals', {
      person,
      relationship: 'partner',
      consentToShare: true,
      referrer: { name: 'Pat Officer', email: 'pat.officer@probation.example' },
    }, `Bearer ${key}`);

    browser = await launchChromium();
    context = await browser.newContext({ baseURL: baseUrl, locale: 'en-GB', timezoneId: 'Europe/London' });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('lands on the dashboard after signing in, where the referral waits for contact', async () => {
    await page.goto('/sign-in');
    await page.getByLabel('Email address').fill(adminEmail);
    await page.getByLabel('Password').fill(adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/dashboard');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Referrals' }).waitFor();
    await nav.getByRole('link', { name: 'Account security' }).waitFor();
    const panel = main().getByRole('region', { name: /Referrals waiting for contact/ });
    await panel.getByText(fullName).waitFor();
    await check('/dashboard with referrals waiting', 'dashboard-referrals');
    await panel.getByRole('link', { name: 'Referrals inbox' }).click();
    await page.waitForURL('**/referrals?status=received');
  });

  it('adds the person as a participant from the referral, then comes back to the inbox', async () => {
    const card = main().getByRole('listitem').filter({ hasText: fullName });
    await card.getByRole('link', { name: 'Add as a participant' }).click();
    await page.waitForURL('**/participants/new?referralId=*');
    // The address carries the referral's id only, never the person's details.
    expect(path()).not.toContain(person.lastName);
    await expect.poll(() => page.getByLabel('Last name').inputValue()).toBe(person.lastName);
    expect(await page.getByLabel('E-mail address').inputValue()).toBe(person.email);
    await check('/participants/new from a referral', 'participant-new-from-referral');
    await page.getByRole('button', { name: 'Add participant' }).click();
    await page.waitForURL('**/referrals');
    await page.locator('.toasts').getByText(`${fullName} added from the referral`).waitFor();

    const card2 = main().getByRole('listitem').filter({ hasText: fullName });
    await card2.getByRole('button', { name: `Mark as contacted: ${fullName}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Mark as contacted' }).click();
    await card2.getByText('Contacted', { exact: true }).waitFor();
  });

  it('shows the participant’s enrolments on their page once enrolled', async () => {
    // Their declaration and enrolment, through the API (the journey test covers those pages).
    const found = await call<{ items: { id: string }[] }>('GET', `/v1/participants?q=${encodeURIComponent(person.email)}`);
    participantId = found.items[0]!.id;
    const courses = await call<{ items: { id: string }[] }>('GET', '/v1/courses');
    const courseId = courses.items[0]!.id;
    const version = await call<{ id: string }>('GET', `/v1/declaration-versions/current?courseId=${courseId}`);
    await call('POST', `/v1/participants/${participantId}/declarations`, {
      declarationVersionId: version.id,
      channel: 'staff',
      answers: { offenceInvolvesImages: 'yes', accusedOfContactOffence: 'no', accusedOfOnlineContactWithChild: 'no', accusedOfGrooming: 'no' },
    });
    const cohorts = await call<{ items: { id: string; title: string }[] }>('GET', `/v1/cohorts?status=open,confirmed&courseId=${courseId}`);
    const cohort = cohorts.items[0]!;
    await call('POST', `/v1/cohorts/${cohort.id}/enrolments`, { participantId });

    await page.goto(`/participants/${participantId}`);
    const table = main().getByRole('table', { name: 'Enrolments, newest first' });
    await table.getByRole('link', { name: cohort.title }).waitFor();
    expect(await table.getByRole('link', { name: cohort.title }).getAttribute('href')).toBe(`/cohorts/${cohort.id}`);
    await check('/participants/$participantId with enrolments', 'participant-enrolments');
  });

  it('marks the referral enrolled, linked to the participant and their enrolment', async () => {
    await page.goto('/referrals?status=contacted');
    const card = main().getByRole('listitem').filter({ hasText: fullName });
    await card.getByRole('button', { name: `Mark as enrolled: ${fullName}` }).click();
    const dialog = page.getByRole('dialog', { name: `Mark as enrolled: ${fullName}` });
    await dialog.getByRole('radio', { name: new RegExp(fullName) }).check({ force: true });
    const enrolment = dialog.getByRole('radiogroup', { name: 'Which enrolment?' }).getByRole('radio').first();
    await enrolment.check({ force: true });
    await check('/referrals: mark as enrolled', 'referral-mark-enrolled');
    await dialog.getByRole('button', { name: 'Mark as enrolled' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.goto('/referrals?status=enrolled');
    const enrolled = main().getByRole('listitem').filter({ hasText: fullName });
    await enrolled.getByRole('link', { name: 'Open their participant record' }).waitFor();
    expect(await enrolled.getByRole('link', { name: 'Open their participant record' }).getAttribute('href')).toBe(`/participants/${participantId}`);
    await check('/referrals?status=enrolled', 'referrals-enrolled');
  });
});
