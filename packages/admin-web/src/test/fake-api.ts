// Stubs fetch at the network boundary for component tests: each handler answers one
// "METHOD /path", and every request made is recorded for assertions.
import { vi } from 'vitest';

export type Handler = (request: Request) => Response | Promise<Response>;

export interface FakeApi {
  requests: Request[];
  /** Bodies of the requests made to one path, parsed as JSON. */
  bodiesOf: (method: string, path: string) => Promise<unknown[]>;
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { 'Content-Type': 'application/json', ...init.headers },
  });
}

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: { errors?: { path: string; message: string }[]; headers?: Record<string, string> } = {},
): Response {
  return new Response(
    JSON.stringify({
      type: `https://harbour.example/problems/${code.toLowerCase()}`,
      title: detail,
      status,
      detail,
      instance: '/v1/test',
      code,
      ...(extra.errors ? { errors: extra.errors } : {}),
    }),
    { status, headers: { 'Content-Type': 'application/problem+json', ...extra.headers } },
  );
}

export function stubApi(handlers: Record<string, Handler>): FakeApi {
  const requests: Request[] = [];
  const copies: Request[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      requests.push(request);
      copies.push(request.clone());
      const url = new URL(request.url);
      const handler = handlers[`${request.method} ${url.pathname}`];
      if (!handler) return problem(404, 'NOT_FOUND', `No stub for ${request.method} ${url.pathname}`);
      return handler(request);
    }),
  );
  return {
    requests,
    bodiesOf: async (method, path) => {
      const matching = copies.filter((r) => r.method === method && new URL(r.url).pathname === path);
      return Promise.all(matching.map(async (r) => JSON.parse(await r.text()) as unknown));
    },
  };
}
