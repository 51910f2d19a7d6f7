// PGlite runs PostgreSQL as one process without its background workers: there is no autovacuum. On a
// server, autovacuum keeps each table's statistics current (ANALYZE) and clears dead row versions
// (VACUUM). Without it, the planner keeps judging a table by its size when it was last analysed: a
// statement prepared by name (see prepared.ts) keeps a plan made while a table was empty, a sequential
// scan, however many rows the table has grown to since (each request then reads the whole table). And
// rows updated or deleted leave dead versions behind for good.
//
// `maintainPglite` does autovacuum's work on the tables that need it, by autovacuum's own thresholds
// (PostgreSQL's defaults): ANALYZE a table once more than 50 + 10% of its rows changed since it was last
// analysed, VACUUM (ANALYZE) it once more than 50 + 20% are dead. ANALYZE makes PostgreSQL plan the
// table's prepared statements again. Unlike autovacuum, this runs on the one session that also serves
// requests, and a VACUUM of a large table holds it for a second or more: so at most one table is
// vacuumed per round (the one with the most dead rows), and a table that only grew is analysed, not
// vacuumed (autovacuum's insert threshold keeps the visibility map current for index-only scans, which
// Harbour's queries do not rely on; dead rows, which they would wade through, are what VACUUM is for
// here). The server runs it every PGLITE_MAINTENANCE_SECONDS; a round with nothing to do costs one read
// of the statistics.
import type { PGlite } from '@electric-sql/pglite';

export interface MaintenanceRound {
  analyzed: string[];
  vacuumed: string[];
}

const NEEDS = `
  SELECT format('%I.%I', s.schemaname, s.relname) AS "table",
         s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0) AS "vacuum",
         s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) AS "analyze"
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
   ORDER BY s.n_dead_tup DESC, s.relname`;

export async function maintainPglite(pglite: PGlite): Promise<MaintenanceRound> {
  // The statistics of the statements just run are sent when the session is next idle (at most once a
  // second otherwise): send them now, so this round sees them.
  await pglite.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await pglite.query<{ table: string; vacuum: boolean; analyze: boolean }>(NEEDS);
  const round: MaintenanceRound = { analyzed: [], vacuumed: [] };
  for (const { table, vacuum, analyze } of rows) {
    // Each its own statement (VACUUM cannot run in a transaction); a request waits for it as for any other.
    if (vacuum && round.vacuumed.length === 0) {
      await pglite.exec(`VACUUM (ANALYZE) ${table}`);
      round.vacuumed.push(table);
    } else if (analyze) {
      await pglite.exec(`ANALYZE ${table}`);
      round.analyzed.push(table);
    }
  }
  return round;
}
