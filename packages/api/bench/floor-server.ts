// The floor of the benchmark: a bare Fastify server that answers the benchmarked endpoints with the
// same data queries Harbour runs, in raw SQL, and nothing else: no validation, no authentication, no
// audit trail, no e-mail, no idempotency checks beyond the claim itself. Harbour's throughput is
// reported as a fraction of this one's, measured in the same run on the same data.
//
//   FLOOR_DATABASE_URL=postgres://…  or  FLOOR_PGLITE_DIR=/path/to/dir (the folder holding pgdata)
//   FLOOR_PARTNER_ID, FLOOR_ACTOR_ID (who the writes are recorded as), FLOOR_POOL_SIZE (default 10), PORT
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';
import pg from 'pg';

type Row = Record<string, unknown>;
type Query = (text: string, params?: unknown[]) => Promise<Row[]>;

interface Sql {
  query: Query;
  tx<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function postgres(url: string, max: number): Sql {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return {
    query: async (text, params) => (await pool.query(text, params)).rows as Row[],
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(async (text, params) => (await client.query(text, params)).rows as Row[]);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

function pglite(dir: string): Sql {
  const db = new PGlite(join(dir, 'pgdata'));
  return {
    query: async (text, params) => (await db.query<Row>(text, params)).rows,
    tx: (fn) => db.transaction((t) => fn(async (text, params) => (await t.query<Row>(text, params)).rows)),
    close: () => db.close(),
  };
}

const url = process.env.FLOOR_DATABASE_URL;
const dir = process.env.FLOOR_PGLITE_DIR;
if (!url && !dir) throw new Error('Set FLOOR_DATABASE_URL or FLOOR_PGLITE_DIR');
const db = url ? postgres(url, Number(process.env.FLOOR_POOL_SIZE ?? 10)) : pglite(dir!);
const partnerId = process.env.FLOOR_PARTNER_ID ?? null;
const actorId = process.env.FLOOR_ACTOR_ID ?? null;

const LIVE = `('waitlisted','offered','confirmed')`;
const app = Fastify({ logger: false });

app.get('/health', async () => ({ status: 'ok' }));

app.get('/v1/cohorts', async (request) => {
  const limit = Number((request.query as { limit?: string }).limit ?? 25);
  // The page with each cohort's sessions, live enrolment counts and facilitators, as Harbour reads it (one statement).
  const rows = await db.query(
    `SELECT c.*, (c.status = 'open' AND c.first_session_at IS NOT NULL
              AND c.first_session_at <= $1::timestamptz + make_interval(days => co.at_risk_days)
              AND (SELECT count(*) FROM enrolments e WHERE e.cohort_id = c.id AND e.status = 'confirmed') < c.min_participants) AS at_risk,
            coalesce((SELECT json_agg(json_build_object('id', s.id, 'position', s.position, 'startsAt', s.starts_at, 'endsAt', s.ends_at) ORDER BY s.position)
                      FROM cohort_sessions s WHERE s.cohort_id = c.id), '[]'::json) AS sessions,
            (SELECT array[count(*) FILTER (WHERE e.status = 'confirmed'), count(*) FILTER (WHERE e.status = 'offered'),
                          count(*) FILTER (WHERE e.status = 'waitlisted')]::int[]
             FROM enrolments e WHERE e.cohort_id = c.id AND e.status IN ${LIVE}) AS counts,
            coalesce((SELECT json_agg(json_build_object('id', u.id, 'name', u.name) ORDER BY u.name, u.id)
                      FROM cohort_facilitators f CROSS JOIN LATERAL (SELECT users.id, users.name FROM users WHERE users.id = f.user_id OFFSET 0) u
                      WHERE f.cohort_id = c.id), '[]'::json) AS facilitators
     FROM cohorts c JOIN courses co ON co.id = c.course_id ORDER BY c.first_session_at, c.id LIMIT $2`,
    [new Date().toISOString(), limit + 1],
  );
  const page = rows.slice(0, limit);
  const items = page.map(({ counts, ...c }) => {
    const [confirmedCount, offeredCount, waitlistCount] = (counts as number[] | null) ?? [0, 0, 0];
    return { ...c, confirmedCount, offeredCount, waitlistCount };
  });
  const last = page.at(-1);
  return { items, nextCursor: rows.length > limit && last ? `${String(last.first_session_at)}|${String(last.id)}` : null };
});

app.get('/v1/cohorts/:id/enrolments', async (request, reply) => {
  const { id } = request.params as { id: string };
  const limit = 25;
  const [cohort] = await db.query('SELECT id FROM cohorts WHERE id = $1', [id]);
  if (!cohort) return reply.code(404).send({ status: 404 });
  // The page with each person, their waitlist place and their attendance per session, as Harbour reads it (one statement).
  const rows = await db.query(
    `WITH waitlist AS (SELECT id, row_number() OVER (ORDER BY queued_at, id)::int AS position FROM enrolments WHERE cohort_id = $1 AND status = 'waitlisted')
     SELECT e.*, e.queued_at::text AS queued_at_key, p.id AS participant_id, p.first_name, p.last_name, p.email, p.phone, w.position AS waitlist_position,
            coalesce((SELECT json_agg(json_build_object('sessionId', s.id, 'position', s.position, 'status', a.status) ORDER BY s.position)
                      FROM cohort_sessions s LEFT JOIN attendance a ON a.session_id = s.id AND a.enrolment_id = e.id
                      WHERE s.cohort_id = e.cohort_id), '[]'::json) AS attendance
     FROM enrolments e JOIN participants p ON p.id = e.participant_id LEFT JOIN waitlist w ON w.id = e.id
     WHERE e.cohort_id = $1 ORDER BY e.queued_at, e.id LIMIT $2`,
    [id, limit + 1],
  );
  return { items: rows.slice(0, limit), nextCursor: rows.length > limit ? 'more' : null };
});

app.get('/v1/participants/:id', async (request, reply) => {
  const { id } = request.params as { id: string };
  const [person] = await db.query('SELECT * FROM participants WHERE id = $1', [id]);
  if (!person) return reply.code(404).send({ status: 404 });
  const [latest] = await db.query(
    `SELECT d.id, d.outcome, d.reasons, d.declaration_version_id, v.version, d.created_at
     FROM declarations d JOIN declaration_versions v ON v.id = d.declaration_version_id
     WHERE d.participant_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT 1`,
    [id],
  );
  return { ...person, latestDeclaration: latest ?? null };
});

app.post('/v1/cohorts/:id/enrolments', async (request, reply) => {
  const { id } = request.params as { id: string };
  const { participantId } = request.body as { participantId: string };
  const row = await db.tx(async (q) => {
    const [cohort] = await q('SELECT * FROM cohorts WHERE id = $1 FOR UPDATE', [id]);
    if (!cohort) return undefined;
    await q(
      `SELECT d.outcome, v.course_id FROM declarations d JOIN declaration_versions v ON v.id = d.declaration_version_id
       WHERE d.participant_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT 1`,
      [participantId],
    );
    await q(`SELECT id FROM enrolments WHERE participant_id = $1 AND course_id = $2 AND status IN ${LIVE} LIMIT 1`, [participantId, cohort.course_id]);
    let status = 'waitlisted';
    if (Number(cohort.seats_taken) < Number(cohort.max_participants)) {
      const waiting = await q(`SELECT id FROM enrolments WHERE cohort_id = $1 AND status = 'waitlisted' LIMIT 1`, [id]);
      if (waiting.length === 0) status = 'confirmed';
    }
    const [enrolment] = await q(
      `INSERT INTO enrolments (cohort_id, course_id, participant_id, status, queued_at, confirmed_at, created_by)
       VALUES ($1, $2, $3, $4, clock_timestamp(), CASE WHEN $4 = 'confirmed' THEN now() END, $5) RETURNING *`,
      [id, cohort.course_id, participantId, status, actorId],
    );
    if (status === 'confirmed') await q('UPDATE cohorts SET seats_taken = seats_taken + 1 WHERE id = $1', [id]);
    await q(`INSERT INTO enrolment_events (enrolment_id, to_status, actor_kind, actor_id, at) VALUES ($1, $2, 'staff', $3, clock_timestamp())`, [
      enrolment!.id,
      status,
      actorId,
    ]);
    return enrolment;
  });
  if (!row) return reply.code(404).send({ status: 404 });
  return reply.code(201).send(row);
});

app.post('/v1/enrolments/:id/withdraw', async (request, reply) => {
  const { id } = request.params as { id: string };
  const row = await db.tx(async (q) => {
    const [peek] = await q('SELECT * FROM enrolments WHERE id = $1', [id]);
    if (!peek) return undefined;
    const [cohort] = await q('SELECT * FROM cohorts WHERE id = $1 FOR UPDATE', [peek.cohort_id]);
    const [ended] = await q(
      `UPDATE enrolments SET status = 'withdrawn', ended_at = now(), updated_at = now() WHERE id = $1 AND status = $2 RETURNING *`,
      [id, peek.status],
    );
    if (!ended) return undefined;
    let seats = Number(cohort!.seats_taken);
    if (peek.status === 'confirmed' || peek.status === 'offered') {
      seats -= 1;
      await q('UPDATE cohorts SET seats_taken = seats_taken - 1 WHERE id = $1', [peek.cohort_id]);
    }
    await q(
      `INSERT INTO enrolment_events (enrolment_id, from_status, to_status, actor_kind, actor_id, at) VALUES ($1, $2, 'withdrawn', 'staff', $3, clock_timestamp())`,
      [id, peek.status, actorId],
    );
    const free = Number(cohort!.max_participants) - seats;
    if (free > 0) {
      await q(`SELECT * FROM enrolments WHERE cohort_id = $1 AND status = 'waitlisted' ORDER BY queued_at, id LIMIT $2`, [peek.cohort_id, free]);
    }
    return ended;
  });
  if (!row) return reply.code(404).send({ status: 404 });
  return row;
});

app.post('/v1/referrals', async (request, reply) => {
  const body = request.body as {
    person: { firstName: string; lastName: string; email?: string; phone?: string };
    relationship: string;
    referrer: { name: string; email: string; phone?: string };
    note?: string;
  };
  const key = String(request.headers['idempotency-key'] ?? randomUUID());
  const scope = `partner:${partnerId}`;
  const claimed = await db.query(
    `INSERT INTO idempotency_keys (scope, key, request_hash, status, expires_at) VALUES ($1, $2, $3, 'in_flight', now() + interval '24 hours')
     ON CONFLICT DO NOTHING RETURNING key`,
    [scope, key, 'floor'],
  );
  if (claimed.length === 0) {
    const [done] = await db.query('SELECT response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2', [scope, key]);
    return reply.code(Number(done?.response_status ?? 409)).send(done?.response_body ? (JSON.parse(String(done.response_body)) as unknown) : {});
  }
  const referral = await db.tx(async (q) => {
    const [row] = await q(
      `INSERT INTO referrals (partner_id, status, person_first_name, person_last_name, person_email, person_phone, relationship,
                              consent_to_share, referrer_name, referrer_email, referrer_phone, note)
       VALUES ($1, 'received', $2, $3, $4, $5, $6, true, $7, $8, $9, $10) RETURNING id, status, created_at`,
      [
        partnerId,
        body.person.firstName,
        body.person.lastName,
        body.person.email ?? null,
        body.person.phone ?? null,
        body.relationship,
        body.referrer.name,
        body.referrer.email,
        body.referrer.phone ?? null,
        body.note ?? null,
      ],
    );
    await q(`INSERT INTO referral_events (referral_id, to_status, actor_kind) VALUES ($1, 'received', 'partner')`, [row!.id]);
    return row!;
  });
  await db.query(`UPDATE idempotency_keys SET status = 'done', response_status = 201, response_body = $3 WHERE scope = $1 AND key = $2`, [
    scope,
    key,
    JSON.stringify(referral),
  ]);
  return reply.code(201).send(referral);
});

const shutdown = async () => {
  await app.close();
  await db.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`Floor listening at ${address}`);
