// The response serializer: fast-json-stringify compiled from each route's zod response schema. What
// leaves is what the schema declares, nothing more, and a body that does not fit is a 500, never a
// partial answer.
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProblemSchema } from '@harbour/shared';
import { errorsPlugin } from './errors';
import { responseJsonSchema, responseSerializerCompiler } from './serializer';

const Inner = z.object({ name: z.string() }).meta({ id: 'SerializerTestInner' });
const Answer = z.object({
  id: z.uuid(),
  at: z.iso.datetime().nullable(),
  count: z.number().int().nullable(),
  flag: z.boolean().nullable(),
  colour: z.enum(['red', 'blue']).nullable(),
  inner: Inner.nullable(),
  items: z.array(z.object({ n: z.number() })),
  kind: z.union([z.object({ type: z.literal('a'), a: z.string(), why: z.enum(['x', 'y']).nullable().optional() }), z.object({ type: z.literal('b'), b: z.number() })]),
  note: z.string().optional(),
});

let app: FastifyInstance;
let served: unknown;

beforeAll(async () => {
  const f = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  f.setValidatorCompiler(validatorCompiler);
  f.setSerializerCompiler(responseSerializerCompiler);
  await f.register(errorsPlugin);
  // The handler answers whatever the test put in `served`; the cast stands for a handler whose type
  // check was defeated (a row spread into the answer, an `as`), which is what the serializer guards.
  f.get('/thing', { schema: { response: { 200: Answer, 500: ProblemSchema } } }, async () => served as z.infer<typeof Answer>);
  await f.ready();
  app = f;
});
afterAll(() => app.close());

const valid = () => ({
  id: '5f1c3c8e-8a53-4c1e-9d2a-3f0b6c1d2e4f',
  at: '2027-01-14T18:00:00.000Z',
  count: 3,
  flag: true,
  colour: 'red' as const,
  inner: { name: 'Room 2' },
  items: [{ n: 1 }, { n: 2.5 }],
  kind: { type: 'b' as const, b: 7 },
});

async function get() {
  const res = await app.inject({ method: 'GET', url: '/thing' });
  return { status: res.statusCode, type: res.headers['content-type'], body: res.json() as Record<string, unknown> };
}

describe('response serializer', () => {
  it('writes a valid answer as zod would', async () => {
    served = { ...valid(), note: 'kept' };
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...valid(), note: 'kept' });
    expect(Answer.safeParse(res.body).success).toBe(true);
  });

  it('never writes a property the schema does not declare, at any depth', async () => {
    served = {
      ...valid(),
      passwordHash: 'secret',
      inner: { name: 'Room 2', phone: '07700 900123' },
      items: [{ n: 1, email: 'x@example.org' }],
      kind: { type: 'a', a: 'yes', extra: 'no' },
    };
    const res = await get();
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    for (const leak of ['secret', '07700', 'x@example.org', 'extra']) expect(text).not.toContain(leak);
    expect(res.body.inner).toEqual({ name: 'Room 2' });
    expect(res.body.kind).toEqual({ type: 'a', a: 'yes' });
  });

  it('picks the branch of a union by its declared properties, nullable ones included', async () => {
    served = { ...valid(), kind: { type: 'a', a: 'yes', why: null, extra: 'no' } };
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body.kind).toEqual({ type: 'a', a: 'yes', why: null });
  });

  it('writes null as null, not as an empty string, zero, false or an empty object', async () => {
    served = { ...valid(), at: null, count: null, flag: null, colour: null, inner: null };
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ at: null, count: null, flag: null, colour: null, inner: null });
  });

  it('a Date where the schema says date-time is written in ISO form', async () => {
    served = { ...valid(), at: new Date('2027-01-14T18:00:00Z') };
    const res = await get();
    expect(res.body.at).toBe('2027-01-14T18:00:00.000Z');
  });

  it('a missing required property is a 500 problem, never a partial body', async () => {
    const { id: _id, ...withoutId } = valid();
    served = withoutId;
    const res = await get();
    expect(res.status).toBe(500);
    expect(res.type).toContain('application/problem+json');
    expect(res.body.code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(res.body)).not.toContain('Room 2');
  });

  it('a value that fits no branch of a union is a 500 problem', async () => {
    served = { ...valid(), kind: { type: 'c' } };
    const res = await get();
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('INTERNAL_ERROR');
  });

  it('compiles from the OpenAPI 3.0 form: nullable beside the type, a nullable reference as null or it, objects open', () => {
    const json = responseJsonSchema(Answer) as { properties: Record<string, unknown> };
    expect(json.properties.at).toMatchObject({ type: 'string', nullable: true });
    expect(json.properties.inner).toEqual({ anyOf: [{ type: 'null' }, { $ref: '#/definitions/SerializerTestInner' }] });
    expect(JSON.stringify(json)).not.toContain('"additionalProperties":false');
  });
});
