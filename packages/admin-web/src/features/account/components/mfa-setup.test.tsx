import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { endSession, getSession, startSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithQueryClient } from '../../../test/render';
import { AccountSecurity } from './account-security';
import { groupSecret } from './mfa-setup';

const user = { id: 'u1', email: 'sam@example.org', name: 'Sam Carter', roles: ['coordinator' as const] };
const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const otpauthUrl = `otpauth://totp/Harbour:sam%40example.org?secret=${secret}&issuer=Harbour&algorithm=SHA1&digits=6&period=30`;
const codes = ['abcd-efgh-1234', 'ijkl-mnop-5678', 'qrst-uvwx-9012'];

describe('setting up two-step verification', () => {
  beforeEach(() => startSession({ accessToken: 't', user, mfaSetupRequired: true }));
  afterEach(() => endSession('signed-out'));

  it('shows the key as text and a QR code, takes a code, then shows the recovery codes once and continues', async () => {
    let enableCalls = 0;
    const api = stubApi({
      'GET /v1/me': () => json({ ...user, mfaEnabled: enableCalls > 0 }),
      'POST /v1/auth/mfa/setup': () => json({ secret, otpauthUrl }),
      'POST /v1/auth/mfa/enable': () =>
        ++enableCalls === 1
          ? problem(400, 'MFA_CODE_INVALID', 'That code did not work.', { errors: [{ path: 'code', message: 'That code did not work. Enter the newest code.' }] })
          : json({ recoveryCodes: codes }),
      'POST /v1/auth/refresh': () => json({ accessToken: 't2', expiresIn: 900, user }),
    });
    const onDone = vi.fn();
    renderWithQueryClient(<AccountSecurity onMfaDone={onDone} />);
    const u = userEvent.setup({ delay: null });

    expect(screen.getByText('Set up two-step verification to carry on')).toBeInTheDocument();
    // The password form is not offered until set-up is done (the API would refuse it).
    expect(screen.queryByRole('heading', { name: 'Password' })).not.toBeInTheDocument();
    await u.click(await screen.findByRole('button', { name: 'Set up two-step verification' }));

    expect(await screen.findByRole('heading', { name: 'Add Harbour to your authenticator app' })).toBeInTheDocument();
    expect(screen.getByText(groupSecret(secret))).toBeInTheDocument();
    expect(groupSecret(secret)).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(screen.getByText(otpauthUrl)).toBeInTheDocument();
    expect(document.querySelector('svg.qr-code path')?.getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);

    // A code that is not 6 digits is caught here; a wrong one comes back from the server.
    await u.type(screen.getByLabelText('6-digit code'), '12');
    await u.click(screen.getByRole('button', { name: 'Switch on two-step verification' }));
    expect(screen.getByLabelText('6-digit code')).toHaveAccessibleDescription('Enter the 6-digit code your app shows for Harbour');
    expect(api.requests.filter((r) => new URL(r.url).pathname === '/v1/auth/mfa/enable')).toHaveLength(0);

    await u.clear(screen.getByLabelText('6-digit code'));
    await u.type(screen.getByLabelText('6-digit code'), '123 456');
    await u.click(screen.getByRole('button', { name: 'Switch on two-step verification' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That code did not work. Enter the newest code.');

    await u.click(screen.getByRole('button', { name: 'Switch on two-step verification' }));
    const list = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual(codes);
    expect(screen.getByText('These codes are shown only once')).toBeInTheDocument();
    expect(await api.bodiesOf('POST', '/v1/auth/mfa/enable')).toEqual([{ code: '123456' }, { code: '123456' }]);

    // The session is renewed, so it no longer says set-up is required; the codes stay on screen.
    await waitFor(() => expect(getSession()).toMatchObject({ status: 'signed-in', mfaSetupRequired: false }));
    expect(screen.getByRole('list', { name: 'Recovery codes' })).toBeInTheDocument();

    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await u.click(screen.getByRole('button', { name: 'Copy the codes' }));
    expect(writeText).toHaveBeenCalledWith(codes.join('\n'));
    expect(await screen.findByText('Copied')).toBeInTheDocument();

    await u.click(screen.getByRole('button', { name: 'I have saved them: continue' }));
    expect(onDone).toHaveBeenCalledTimes(1);
  });
});
