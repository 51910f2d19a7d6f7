import { ProblemSchema } from '@harbour/shared';

/** Problem+json answers a route may give, for its response schema (and so the OpenAPI document). */
export function problems<const S extends number>(...statuses: S[]): Record<S, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema])) as Record<S, typeof ProblemSchema>;
}

/** Every route can answer these. */
export const COMMON_PROBLEMS = problems(400, 429, 500);
export const STAFF_PROBLEMS = problems(400, 401, 403, 429, 500);
