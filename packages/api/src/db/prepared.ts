// Statements on the hot paths, prepared by name: PostgreSQL parses and plans each once per connection
// instead of once per request, and drizzle builds each one's SQL text once per process instead of once
// per call (building is most of the server's own CPU on a write).
//
// `prepared` keeps a statement built once, its values as placeholders (`sql.placeholder`), for a
// database and all its transactions: run on a transaction handle, it runs on that transaction's
// connection. A statement whose shape varies (which columns an update sets, say) is kept once per
// shape, named from it; a list of ids is one array parameter (`anyId`), so its length is not a shape.
//
// On PGlite, drizzle's prepared queries are not named: PGlite parses, describes and plans every
// statement it runs, in several round trips into its engine. There, a statement kept here runs as a
// named statement of PGlite's one session (see `namedOnPglite`): parsed and described once, then bound and
// executed in one message, and PostgreSQL's plan cache keeps its plan as on a server.
import { createHash } from 'node:crypto';
import { parse as pgliteParse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';
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
// The PGlite engine behind a database's dialect (see usePgliteNamedStatements).
const pgliteOf = new WeakMap<object, PGlite>();

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
  const pglite = pgliteOf.get(dialect);
  if (pglite) {
    // A transaction's handle has PGlite's transaction object as its client; the database's, PGlite itself.
    const bound = Object.create(statement) as OnClient;
    bound.client = namedOnPglite(pglite, name, session.client !== pglite);
    return bound as unknown as T;
  }
  if (statement.client === session.client) return statement as unknown as T;
  // The same statement on this handle's connection (a transaction's client): everything else is shared.
  const bound = Object.create(statement) as OnClient;
  bound.client = session.client;
  return bound as unknown as T;
}

/**
 * Whether `db` (a database or a transaction handle) is embedded PGlite: one session, so every
 * statement and transaction runs after the one before it, never beside it.
 */
export function isSingleSession(db: Db): boolean {
  return pgliteOf.has((db as unknown as Handle).dialect);
}

/** Statements kept by `prepared` on this (PGlite) database run as named statements of its engine. */
export function usePgliteNamedStatements(db: Db, pglite: PGlite): void {
  pgliteOf.set((db as unknown as Handle).dialect, pglite);
}

// ---------------------------------------------------------------------------------------------
// Named statements on PGlite

interface Described {
  text: string;
  /** Parameter types, for the values' text form. */
  paramTypes: number[];
  /** What the statement answers (none for a write without RETURNING). */
  rowDescription?: unknown;
}

const describedOn = new WeakMap<PGlite, Map<string, Described>>();
const { serialize } = protocol;

/**
 * The `client` drizzle's prepared query runs on (it only calls `query`), running the statement as the
 * named statement `name`. Outside a transaction it waits for any transaction in progress, as PGlite's
 * own `query` does; inside one it runs in it (that transaction already holds PGlite's transaction lock).
 */
function namedOnPglite(pglite: PGlite, name: string, inTransaction: boolean) {
  return {
    query: <R>(text: string, params: unknown[], options?: QueryOptions): Promise<Results<R>> => {
      const run = () => pglite.runExclusive(() => runNamed<R>(pglite, name, text, params, options, inTransaction));
      return inTransaction ? run() : pglite._runExclusiveTransaction(run);
    },
  };
}

