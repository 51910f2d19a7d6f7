// Two-step verification set-up, against a second real server started here with MFA_REQUIRED=true
// (the shared one runs with MFA off): signing in leads straight to /account/security; the key is
// shown as text (and a QR code); a code from it switches MFA on; the recovery codes are shown
// once; the next sign-in asks for a code, and a recovery code works.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible, launchChromium, screenshot } from './browser';

const shared = inject('e2eServer');
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a base32 secret, as an authenticator app makes it. */
function totp(secret: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const hmac = createHmac('sha1', key).update(counter).digest();
  const offset = (hmac[hmac.length - 1] ?? 0) & 0xf;
  const code = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, '0');
}

describe.skipIf(!shared)('setting up two-step verification when it is required', () => {
  let child: ChildProcess;
  let dataDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let baseUrl = '';
  const adminEmail = 'mfa-admin@example.org';
  const adminPassword = `Mfa-${randomBytes(18).toString('base64url')}`;
  let recoveryCodes: string[] = [];

  async function signIn() {
    await page.getByLabel('Email address').fill(adminEmail);
    await page.getByLabel('Password').fill(adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    dataDir = mkdtempSync(join(tmpdir(), 'harbour-e2e-mfa-'));
    let output = '';
    child = spawn(process.execPath, [join(repoRoot, 'packages/api/dist/server.js')], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        ADMIN_EMAIL: adminEmail,
        ADMIN_PASSWORD: adminPassword,
        MFA_REQUIRED: 'true',
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        JWT_SECRET: randomBytes(36).toString('base64url'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000)));
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000)));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`The MFA server stopped:\n${output}`);
      try {
        if ((await fetch(`${baseUrl}/ready`)).status === 200) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`The MFA server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: baseUrl, locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends someone without two-step verification to set it up, and nowhere else', async () => {
    await page.goto('/sign-in?redirect=%2Fparticipants');
    await signIn();
    await page.waitForURL('**/account/security?redirect=%2Fparticipants');
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
    await page.getByText('Set up two-step verification to carry on').waitFor();
    await expectAccessible(page, '/account/security before set-up');
    await screenshot(page, 'account-security-required');

    // Any other page brings them back here.
    await page.goto('/cohorts');
    await page.waitForURL('**/account/security?redirect=%2Fcohorts');
  });

  it('shows the key as text and a QR code, and switches on with a code from it', async () => {
    await page.getByRole('button', { name: 'Set up two-step verification' }).click();
    await page.getByRole('heading', { name: 'Add Harbour to your authenticator app' }).waitFor();
    expect(await page.locator('svg.qr-code path').count()).toBe(1);
    const secret = ((await page.locator('.secret code').first().textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.getByText('Show the full set-up address (otpauth link)').click();
    expect(await page.locator('.secret--url code').textContent()).toContain(`secret=${secret}`);
    await expectAccessible(page, '/account/security with the key');
    await screenshot(page, 'account-security-key');

    await page.getByLabel('6-digit code').fill('000000');
    await page.getByRole('button', { name: 'Switch on two-step verification' }).click();
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();

    await page.getByLabel('6-digit code').fill(totp(secret));
    await page.getByRole('button', { name: 'Switch on two-step verification' }).click();
    const list = page.getByRole('list', { name: 'Recovery codes' });
    await list.waitFor();
    recoveryCodes = (await list.getByRole('listitem').allTextContents()).map((code) => code.trim());
    expect(recoveryCodes.length).toBeGreaterThanOrEqual(8);
    await page.getByRole('button', { name: 'Copy the codes' }).waitFor();
    await page.getByRole('button', { name: 'Download as a file' }).waitFor();
    await expectAccessible(page, '/account/security with recovery codes');
    await screenshot(page, 'account-security-recovery-codes');

    await page.getByRole('button', { name: 'I have saved them: continue' }).click();
    // Back to the page last asked for before set-up.
    await page.waitForURL('**/cohorts');
    await page.getByRole('heading', { level: 1, name: 'Cohorts' }).waitFor();
  });

  it('asks for a code at the next sign-in, and a recovery code works', async () => {
    // Let the page finish loading first: a request still in flight when signing out comes back 401,
    // and (a quirk of lib/session) then relabels the ending as "expired".
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await signIn();
    await page.getByRole('heading', { name: 'Enter your security code' }).waitFor();
    await page.getByRole('textbox', { name: 'Security code' }).fill(recoveryCodes[0] ?? '');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    await page.goto('/account/security');
    await page.getByRole('heading', { name: 'Password' }).waitFor();
    await page.getByText(/Harbour asks for a code from your authenticator app/).waitFor();
    await expectAccessible(page, '/account/security when set up');
    await screenshot(page, 'account-security');
  });
});
