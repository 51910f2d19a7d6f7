import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launchChromium, screenshot } from './browser';

const server = inject('e2eServer');

describe.skipIf(!server)('signing in to the console', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const { baseUrl, adminEmail, adminPassword } = server ?? { baseUrl: '', adminEmail: '', adminPassword: '' };
  const path = () => new URL(page.url()).pathname + new URL(page.url()).search;

  async function signIn(password: string) {
    await page.getByLabel('Email address').fill(adminEmail);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: baseUrl, locale: 'en-GB', timezoneId: 'Europe/London' });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('sends someone who is not signed in from / to the sign-in page', async () => {
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(path()).toBe('/sign-in');
    expect(await page.title()).toBe('Sign in – Harbour');
    await expectAccessible(page, '/sign-in');
    await screenshot(page, 'sign-in');
  });

  it('says so when the password is wrong', async () => {
    await signIn(`${adminPassword}-wrong`);
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    expect(await summary.textContent()).toContain('The email address or password is not right.');
    expect(path()).toBe('/sign-in');
    await expectAccessible(page, '/sign-in with an error');
    await screenshot(page, 'sign-in-error');
  });

  it('signs in to the dashboard, and shows the default course with its rules', async () => {
    await page.getByLabel('Password').fill('');
    await signIn(adminPassword);
    await page.waitForURL('**/dashboard');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    expect(path()).toBe('/dashboard');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Courses' }).click();
    await page.waitForURL('**/courses');
    const table = page.getByRole('table', { name: 'Courses and their rules' });
    await table.waitFor();
    const text = (await table.textContent()) ?? '';
    expect(text).toContain('3 sessions of 3 hours');
    expect(text).toContain('8–12 participants');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.title()).toBe('Courses – Harbour');
    await expectAccessible(page, '/courses');
    await screenshot(page, 'courses');

    await page.setViewportSize({ width: 768, height: 1024 });
    await screenshot(page, 'courses-tablet');
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('keeps the person signed in across a reload (silent refresh with the cookie)', async () => {
    await page.reload();
    await page.getByRole('table', { name: 'Courses and their rules' }).waitFor();
    expect(path()).toBe('/courses');
  });

  it('shows a not-found page for an unknown address', async () => {
    await page.goto('/no-such-page');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await expectAccessible(page, '/no-such-page');
    await screenshot(page, 'not-found');
    await page.getByRole('link', { name: 'Go to courses' }).click();
    await page.waitForURL('**/courses');
  });

  it('signs out back to the sign-in page, and the old session is gone', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(path()).toBe('/sign-in');
    await screenshot(page, 'signed-out');

    await page.goto('/courses');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(path()).toBe('/sign-in?redirect=%2Fcourses');
  });

  it('returns to the page asked for after signing in', async () => {
    await signIn(adminPassword);
    await page.waitForURL('**/courses');
    await page.getByRole('table', { name: 'Courses and their rules' }).waitFor();
  });
});
