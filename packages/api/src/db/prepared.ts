// Statements on the hot paths, prepared by name: PostgreSQL parses and plans each once per connection
// instead of once per request. `prepared` keeps a statement built once per database handle (a
// transaction handle gets its own, so a statement never escapes its transaction), its values as
// placeholders (`sql.placeholder`); `runPrepared` is for statements built afresh with their values
// inside a transaction.
import { createHash } from 'node:crypto';
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

interface Preparable<T> {
  toSQL(): { sql: string };
  prepare(name: string): { execute(): Promise<T> };
}

/**
 * Runs a statement built with its values (inside a transaction, where a statement cannot be kept) as
 * one prepared by name, the name derived from its SQL text: PostgreSQL parses and plans it once per
 * connection. Only for statements of a fixed shape (a list whose length varies makes a new text each
 * time, and every text is kept by the connection).
 */
export function runPrepared<T>(query: Preparable<T>): Promise<T> {
  const name = `h${createHash('sha1').update(query.toSQL().sql).digest('hex').slice(0, 30)}`;
  return query.prepare(name).execute();
}
