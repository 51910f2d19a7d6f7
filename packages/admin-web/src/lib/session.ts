// The signed-in session, held in memory only: the access token never touches localStorage or
// sessionStorage, and the refresh token lives in an httpOnly cookie the page cannot read.
import { useSyncExternalStore } from 'react';
import type { ApiResponse } from './api-client';

/** The person as login and refresh describe them (GET /v1/me says more, e.g. mfaEnabled). */
export type SessionUser = ApiResponse<'/v1/auth/refresh', 'post'>['user'];

/** Why the last session ended, so the sign-in page can say so kindly. */
export type EndReason = 'signed-out' | 'expired';

export type SessionState =
  | { status: 'signed-in'; user: SessionUser; mfaSetupRequired: boolean }
  | { status: 'signed-out'; endReason: EndReason | null };

export interface NewSession {
  accessToken: string;
  user: SessionUser;
  mfaSetupRequired?: boolean;
}

let accessToken: string | null = null;
let state: SessionState = { status: 'signed-out', endReason: null };
/** "Sign out" was pressed: requests still in flight must not relabel the ending or renew the session. */
let signingOut = false;
const listeners = new Set<() => void>();
const endListeners = new Set<(reason: EndReason) => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

export function getAccessToken(): string | null {
  return accessToken;
}

export function getSession(): SessionState {
  return state;
}

export function isSignedIn(): boolean {
  return state.status === 'signed-in';
}

/** A deliberate sign-out has begun: however the session now ends, it ends as 'signed-out'. */
export function beginSignOut(): void {
  signingOut = true;
}

export function isSigningOut(): boolean {
  return signingOut;
}

export function startSession(session: NewSession): void {
  signingOut = false;
  accessToken = session.accessToken;
  state = { status: 'signed-in', user: session.user, mfaSetupRequired: session.mfaSetupRequired ?? false };
  emit();
}

/** Forgets the token and user; listeners (the app) take the person back to sign-in. */
export function endSession(reason: EndReason): void {
  const wasSignedIn = state.status === 'signed-in';
  // Once ended, a late answer (a 401 of a request sent before) does not change why it ended.
  if (state.status === 'signed-out' && state.endReason) return;
  const why = signingOut ? 'signed-out' : reason;
  accessToken = null;
  state = { status: 'signed-out', endReason: why };
  emit();
  if (wasSignedIn) for (const listener of endListeners) listener(why);
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called when a signed-in session ends, whether by signing out or because it could not be renewed. */
export function onSessionEnded(listener: (reason: EndReason) => void): () => void {
  endListeners.add(listener);
  return () => endListeners.delete(listener);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}
