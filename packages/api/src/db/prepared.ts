// Statements on the hot paths, built once and prepared by name: drizzle does not rebuild their SQL on
// every call, and PostgreSQL parses and plans each once per connection instead of once per request.
// Kept per database handle (a transaction handle gets its own, so a statement never escapes its
// transaction). Parameters are placeholders (`sql.placeholder`), never values baked into the text.
import { sql, type Column, type SQL } from 'drizzle-orm';
import type { Db } from './client';

const built = new WeakMap<object, Map<string, unknown>>();

export function prepared<T>(db: Db, name: string, build: (db: Db, name: string) => T): T {
  let statements = built.get(db);
  if (!statements) built.set(db, (statements = new Map()));
  let statement = statements.get(name) as T | undefined;
  if (statement === undefined) {
    statement = build(db, name);
    statements.set(name, statement);
  }
  return statement;
}

/** `column = ANY($name::uuid[])`: a list of ids as one parameter, so one prepared statement serves any length. */
export function anyId(column: Column, name: string): SQL {
  return sql`${column} = ANY(${sql.placeholder(name)}::uuid[])`;
}
