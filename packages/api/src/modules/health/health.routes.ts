import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { AppError } from '../../lib/app-error';
import { problems } from '../../lib/responses';

export const healthRoutes: FastifyPluginAsyncZod<{ database: Database }> = async (app, { database }) => {
  app.get(
    '/health',
    {
      config: { access: { public: true }, rateLimit: false },
      schema: {
        operationId: 'health',
        tags: ['service'],
        summary: 'Liveness: 200 while the process runs',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { access: { public: true }, rateLimit: false },
      schema: {
        operationId: 'ready',
        tags: ['service'],
        summary: 'Readiness: 200 when the database answers, else 503',
        response: { 200: z.object({ status: z.literal('ready'), database: z.enum(['pglite', 'postgres']) }), ...problems(503) },
      },
    },
    async () => {
      if (!(await database.ping())) throw new AppError('SERVICE_UNAVAILABLE', 503, 'The database is not answering.');
      return { status: 'ready' as const, database: database.kind };
    },
  );
};
