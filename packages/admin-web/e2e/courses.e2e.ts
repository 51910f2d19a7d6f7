// Courses end to end against the real server: an administrator adds a course, changes its rules,
// and publishes a new version of its declaration wording, which is then the one declarations use.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, openConsole, screenshot, signIn } from './browser';

const server = inject('e2eServer');

describe.skipIf(!server)('courses', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const { baseUrl, adminEmail, adminPassword } = server ?? { baseUrl: '', adminEmail: '', adminPassword: '' };
  const name = `Weekend course ${Date.now().toString(36)}`;
  const main = () => page.getByRole('main');
  const toast = (text: string | RegExp) => page.locator('.toasts').getByText(text);

  beforeAll(async () => {
    ({ browser, context, page } = await openConsole(baseUrl));
    await signIn(page, adminEmail, adminPassword, '/courses');
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('adds a course, refusing a rule that does not hold first', async () => {
    await main().getByRole('link', { name: 'Add a course' }).click();
    await page.waitForURL('**/courses/new');
    await main().getByLabel('Course name').fill(name);
    await main().getByLabel('How many sessions').fill('3');
    await main().getByLabel('Minutes per session').fill('180');
    await main().getByLabel('Fewest people').fill('10');
    await main().getByLabel('Most people').fill('8');
    await main().getByLabel('Fee in pounds').fill('30');
    await main().getByLabel('Hours a freed seat is held').fill('72');
    await main().getByLabel('Days before the first session to check numbers').fill('10');
    await main().getByRole('button', { name: 'Add the course' }).click();
    const summary = main().getByRole('alert');
    await summary.getByText('The minimum number of participants cannot be more than the maximum.').waitFor();
    await expectAccessible(page, '/courses/new with errors');

    await main().getByLabel('Most people').fill('12');
    await main().getByRole('button', { name: 'Add the course' }).click();
    await page.waitForURL(/\/courses\/[0-9a-f-]{36}$/);
    await main().getByRole('heading', { level: 1, name }).waitFor();
    await toast(`“${name}” added.`).waitFor();
    const rules = await main().getByRole('region', { name: 'Rules' }).textContent();
    expect(rules).toContain('3 sessions of 3 hours');
    expect(rules).toContain('10–12 participants');
    expect(rules).toContain('£30.00');
    expect(rules).toContain('72 hours (3 days)');
    // A new course starts with the standard wording, as version 1.
    await main().getByRole('region', { name: 'Declaration wording' }).getByText(/Version 1, in use since/).waitFor();
    await expectAccessible(page, '/courses/:id');
    await screenshot(page, 'course');
  });

  it('changes the course’s fee and offer time', async () => {
    await main().getByRole('link', { name: 'Change the course' }).click();
    await page.waitForURL('**/edit');
    expect(await main().getByLabel('Fee in pounds').inputValue()).toBe('30.00');
    await main().getByLabel('Fee in pounds').fill('35.50');
    await main().getByLabel('Hours a freed seat is held').fill('48');
    await expectAccessible(page, '/courses/:id/edit');
    await main().getByRole('button', { name: 'Save changes' }).click();
    await toast('Changes saved.').waitFor();
    await page.waitForURL(/\/courses\/[0-9a-f-]{36}$/);
    const rules = main().getByRole('region', { name: 'Rules' });
    await rules.getByText('£35.50').waitFor();
    expect(await rules.textContent()).toContain('48 hours (2 days)');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Courses' }).click();
    const row = page.getByRole('table', { name: 'Courses and their rules' }).getByRole('row', { name: new RegExp(name) });
    await row.waitFor();
    expect(await row.textContent()).toContain('£35.50');
    await row.getByRole('link', { name }).click();
    await main().getByRole('heading', { level: 1, name }).waitFor();
  });

  it('publishes a new version of the declaration wording, and refuses the same wording twice', async () => {
    await main().getByRole('link', { name: 'Publish new wording' }).click();
    await page.waitForURL('**/wording');
    await main().getByRole('button', { name: 'Publish version 2' }).click();
    await main().getByRole('alert').getByText(/same as the current version/).waitFor();

    const question = 'Has the person you are close to been accused of physically touching a child?';
    await main().getByLabel('Question 2').fill(question);
    await expectAccessible(page, '/courses/:id/wording');
    await screenshot(page, 'course-wording');
    await main().getByRole('button', { name: 'Publish version 2' }).click();
    await toast('Version 2 of the wording is now in use.').waitFor();
    await page.waitForURL(/\/courses\/[0-9a-f-]{36}$/);
    const wording = main().getByRole('region', { name: 'Declaration wording' });
    await wording.getByText(/Version 2, in use since/).waitFor();
    expect(await wording.getByRole('listitem').nth(1).textContent()).toBe(question);

    // What the server keeps, not the page's cache: a reload reads it afresh.
    await page.reload();
    const reloaded = main().getByRole('region', { name: 'Declaration wording' });
    await reloaded.getByText(/Version 2, in use since/).waitFor();
    expect(await reloaded.getByRole('listitem').nth(1).textContent()).toBe(question);
  });
});
