import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyUnderPressure, { TYPE_EVENT_LOOP_DELAY } from '@fastify/under-pressure';
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config';
import type { Database } from './db/client';
import { AppError } from './lib/app-error';
import { serializeError } from './lib/log-errors';
import { DEFAULT_CONSOLE_DIR } from './lib/paths';
import { authRoutes } from './modules/auth/auth.routes';
import { usersRoutes } from './modules/users/users.routes';
import { cohortsRoutes } from './modules/cohorts/cohorts.routes';
import { coursesRoutes } from './modules/courses/courses.routes';
import { enrolmentsRoutes } from './modules/enrolments/enrolments.routes';
import { healthRoutes } from './modules/health/health.routes';
import { participantsRoutes } from './modules/participants/participants.routes';
import { declarationsRoutes } from './modules/declarations/declarations.routes';
import { auditRoutes } from './modules/audit/audit.routes';
import { outboxRoutes } from './modules/outbox/outbox.routes';
import { webhooksRoutes } from './modules/webhooks/webhooks.routes';
import { partnersRoutes } from './modules/partners/partners.routes';
import { referralsRoutes } from './modules/referrals/referrals.routes';
import { safeguardingRoutes } from './modules/safeguarding/safeguarding.routes';
import { dataProtectionRoutes } from './modules/data-protection/data-protection.routes';
import { auditPlugin } from './plugins/audit';
import { authPlugin } from './plugins/auth';
import { consolePlugin } from './plugins/console';
import { errorsPlugin, frameworkErrorHandler } from './plugins/errors';
import { openapiPlugin } from './plugins/openapi';
import { responseSerializerCompiler } from './plugins/serializer';

export interface AppDeps {
  config: Config;
  database: Database;
  secrets: { jwtSecret: string };
}

/** Trust the nearest `hops` proxies (proxy-addr's hop index counts from the socket): the client is the next address out. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export async function buildApp({ config, database, secrets }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      // Never log personal data, tokens or passwords: no bodies, no query strings, no auth headers or cookies.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      serializers: {
        req: (req) => ({ method: req.method, path: String(req.url).split('?')[0], requestId: req.id }),
        err: serializeError,
      },
    },
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: typeof config.TRUST_PROXY === 'number' ? trustHops(config.TRUST_PROXY) : config.TRUST_PROXY,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    // The router's own refusals (a malformed URL, a too long path parameter) as problem+json too.
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // API answers may hold personal data: never cached by browsers or proxies.
    if (request.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
  });

  await app.register(errorsPlugin);
  // Load shedding: past the configured limits a request is refused at once (503 SERVICE_UNAVAILABLE with
  // Retry-After) before any work is done for it. Liveness (/health) keeps answering: restarting a busy
  // process would only make things worse.
  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: config.UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
    maxHeapUsedBytes: config.UNDER_PRESSURE_MAX_HEAP_BYTES,
    maxRssBytes: config.UNDER_PRESSURE_MAX_RSS_BYTES,
    maxEventLoopUtilization: config.UNDER_PRESSURE_MAX_EVENT_LOOP_UTILIZATION,
    sampleInterval: config.UNDER_PRESSURE_SAMPLE_INTERVAL_MS,
    pressureHandler: async (request, _reply, type) => {
      if (request.routeOptions.url === '/health') return;
      // A PGlite maintenance round holds the event loop while it runs (client.ts); the delay it leaves
      // in the samples, for up to two of them, is not load: requests are served.
      if (type === TYPE_EVENT_LOOP_DELAY && database.maintainedWithin(2 * config.UNDER_PRESSURE_SAMPLE_INTERVAL_MS)) return;
      const seconds = String(config.UNDER_PRESSURE_RETRY_AFTER_SECONDS);
      throw new AppError('SERVICE_UNAVAILABLE', 503, `The service is busy. Try again in ${seconds} seconds.`, {
        headers: { 'retry-after': seconds },
      });
    },
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: config.COOKIE_SECURE,
    // Matches frame-ancestors 'none' for browsers that only know X-Frame-Options.
    frameguard: { action: 'deny' },
  });
  await app.register(fastifyCors, { origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false, credentials: true });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    // The API is limited; the console's static files are not (an office behind one address loads many).
    allowList: (request) => !request.url.startsWith('/v1/'),
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', 429, `Too many requests. Try again in ${Math.ceil(context.ttl / 1000)} seconds.`, {
        headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
      }),
  });
  await app.register(openapiPlugin);
  await app.register(authPlugin, { config, database, jwtSecret: secrets.jwtSecret });
  await app.register(auditPlugin, { db: database.db });

  await app.register(healthRoutes, { database });
  await app.register(authRoutes, { config, db: database.db });
  await app.register(usersRoutes, { config, db: database.db });
  await app.register(coursesRoutes, { db: database.db });
  await app.register(cohortsRoutes, { db: database.db });
  await app.register(participantsRoutes, { db: database.db });
  await app.register(declarationsRoutes, { db: database.db });
  await app.register(enrolmentsRoutes, { db: database.db });
  await app.register(auditRoutes, { db: database.db });
  await app.register(outboxRoutes, { db: database.db });
  await app.register(webhooksRoutes, { config, db: database.db });
  await app.register(partnersRoutes, { db: database.db });
  await app.register(referralsRoutes, { db: database.db });
  await app.register(safeguardingRoutes, { db: database.db, publicUrl: config.PUBLIC_URL });
  await app.register(dataProtectionRoutes, { db: database.db });

  await app.register(consolePlugin, { dir: config.CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR });

  return app;
}
