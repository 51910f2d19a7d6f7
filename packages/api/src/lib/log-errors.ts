// Errors as they are logged. An error can carry the data it failed on: drizzle's DrizzleQueryError
// puts every parameter of the statement in its message (a referral's names, e-mail and phone), and a
// PostgreSQL error's `detail` quotes the values of a key ("Key (email)=(…) already exists"). Neither
// may reach a log. What is kept is what an operator needs: the kind of error, the statement (its
// text has placeholders, never values), the SQL state, constraint, table and column, and the stack.

const DB_FIELDS = ['code', 'constraint', 'table', 'column', 'schema', 'severity', 'routine'] as const;
const MAX_CAUSES = 5;

export interface LoggedError {
  type: string;
  message: string;
  stack: string;
  query?: string;
  statusCode?: number;
  cause?: LoggedError;
  [field: string]: unknown;
}

function isQueryError(err: Error & { query?: unknown; params?: unknown }): boolean {
  return typeof err.query === 'string' && 'params' in err;
}

/** The stack's frames only: its first line repeats the message, which is not always safe. */
function framesOf(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length ? frames.join('\n') : undefined;
}

function serialize(err: unknown, depth: number): LoggedError {
  if (!(err instanceof Error)) return { type: typeof err, message: 'a thrown value that is not an Error', stack: '' };
  const e = err as Error & Record<string, unknown>;
  const type = e.constructor?.name || e.name || 'Error';
  const queryError = isQueryError(e);
  const fromDatabase = queryError || (typeof e.code === 'string' && typeof e.severity === 'string');
  // A failed query's message lists its parameters: the statement alone says what failed. A data
  // exception (SQL state class 22) quotes the value it could not take ('invalid input syntax … "…"').
  const dataException = fromDatabase && typeof e.code === 'string' && e.code.startsWith('22');
  const logged: LoggedError = {
    type,
    message: queryError ? 'Failed query (parameters not logged)' : dataException ? 'Data exception (message not logged)' : e.message,
    stack: (fromDatabase ? framesOf(e.stack) : e.stack) ?? '',
  };
  if (queryError) logged.query = e.query as string;
  for (const field of DB_FIELDS) if (typeof e[field] === 'string') logged[field] = e[field];
  if (typeof e.statusCode === 'number') logged.statusCode = e.statusCode;
  if (!fromDatabase && typeof e.code === 'string') logged.code = e.code;
  if (e.cause !== undefined && depth < MAX_CAUSES) logged.cause = serialize(e.cause, depth + 1);
  return logged;
}

/** pino's `err` serializer for the whole service (fastify's logger and its children). */
export function serializeError(err: unknown): LoggedError {
  return serialize(err, 0);
}
