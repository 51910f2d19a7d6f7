import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sendProblem } from './errors';

/**
 * Serves the built console at / and answers unknown paths: /v1 and other API-looking paths get a
 * problem+json 404, anything a browser asks for as a page gets index.html (client-side routes).
 * `/` itself is the console whatever the client accepts (`curl localhost:3000` is a fair first try).
 */
export const consolePlugin = fp(async (app: FastifyInstance, opts: { dir: string }) => {
  const hasConsole = existsSync(join(opts.dir, 'index.html'));
  if (hasConsole) {
    await app.register(fastifyStatic, {
      root: opts.dir,
      wildcard: false,
      index: false,
      setHeaders(res, path) {
        // Hashed assets never change; index.html must always be checked.
        res.raw.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  } else {
    app.log.warn({ dir: opts.dir }, 'console not built: run `pnpm build` to serve it at /');
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const wantsPage =
      hasConsole &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      !path.startsWith('/v1/') &&
      !/\.[a-z0-9]+$/i.test(path) &&
      (path === '/' || (request.headers.accept ?? '').includes('text/html'));
    if (wantsPage) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return sendProblem(request, reply, 404, 'NOT_FOUND', `Nothing is at ${request.method} ${path}.`);
  });
});
