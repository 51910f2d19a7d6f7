// The one HTTP client of the console: openapi-fetch over the types generated from the API's
// openapi.json, with the access token added to each call and one silent refresh on a 401.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-types';
import { endSession, getAccessToken, isSignedIn, isSigningOut, startSession } from './session';

type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The JSON body an endpoint answers with for a status (200 unless said). */
export type ApiResponse<
  P extends keyof paths,
  M extends HttpMethod,
  S extends number = 200,
> = NonNullable<paths[P][M]> extends { responses: infer R }
  ? S extends keyof R
    ? R[S] extends { content: { 'application/json': infer B } }
      ? B
      : never
    : never
  : never;

/** The JSON body an endpoint takes. */
export type ApiRequestBody<P extends keyof paths, M extends HttpMethod> = NonNullable<paths[P][M]> extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** Calls that issue or end tokens: a 401 from them is an answer, not a reason to refresh. */
const TOKEN_ENDPOINTS = new Set<string>(['/v1/auth/login', '/v1/auth/mfa', '/v1/auth/refresh', '/v1/auth/logout']);
/** Calls made before there is a session: they never carry an access token. */
const ANONYMOUS_ENDPOINTS = new Set<string>(['/v1/auth/login', '/v1/auth/mfa', '/v1/auth/refresh']);

/** How long start-up waits for the silent refresh before showing sign-in. */
const REFRESH_TIMEOUT_MS = 15_000;

export const api = createClient<paths>({
  baseUrl: '',
  // Looked up at call time, not captured once, so tests can stub fetch at the network boundary.
  fetch: (request: Request) => globalThis.fetch(request),
});

let refreshInFlight: Promise<boolean> | null = null;

/**
 * Asks for a new access token with the refresh cookie. Concurrent callers share one request,
 * so a burst of 401s costs one refresh (the refresh token rotates: a second call would fail).
 */
export function refreshSession(): Promise<boolean> {
  refreshInFlight ??= (async () => {
    try {
      const attempt = api.POST('/v1/auth/refresh', { credentials: 'include' }).then(({ data, response }) => {
        // Signed out meanwhile: the answer must not sign the person back in.
        if (!response.ok || !data || isSigningOut()) return false;
        startSession(data);
        return true;
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), REFRESH_TIMEOUT_MS);
      });
      try {
        return await Promise.race([attempt, timeout]);
      } finally {
        clearTimeout(timer);
      }
    } catch {
      return false;
    } finally {
      refreshInFlight = null;
    }
  })();
  return refreshInFlight;
}

/** On start-up: a page reload loses the in-memory token, but the refresh cookie may still be good. */
export function restoreSession(): Promise<boolean> {
  return refreshSession();
}

// Copies of requests kept until their answer arrives, so one can be sent again after a refresh
// (the original's body has been read by then).
const replayable = new Map<string, Request>();

function withToken(request: Request, token: string | null): Request {
  if (token) request.headers.set('Authorization', `Bearer ${token}`);
  return request;
}

export const authMiddleware: Middleware = {
  onRequest({ request, schemaPath, id }) {
    if (!ANONYMOUS_ENDPOINTS.has(schemaPath)) withToken(request, getAccessToken());
    if (!TOKEN_ENDPOINTS.has(schemaPath)) replayable.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const copy = replayable.get(id);
    replayable.delete(id);
    // A 401 after the session ended (or while signing out) is expected: nothing to renew.
    if (response.status !== 401 || !copy || !isSignedIn() || isSigningOut()) return undefined;

    const refreshed = await refreshSession();
    if (!refreshed) {
      endSession('expired');
      return undefined;
    }
    const retried = await globalThis.fetch(withToken(copy, getAccessToken()));
    if (retried.status === 401) endSession('expired');
    return retried;
  },
  onError({ id }) {
    replayable.delete(id);
    return undefined;
  },
};

api.use(authMiddleware);
