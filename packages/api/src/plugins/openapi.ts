import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const API_VERSION = '1.0.0';

/** OpenAPI 3.1 generated from the route schemas; a readable reference at /docs. */
export const openapiPlugin = fp(async (app: FastifyInstance) => {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Harbour API',
        version: API_VERSION,
        description:
          'The HTTP API of Harbour: courses, cohorts, participants, declarations, enrolments and partner referrals. ' +
          'Errors are RFC 9457 problem+json with a stable `code`. Lists take `limit` (1–100) and `cursor`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Staff access token from POST /v1/auth/login' },
          partnerKey: { type: 'http', scheme: 'bearer', description: 'A partner API key (starts with pk_)' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  app.get('/openapi.json', { schema: { hide: true }, config: { access: { public: true } } }, async () => app.swagger());

  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0 },
    staticCSP: true,
    // Swagger UI's own policy, tightened to ours: no framing, no outside validator, no https upgrade.
    transformStaticCSP: (header) =>
      header
        .replace(/frame-ancestors [^;]+/, "frame-ancestors 'none'")
        .replace(/\s*upgrade-insecure-requests;?/, '')
        .replace(/ https:\/\/validator\.swagger\.io/g, ''),
  });
});
