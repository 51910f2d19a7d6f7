// Statements on the hot paths, prepared by name: PostgreSQL parses and plans each once per connection
// instead of once per request, and drizzle builds each one's SQL text once per process instead of once
// per call (building is most of the server's own CPU on a write).
//
// `prepared` keeps a statement built once, its values as placeholders (`sql.placeholder`), for a
// database and all its transactions: run on a transaction handle, it runs on that transaction's
// connection. A statement whose shape varies (which columns an update sets, say) is kept once per
// shape, named from it; a list of ids is one array parameter (`anyId`), so its length is not a shape.
import { createHash } from 'node:crypto';
import { sql, type Column, type SQL } from 'drizzle-orm';
import type { Db } from './client';

/** What drizzle's prepared queries (node-postgres and PGlite alike) run on: the connection, or the transaction. */
interface OnClient {
  client: unknown;
}

/** drizzle's database and transaction handles share their dialect; each has its own session (and client). */
interface Handle {
  dialect: object;
  session: { client: unknown };
}

// Keyed by the dialect: one per database, shared by its transactions (a transaction is a handle on the
// same dialect with its own session).
const built = new WeakMap<object, Map<string, OnClient>>();

export function prepared<T extends object>(db: Db, name: string, build: (db: Db, name: string) => T): T {
  const { dialect, session } = db as unknown as Handle;
  let statements = built.get(dialect);
  if (!statements) built.set(dialect, (statements = new Map()));
  let statement = statements.get(name);
  if (statement === undefined) {
    statement = build(db, name) as unknown as OnClient;
    if (!('client' in statement)) throw new Error(`prepared(${name}): build must answer a prepared query`);
    statements.set(name, statement);
  }
  if (statement.client === session.client) return statement as unknown as T;
  // The same statement on this handle's connection (a transaction's client): everything else is shared.
  const bound = Object.create(statement) as OnClient;
  bound.client = session.client;
  return bound as unknown as T;
}

/** `column = ANY($name::uuid[])`: a list of ids as one parameter, so one prepared statement serves any length. */
export function anyId(column: Column, name: string): SQL {
  return sql`${column} = ANY(${sql.placeholder(name)}::uuid[])`;
}

/** A statement's name for one of its shapes: `prefix` and a short hash of the shape's description. */
export function shapeName(prefix: string, shape: string): string {
  return `${prefix}_${createHash('sha1').update(shape).digest('hex').slice(0, 16)}`;
}

/**
 * Column values whose set of keys varies, as placeholders: each given key (not undefined) becomes the
 * placeholder `${prefix}${key}`, and a null becomes NULL in the statement (a column's encoder is never
 * handed one). Which keys are given, and which of them are null, is the `shape` (see shapeName);
 * `columns` is for the statement's build, `params` for its execution.
 */
export function valuesAsPlaceholders<T extends object>(values: T, prefix: string) {
  const v = values as Record<string, unknown>;
  const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
  return {
    shape: keys.map((k) => (v[k] === null ? `${k}=null` : k)).join(','),
    columns: Object.fromEntries(keys.map((k) => [k, v[k] === null ? sql`null` : sql.placeholder(`${prefix}${k}`)])) as Record<string, unknown>,
    params: Object.fromEntries(keys.filter((k) => v[k] !== null).map((k) => [`${prefix}${k}`, v[k]])),
  };
}