/** Runs under PGlite's query lock: parses and describes the statement once, then binds and executes it. */
async function runNamed<R>(pglite: PGlite, name: string, text: string, params: unknown[], options: QueryOptions | undefined, inTransaction: boolean) {
  let statements = describedOn.get(pglite);
  if (!statements) describedOn.set(pglite, (statements = new Map()));
  let described = statements.get(name);
  if (!described) {
    const messages = await pglite.execProtocolStream(
      Buffer.concat([serialize.parse({ name, text, types: [] }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    );
    const params = messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs: number[] } | undefined;
    described = { text, paramTypes: params?.dataTypeIDs ?? [], rowDescription: messages.find((m) => m.name === 'rowDescription') };
    statements.set(name, described);
  } else if (described.text !== text) {
    throw new Error(`prepared statement ${name} was built with another text`);
  }
  const values = params.map((value, i) => {
    if (value === null || value === undefined) return null;
    const type = described.paramTypes[i]!;
    const toText = options?.serializers?.[type] ?? pglite.serializers[type];
    return toText ? toText(value) : String(value);
  });
  const messages = await pglite.execProtocolStream(
    Buffer.concat([serialize.bind({ statement: name, values }), serialize.execute({}), serialize.sync()]),
    { syncToFs: false },
  );
  if (!inTransaction) await pglite.syncToFs();
  const all = described.rowDescription ? [described.rowDescription, ...messages] : messages;
  // PGlite would merge the query's parsers into its own (a few hundred types) on every call: once here.
  return pgliteParse.parseResults(all as typeof messages, parsersFor(pglite, options), { rowMode: options?.rowMode })[0] as Results<R>;
}

type Parsers = PGlite['parsers'];
const mergedParsers = new WeakMap<PGlite, WeakMap<object, Parsers>>();

/** PGlite's parsers with a query's own on top; drizzle passes the same object on every call of a statement. */
function parsersFor(pglite: PGlite, options: QueryOptions | undefined): Parsers {
  const own = options?.parsers;
  if (!own) return pglite.parsers;
  let byOwn = mergedParsers.get(pglite);
  if (!byOwn) mergedParsers.set(pglite, (byOwn = new WeakMap()));
  let merged = byOwn.get(own);
  if (!merged) byOwn.set(own, (merged = { ...pglite.parsers, ...own }));
  return merged;
}

/** `column = ANY($name::uuid[])`: a list of ids as one parameter, so one prepared statement serves any length. */
export function anyId(column: Column, name: string): SQL {
  return sql`${column} = ANY(${sql.placeholder(name)}::uuid[])`;
}

/**
 * A page's LIMIT written into a kept statement's text, where drizzle would pass it as a parameter: the
 * first of a few steps at or above `rows` (the caller keeps the rows it asked for), so that the statement
 * is kept once per step, not once per limit. As a parameter, PostgreSQL's generic plan of a statement that
 * does work per row (a page of cohorts: each one's sessions, counts and facilitators) assumes a tenth of
 * the table, costs more than a plan made for the value, and so the statement is planned afresh on every
 * execution (see `constant`).
 */
export function limitStep(rows: number): { rows: number; sql: SQL } {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new Error(`limitStep: ${rows} is not a row count`);
  const step = LIMIT_STEPS.find((s) => s >= rows) ?? rows;
  // For drizzle's limit(), which takes a number or a placeholder: an SQL chunk is written as it is.
  return { rows: step, sql: sql.raw(String(step)) };
}

// A page of 10, 25, 50 or 100 (the API's default is 25, its maximum 100), each with the one row more that
// says whether there is a next page.
const LIMIT_STEPS = [11, 26, 51, 101];

/**
 * A constant of the code (never a request's value) written into a kept statement's text, where drizzle
 * would pass it as a parameter. A kept (generic) plan knows nothing of a parameter's value: it cannot use
 * a partial index whose predicate names the constant (`enrolments_live_cohort_idx`, the offers' expiry
 * index), and if it costs more than a plan made for the values, PostgreSQL plans the statement afresh on
 * every execution instead of keeping it.
 */
export function constant(value: string | boolean): SQL {
  return sql.raw(typeof value === 'boolean' ? String(value) : `'${value.replaceAll("'", "''")}'`);
}

/** `column IN ('a', 'b')` with constants of the code written in (see `constant`). */
export function inConstants(column: Column, values: readonly string[]): SQL {
  return sql`${column} in (${sql.join(values.map(constant), sql`, `)})`;
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
