// Cohorts end to end against the real server and its demo data: the dashboard, planning and
// publishing a cohort, and running the full demo cohort (withdraw, offer, accept, attendance,
// manual, roster download).
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, openConsole, screenshot, signIn } from './browser';

const server = inject('e2eServer');

/** The London date `days` from today, as a date input takes it. */
function londonDate(days: number): string {
  const d = new Date(Date.now() + days * 24 * 3600_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

describe.skipIf(!server)('cohorts', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const { baseUrl, adminEmail, adminPassword } = server ?? { baseUrl: '', adminEmail: '', adminPassword: '' };
  const title = `Autumn evenings ${Date.now().toString(36)}`;

  async function shots(name: string) {
    await screenshot(page, name);
    await page.setViewportSize({ width: 768, height: 1024 });
    await screenshot(page, `${name}-tablet`);
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  const main = () => page.getByRole('main');
  const toast = (text: string | RegExp) => page.locator('.toasts').getByText(text);

  beforeAll(async () => {
    ({ browser, context, page } = await openConsole(baseUrl));
    await signIn(page, adminEmail, adminPassword, '/dashboard');
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('shows the at-risk cohort, and the full cohort with its waitlist, on the dashboard', async () => {
    const atRisk = main().getByRole('region', { name: 'Cohorts at risk' });
    await atRisk.getByRole('link', { name: 'Daytime cohort (in person)' }).waitFor();
    expect(await atRisk.textContent()).toContain('3 of the 8 people needed');

    const upcoming = main().getByRole('region', { name: 'Upcoming cohorts' });
    const full = upcoming.getByRole('listitem').filter({ hasText: 'Evening cohort (online)' });
    await full.waitFor();
    expect(await full.textContent()).toContain('12 of 12 seats taken, 2 waiting');
    await main().getByRole('region', { name: /Declarations to review/ }).getByText(/Declared/).first().waitFor();
    expect(await page.title()).toBe('Dashboard – Harbour');
    await expectAccessible(page, '/dashboard');
    await shots('dashboard');
  });

  it('lists cohorts, filters them by the URL, and shows a calendar', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cohorts' }).click();
    await page.waitForURL('**/cohorts');
    const table = page.getByRole('table', { name: 'All cohorts, soonest first' });
    await table.getByRole('link', { name: 'Evening cohort (online)' }).waitFor();
    await expectAccessible(page, '/cohorts');
    await shots('cohorts');

    await page.getByRole('checkbox', { name: 'Only cohorts at risk' }).check({ force: true });
    await page.waitForURL('**/cohorts?atRisk=true');
    await page.getByRole('table', { name: 'Cohorts matching the filters' }).getByRole('link', { name: 'Daytime cohort (in person)' }).waitFor();
    await page.goBack();
    await page.getByRole('table', { name: 'All cohorts, soonest first' }).waitFor();

    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.waitForURL('**/cohorts?view=calendar');
    await page.getByRole('table', { name: /Sessions in/ }).waitFor();
    await expectAccessible(page, '/cohorts?view=calendar');
    await shots('cohorts-calendar');
  });

  it('plans a cohort with the schedule editor, then publishes it', async () => {
    await page.goto('/cohorts/new');
    await page.getByRole('heading', { level: 1, name: 'New cohort' }).waitFor();
    await page.getByLabel('Cohort name').fill(title);
    await page.getByLabel('Joining link').fill('https://meet.example.org/autumn');
    await page.getByLabel('Session 1 date').fill(londonDate(40));
    await page.getByLabel('Session 1 start time').fill('18:00');
    // The same day twice: the rule says so at once, beside the row.
    await page.getByLabel('Session 2 date').fill(londonDate(40));
    await page.getByLabel('Session 2 start time').fill('19:00');
    await main().getByText('Session 2 starts before session 1 ends').waitFor();
    await main().getByText('Ends 21:00').first().waitFor();
    await expectAccessible(page, '/cohorts/new with a rule message');
    await shots('cohort-new');

    await page.getByLabel('Session 2 date').fill(londonDate(47));
    await page.getByLabel('Session 2 start time').fill('18:00');
    await page.getByLabel('Session 3 date').fill(londonDate(54));
    await page.getByLabel('Session 3 start time').fill('18:00');
    expect(await main().locator('.schedule .field__error').count()).toBe(0);
    await page.getByRole('button', { name: 'Save as a draft' }).click();

    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await toast(/saved as a draft/).waitFor();
    await main().getByText('Draft', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await toast(/is published and open for enrolment/).waitFor();
    await main().getByText('Open for enrolment', { exact: true }).waitFor();
    await expectAccessible(page, 'a new cohort');

    await page.getByRole('link', { name: 'Change details' }).click();
    await page.getByRole('heading', { level: 1, name: `Change ${title}` }).waitFor();
    await expectAccessible(page, '/cohorts/$id/edit');
    await shots('cohort-edit');
  });

  it('runs the full demo cohort: withdraw, the offer with its time left, accept', async () => {
    await page.goto('/cohorts');
    await page.getByRole('link', { name: 'Evening cohort (online)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Evening cohort (online)' }).waitFor();
    const waitlist = main().getByRole('region', { name: /Waitlist/ });
    await waitlist.getByRole('row', { name: /Emma Clarke/ }).waitFor();
    await expectAccessible(page, '/cohorts/$id');
    await shots('cohort-detail');

    // Withdraw one confirmed person, after saying yes in the dialog.
    await page.getByRole('button', { name: 'Withdraw: Amelia Hughes' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Withdraw Amelia Hughes?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('it will be offered to Emma Clarke, first on the waitlist, who will have 48 hours (2 days) to accept');
    await expectAccessible(page, 'the withdraw dialog');
    await screenshot(page, 'cohort-withdraw-dialog');
    await dialog.getByRole('button', { name: 'Withdraw' }).click();
    await toast('Amelia Hughes withdrawn.').waitFor();

    // The first person waiting now has an offer, with the time left.
    const offered = waitlist.getByRole('row', { name: /Emma Clarke/ });
    await offered.getByText(/Expires in (1 day 23 hours|2 days)/).waitFor();
    await main().getByRole('region', { name: /No longer on this cohort/ }).getByText(/Amelia Hughes/).waitFor();
    await screenshot(page, 'cohort-offer');

    await offered.getByRole('button', { name: 'Accept offer: Emma Clarke' }).click();
    const accept = page.getByRole('dialog', { name: 'Accept the offer for Emma Clarke?' });
    await accept.getByRole('button', { name: 'Accept the offer' }).click();
    await toast('Emma Clarke confirmed on the cohort.').waitFor();
    const roster = main().getByRole('region', { name: /Roster/ });
    await roster.getByRole('row', { name: /Emma Clarke/ }).waitFor();

  });

  it('records attendance from the keyboard, a manual issued, and downloads the roster', async () => {
    const roster = main().getByRole('region', { name: /Roster/ });
    // Attendance for session 1, from the keyboard only: Space chooses, Tab moves on (three cells
    // a person), the last Tab lands on "Save session 1".
    const grid = main().getByRole('table', { name: 'Attendance by person and session' });
    const people = await grid.locator('tbody th').allTextContents();
    expect(people).toHaveLength(12);
    await grid.getByRole('radiogroup', { name: `${people[0]}, session 1` }).getByRole('radio', { name: 'Present' }).focus();
    for (const [i] of people.entries()) {
      await page.keyboard.press(i === 1 ? 'ArrowRight' : 'Space');
      for (let t = 0; t < 3; t += 1) await page.keyboard.press('Tab');
    }
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save session 1');
    await page.keyboard.press('Enter');
    await toast('Attendance saved for session 1.').waitFor();
    expect(await grid.getByRole('radiogroup', { name: `${people[1]}, session 1` }).getByRole('radio', { name: 'Absent' }).isChecked()).toBe(true);
    expect(await grid.getByRole('radiogroup', { name: `${people[0]}, session 1` }).getByRole('radio', { name: 'Present' }).isChecked()).toBe(true);

    // The manual.
    await roster.getByRole('button', { name: 'Mark issued: Priya Shah' }).click();
    await roster.getByRole('row', { name: /Priya Shah/ }).getByText(/^Issued /).waitFor();

    // The roster as CSV, fetched with the token and saved through a blob link.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download roster (CSV)' }).click()]);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8');
    expect(csv).toContain('Priya');
    expect(csv).toContain('Emma');
    expect(csv).toContain('Clarke');
    await expectAccessible(page, '/cohorts/$id after changes');
    await shots('cohort-detail-after');
  });
});
