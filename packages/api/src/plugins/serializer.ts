import type { FastifySerializerCompiler } from 'fastify';
import fastJson from 'fast-json-stringify';
import { toJSONSchema, $ZodType } from 'zod/v4/core';

type JsonSchema = { [key: string]: unknown };

/**
 * Responses are written by fast-json-stringify from the JSON Schema of each route's zod response
 * schema, compiled once per route and status, instead of zod encoding every body before
 * JSON.stringify (what fastify-type-provider-zod's serializer does). On a page of 25 cohorts that
 * encode was a third of the server's CPU: every uuid and date-time checked against its pattern again,
 * on data the server itself has just built.
 *
 * What a response may hold is still the schema's business alone: a property the schema does not
 * declare is never written (a database row with more columns than the answer cannot leak them), a
 * required property that is missing fails the response (a 500, never a partial body), and a value
 * that may be null is written as null. Unlike zod, fast-json-stringify does not refuse a value of the
 * wrong type: it writes it as the schema's type (a null where none is allowed as "", 0 or false). That
 * is ruled out where it can be: at compile time by the type provider (a handler's return type is the
 * schema's type), and in the tests, where the contract fuzzer validates every 2xx body against the
 * published document.
 */
export const responseSerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  const json = responseJsonSchema(resolveSchema(schema));
  return fastJson(json as unknown as Parameters<typeof fastJson>[0]) as (data: unknown) => string;
};

/** The JSON Schema fast-json-stringify is compiled from (exported for the tests). */
export function responseJsonSchema(schema: $ZodType): JsonSchema {
  // OpenAPI 3.0's dialect says "may be null" as `nullable: true` beside the type, the form
  // fast-json-stringify reads (zod's other targets say it with anyOf, which fast-json-stringify can
  // only resolve by validating each value with ajv).
  const json = toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' }) as JsonSchema;
  return openForSerializer(json) as JsonSchema;
}

/**
 * Two changes to zod's schema, both for the validator fast-json-stringify uses to pick a branch of an
 * anyOf (a union), neither changing what is written:
 * - objects are left open: zod says an output object has no other keys (`additionalProperties:
 *   false`), but a value built from a database row carries keys the answer does not declare, so no
 *   branch would match. Undeclared keys are still never written.
 * - "may be null" is said in the form the validator accepts: a nullable reference (`nullable` beside
 *   an `allOf` of one `$ref`) as "null or the reference", and a nullable enum lists null.
 */
function openForSerializer(node: unknown): unknown {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return node;
  const { nullable, allOf, ...rest } = node as JsonSchema;
  if (nullable === true && Array.isArray(allOf) && allOf.length === 1 && rest.type === undefined) {
    return openForSerializer({ ...rest, anyOf: [{ type: 'null' }, allOf[0]] });
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (SCHEMA_MAPS.has(key)) out[key] = Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, openForSerializer(v)]));
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map(openForSerializer);
    else if (key === 'additionalProperties' && value === false) continue;
    else if (SCHEMAS.has(key)) out[key] = openForSerializer(value);
    else out[key] = value;
  }
  if (nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  return out;
}

const SCHEMA_MAPS = new Set(['properties', 'definitions', '$defs', 'patternProperties']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems', 'items']);
const SCHEMAS = new Set(['items', 'additionalProperties', 'not', 'propertyNames']);

function resolveSchema(maybe: unknown): $ZodType {
  if (maybe instanceof $ZodType) return maybe;
  const properties = (maybe as { properties?: unknown } | undefined)?.properties;
  if (properties instanceof $ZodType) return properties;
  throw new Error(`A response schema is not a zod schema: ${JSON.stringify(maybe)}`);
}
