import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { endSession, getAccessToken, getSession } from '../../../lib/session';
import { json, problem, stubApi } from '../../../test/fake-api';
import { renderWithQueryClient } from '../../../test/render';
import { SignInForm } from './sign-in-form';

const user = { id: '7d0c1c9e-4a4e-4b8e-9a59-1f0f3f1c2b3a', email: 'sam@example.org', name: 'Sam Carter', roles: ['coordinator'] };

async function fillAndSubmit(email = 'sam@example.org', password = 'a long secret phrase') {
  const u = userEvent.setup({ delay: null });
  if (email) await u.type(screen.getByLabelText('Email address'), email);
  if (password) await u.type(screen.getByLabelText('Password'), password);
  await u.click(screen.getByRole('button', { name: 'Sign in' }));
  return u;
}

describe('SignInForm', () => {
  afterEach(() => endSession('signed-out'));

  it('shows field errors from a problem+json answer next to their fields and in the summary', async () => {
    stubApi({
      'POST /v1/auth/login': () =>
        problem(400, 'VALIDATION_FAILED', 'The request is not valid.', {
          errors: [{ path: '/email', message: 'Enter an email address we can use' }],
        }),
    });
    renderWithQueryClient(<SignInForm onSignedIn={vi.fn()} />);
    await fillAndSubmit();

    const summary = await screen.findByRole('alert');
    expect(within(summary).getByText('There is a problem')).toBeInTheDocument();
    const link = within(summary).getByRole('link', { name: 'Enter an email address we can use' });
    expect(link).toHaveAttribute('href', '#sign-in-email');
    await waitFor(() => expect(summary).toHaveFocus());

    const email = screen.getByLabelText('Email address');
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('Enter an email address we can use');
    expect(screen.getByLabelText('Password')).not.toHaveAttribute('aria-invalid');
  });

  it('says when to try again after too many attempts (429 with Retry-After)', async () => {
    stubApi({
      'POST /v1/auth/login': () =>
        problem(429, 'RATE_LIMITED', 'Too many requests.', { headers: { 'Retry-After': '300' } }),
    });
    renderWithQueryClient(<SignInForm onSignedIn={vi.fn()} />);
    await fillAndSubmit();

    const summary = await screen.findByRole('alert');
    expect(summary).toHaveTextContent(/too many attempts to sign in/i);
    expect(summary).toHaveTextContent(/try again in 5 minutes \(at \d{2}:\d{2}\)/);
  });

  it('says the email address or password is not right on INVALID_CREDENTIALS, and keeps no session', async () => {
    stubApi({ 'POST /v1/auth/login': () => problem(401, 'INVALID_CREDENTIALS', 'Invalid credentials.') });
    const onSignedIn = vi.fn();
    renderWithQueryClient(<SignInForm onSignedIn={onSignedIn} />);
    await fillAndSubmit();

    expect(await screen.findByRole('alert')).toHaveTextContent('The email address or password is not right.');
    expect(onSignedIn).not.toHaveBeenCalled();
    expect(getSession().status).toBe('signed-out');
  });

  it('checks the fields before asking the server', async () => {
    const api = stubApi({});
    renderWithQueryClient(<SignInForm onSignedIn={vi.fn()} />);
    await fillAndSubmit('not-an-address', '');

    const summary = await screen.findByRole('alert');
    expect(within(summary).getByRole('link', { name: /right format/ })).toHaveAttribute('href', '#sign-in-email');
    expect(within(summary).getByRole('link', { name: 'Enter your password' })).toHaveAttribute('href', '#sign-in-password');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Enter your password');
    expect(api.requests).toHaveLength(0);
  });

  it('ignores presses while signing in, then starts the session and hands over', async () => {
    let answer: (response: Response) => void = () => {};
    const api = stubApi({
      'POST /v1/auth/login': () => new Promise<Response>((resolve) => (answer = resolve)),
    });
    const onSignedIn = vi.fn();
    renderWithQueryClient(<SignInForm onSignedIn={onSignedIn} />);
    const u = await fillAndSubmit();

    const button = await screen.findByRole('button', { name: /Signing in/ });
    expect(button).toHaveAttribute('aria-disabled', 'true');
    await u.click(button);
    expect(api.requests).toHaveLength(1);
    expect(await api.bodiesOf('POST', '/v1/auth/login')).toEqual([
      { email: 'sam@example.org', password: 'a long secret phrase' },
    ]);

    answer(json({ accessToken: 'token-1', expiresIn: 900, user }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    expect(getAccessToken()).toBe('token-1');
    expect(getSession()).toMatchObject({ status: 'signed-in', user: { name: 'Sam Carter' } });
  });

  it('asks for the security code when the account has two-step verification, and shows its errors', async () => {
    let mfaAttempts = 0;
    const api = stubApi({
      'POST /v1/auth/login': () => json({ mfaRequired: true, mfaToken: 'mfa-token-1' }),
      'POST /v1/auth/mfa': () =>
        ++mfaAttempts === 1
          ? problem(401, 'MFA_CODE_INVALID', 'The code is not valid.')
          : json({ accessToken: 'token-2', expiresIn: 900, user }),
    });
    const onSignedIn = vi.fn();
    renderWithQueryClient(<SignInForm onSignedIn={onSignedIn} />);
    const u = await fillAndSubmit();

    expect(await screen.findByRole('heading', { name: 'Enter your security code' })).toBeInTheDocument();
    expect(getSession().status).toBe('signed-out');
    await u.type(screen.getByLabelText('Security code'), '123 456');
    await u.click(screen.getByRole('button', { name: 'Continue' }));

    const summary = await screen.findByRole('alert');
    expect(within(summary).getByRole('link', { name: /That code did not work/ })).toHaveAttribute('href', '#mfa-code');
    expect(screen.getByLabelText('Security code')).toHaveAttribute('aria-invalid', 'true');

    await u.clear(screen.getByLabelText('Security code'));
    await u.type(screen.getByLabelText('Security code'), '654321');
    await u.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    expect(await api.bodiesOf('POST', '/v1/auth/mfa')).toEqual([
      { mfaToken: 'mfa-token-1', code: '123456' },
      { mfaToken: 'mfa-token-1', code: '654321' },
    ]);
    expect(getAccessToken()).toBe('token-2');
  });

  it('says when the server could not be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    renderWithQueryClient(<SignInForm onSignedIn={vi.fn()} />);
    await fillAndSubmit();
    expect(await screen.findByRole('alert')).toHaveTextContent('Harbour could not be reached.');
  });
});
