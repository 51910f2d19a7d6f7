// Benchmark data, written straight into the database with set-based SQL (it is test data, not API
// traffic): at scale 1, 5 courses, 1,000 cohorts with their sessions and facilitators, 20,000
// participants with declarations, 100,000 enrolments with their history and attendance, referrals and
// an audit trail. Every row is in a state the service could have produced: seats_taken matches the
// confirmed enrolments, at most one live enrolment per person and course, the waitlist only on full
// cohorts, cohorts completed/in progress/open by their dates (all within the retention period).
import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/client';

export const COURSES = 5;
export const ENROLMENTS_PER_COHORT = 100;

export interface BenchCounts {
  courses: number;
  cohorts: number;
  participants: number;
  declarations: number;
  enrolments: number;
  enrolmentEvents: number;
  attendance: number;
  referrals: number;
  auditEvents: number;
}

export interface SeedInput {
  /** 1 = 1,000 cohorts / 20,000 participants / 100,000 enrolments. Cohorts must come out a multiple of 5. */
  scale: number;
  /** The admin created by seedBase: actor of the seeded history. */
  adminId: string;
  /** The default course created by seedBase, and its declaration version. */
  courseId: string;
  declarationVersionId: string;
  /** Encrypted declaration answers (the server's key), one per outcome. */
  answers: { eligible: string; needsReview: string; ineligible: string };
  /** The benchmark partner's API key, stored as the service stores keys (prefix + sha256). */
  partnerKey: { prefix: string; hash: string };
}

export interface SeedResult {
  counts: BenchCounts;
  partnerId: string;
}

export function sizesOf(scale: number) {
  const cohorts = Math.round((1000 * scale) / COURSES) * COURSES;
  const perCourse = cohorts / COURSES;
  // Each participant is enrolled once on every course (a bijection per course), so P = cohorts per course × 100.
  const participants = perCourse * ENROLMENTS_PER_COHORT;
  return { cohorts, perCourse, participants, enrolments: cohorts * ENROLMENTS_PER_COHORT };
}

/** A deterministic, well-formed (version 4 layout) UUID from a label and an SQL integer expression. */
const uid = (label: string, expr: string) =>
  `overlay(overlay(md5('${label}:' || (${expr})::text) placing '4' from 13) placing '8' from 17)::uuid`;

/** The rows of a raw query (node-postgres and PGlite both answer `{ rows }`). */
export async function rowsOf<T>(db: Db, text: string): Promise<T[]> {
  return ((await db.execute(sql.raw(text))) as unknown as { rows: T[] }).rows;
}

const lit = (value: string) => `'${value.replace(/'/g, "''")}'`;

const FIRST_NAMES = ['Alex', 'Sam', 'Jo', 'Chris', 'Pat', 'Robin', 'Morgan', 'Jamie', 'Charlie', 'Taylor', 'Jordan', 'Casey',
  'Ali', 'Priya', 'Fatima', 'Siobhan', 'Gareth', 'Aoife', 'Kwame', 'Mei', 'Olu', 'Hannah', 'Tomasz', 'Leila'];
const LAST_NAMES = ['Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Roberts', 'Johnson',
  'Lewis', 'Walker', 'Robinson', 'Wood', 'Thompson', 'White', 'Watson', 'Jackson', 'Wright', 'Green', 'Harris', 'Cooper', 'King',
  'Lee', 'Martin', 'Clarke', 'James', 'Morgan', 'Hughes'];
const arr = (values: readonly string[]) => `ARRAY[${values.map(lit).join(',')}]::text[]`;

export async function seedBench(db: Db, input: SeedInput, log: (msg: string) => void = () => {}): Promise<SeedResult> {
  // One transaction, with foreign-key triggers off (session_replication_role): the rows are generated
  // consistent, and checking a million references one by one would make the embedded database crawl.
  const partnerId = await db.transaction(async (tx) => {
    await tx.execute(sql.raw('SET LOCAL session_replication_role = replica'));
    return writeBenchRows(tx as unknown as Db, input, log);
  });
  // A database in service has been vacuumed by autovacuum (visibility map set, so index-only scans
  // work); freshly bulk-loaded rows have not. Measure the steady state, not the hour after a restore.
  const started = Date.now();
  await db.execute(sql.raw('VACUUM ANALYZE'));
  log(`  vacuum analyze (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const count = async (table: string) =>
    Number((await rowsOf<{ n: string }>(db, `SELECT count(*)::text AS n FROM ${table}`))[0]!.n);
  return {
    partnerId,
    counts: {
      courses: await count('courses'),
      cohorts: await count('cohorts'),
      participants: await count('participants'),
      declarations: await count('declarations'),
      enrolments: await count('enrolments'),
      enrolmentEvents: await count('enrolment_events'),
      attendance: await count('attendance'),
      referrals: await count('referrals'),
      auditEvents: await count('audit_events'),
    },
  };
}

async function writeBenchRows(db: Db, input: SeedInput, log: (msg: string) => void): Promise<string> {
  const { cohorts: C, perCourse: CP, participants: P } = sizesOf(input.scale);
  if (CP < 10) throw new Error(`scale ${input.scale} is too small (need at least 50 cohorts)`);
  const admin = lit(input.adminId);
  const run = async (what: string, text: string) => {
    const started = Date.now();
    await db.execute(sql.raw(text));
    log(`  ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  };
  // Course k: the default course for k = 0, generated ids for the others.
  const courseOf = (k: string) => `(CASE WHEN ${k} = 0 THEN ${lit(input.courseId)}::uuid ELSE ${uid('course', k)} END)`;
  const versionOf = (k: string) => `(CASE WHEN ${k} = 0 THEN ${lit(input.declarationVersionId)}::uuid ELSE ${uid('dv', k)} END)`;
  const participantOf = (p: string) => uid('participant', p);

  await run(
    'courses',
    `INSERT INTO courses (id, name, description, session_count, session_minutes, min_participants, max_participants, fee_pence, offer_hours, at_risk_days)
     SELECT ${uid('course', 'k')}, 'Benchmark course ' || k, 'Generated for the benchmark.', c.session_count, c.session_minutes,
            c.min_participants, c.max_participants, c.fee_pence, c.offer_hours, c.at_risk_days
     FROM generate_series(1, ${COURSES - 1}) k, courses c WHERE c.id = ${lit(input.courseId)}`,
  );
  await run(
    'declaration versions',
    `INSERT INTO declaration_versions (id, course_id, version, text, questions, sha256)
     SELECT ${uid('dv', 'k')}, ${uid('course', 'k')}, 1, v.text, v.questions, v.sha256
     FROM generate_series(1, ${COURSES - 1}) k, declaration_versions v WHERE v.id = ${lit(input.declarationVersionId)}`,
  );
  const facilitators = Math.max(10, Math.round(C / 25));
  await run(
    'facilitators',
    `INSERT INTO users (id, email, name, roles)
     SELECT ${uid('user', 'f')}, 'facilitator.' || f || '@bench.example', 'Facilitator ' || f, ARRAY['facilitator']
     FROM generate_series(0, ${facilitators - 1}) f`,
  );

  // Cohort c belongs to course c % 5 and is the j-th (c / 5) of it; first sessions spread from 540 days ago
  // to 180 days ahead. Future cohorts hold (j*7 + k*3) % 13 confirmed seats (12 = full, with a waitlist).
  await run(
    'cohorts',
    `INSERT INTO cohorts (id, course_id, title, status, min_participants, max_participants, seats_taken, delivery_mode, venue,
                          joining_link, first_session_at, last_session_ends_at, published_at, cancelled_at, cancel_reason,
                          completed_at, version, created_at, updated_at)
     SELECT id, course_id, title, status, 8, 12,
            CASE status WHEN 'in_progress' THEN 10 WHEN 'open' THEN booked WHEN 'confirmed' THEN booked ELSE 0 END,
            CASE WHEN c % 3 = 0 THEN 'in_person' ELSE 'online' END,
            CASE WHEN c % 3 = 0 THEN 'Community room ' || (c % 40) END,
            CASE WHEN c % 3 <> 0 THEN 'https://meet.example.org/cohort-' || c END,
            first_at, first_at + interval '14 days 3 hours', first_at - interval '60 days',
            CASE WHEN status = 'cancelled' THEN first_at - interval '10 days' END,
            CASE WHEN status = 'cancelled' THEN 'Too few people' END,
            CASE WHEN status = 'completed' THEN first_at + interval '14 days 3 hours' END,
            3, first_at - interval '90 days', first_at - interval '10 days'
     FROM (
       SELECT c, id, course_id, title, first_at, booked,
              CASE WHEN j % 23 = 5 THEN 'cancelled'
                   WHEN first_at + interval '14 days 3 hours' < now() THEN 'completed'
                   WHEN first_at < now() THEN 'in_progress'
                   WHEN booked >= 8 THEN 'confirmed'
                   ELSE 'open' END AS status
       FROM (
         SELECT c, ${uid('cohort', 'c')} AS id, ${courseOf('c % 5')} AS course_id,
                'Cohort ' || (c / 5 + 1) || ' of course ' || (c % 5 + 1) AS title,
                date_trunc('day', now()) - interval '540 days' + interval '18 hours'
                  + ((c / 5) * 720 / ${CP}) * interval '1 day' + (c % 5) * interval '1 day' AS first_at,
                ((c / 5) * 7 + (c % 5) * 3) % 13 AS booked, c / 5 AS j
         FROM generate_series(0, ${C - 1}) c
       ) a
     ) b`,
  );
  await run(
    'sessions',
    `INSERT INTO cohort_sessions (cohort_id, position, starts_at, ends_at)
     SELECT id, pos, first_session_at + (pos - 1) * interval '7 days', first_session_at + (pos - 1) * interval '7 days' + interval '3 hours'
     FROM cohorts, generate_series(1, 3) pos WHERE course_id IN (SELECT id FROM courses)`,
  );
  await run(
    'cohort facilitators',
    `INSERT INTO cohort_facilitators (cohort_id, user_id)
     SELECT ${uid('cohort', 'c')}, ${uid('user', `c % ${facilitators}`)} FROM generate_series(0, ${C - 1}) c
     UNION
     SELECT ${uid('cohort', 'c')}, ${uid('user', `(c + 7) % ${facilitators}`)} FROM generate_series(0, ${C - 1}) c WHERE c % 2 = 0`,
  );

  await run(
    'participants',
    `INSERT INTO participants (id, first_name, last_name, email, phone, relationship, preferred_contact, created_by, created_at, updated_at)
     SELECT ${participantOf('p')}, (${arr(FIRST_NAMES)})[1 + p % ${FIRST_NAMES.length}],
            (${arr(LAST_NAMES)})[1 + (p / ${FIRST_NAMES.length}) % ${LAST_NAMES.length}],
            'participant.' || p || '@bench.example',
            CASE WHEN p % 3 = 0 THEN NULL ELSE '07700 ' || lpad((p % 1000000)::text, 6, '0') END,
            (ARRAY['partner','spouse','parent','child','sibling','other_family','other'])[1 + p % 7],
            CASE WHEN p % 4 = 0 THEN 'phone' ELSE 'email' END, ${admin},
            now() - interval '700 days' + (p % 30) * interval '1 day', now() - interval '700 days' + (p % 30) * interval '1 day'
     FROM generate_series(0, ${P - 1}) p`,
  );
  // Latest declaration (for course p % 5): 88% eligible, 8% needs review, 4% ineligible; every fifth
  // person also has an older one that a later declaration superseded.
  const outcome = `CASE WHEN p % 25 = 0 THEN 'ineligible' WHEN p % 25 IN (1, 2) THEN 'needs_review' ELSE 'eligible' END`;
  await run(
    'declarations',
    `INSERT INTO declarations (id, participant_id, declaration_version_id, channel, answers, outcome, reasons, entered_by, created_at)
     SELECT ${uid('decl', 'p')}, ${participantOf('p')}, ${versionOf('p % 5')},
            (ARRAY['self','staff','referral'])[1 + p % 3],
            CASE o WHEN 'ineligible' THEN ${lit(input.answers.ineligible)} WHEN 'needs_review' THEN ${lit(input.answers.needsReview)}
                   ELSE ${lit(input.answers.eligible)} END,
            o, CASE o WHEN 'ineligible' THEN '["CONTACT_OFFENCE"]'::jsonb WHEN 'needs_review' THEN '["UNSURE_ACCUSED_OF_GROOMING"]'::jsonb
                      ELSE '[]'::jsonb END,
            CASE WHEN p % 3 = 1 THEN ${admin}::uuid END,
            now() - interval '650 days' + (p % 20) * interval '1 day'
     FROM (SELECT p, ${outcome} AS o FROM generate_series(0, ${P - 1}) p) d
     UNION ALL
     SELECT ${uid('decl-old', 'p')}, ${participantOf('p')}, ${versionOf('p % 5')}, 'self', ${lit(input.answers.needsReview)},
            'needs_review', '["UNSURE_OFFENCE_INVOLVES_IMAGES"]'::jsonb, NULL, now() - interval '660 days' + (p % 20) * interval '1 day'
     FROM generate_series(0, ${P - 1}) p WHERE p % 5 = 0`,
  );

  // Enrolment (c, s): slot s of cohort c; the person is a bijection of (j, s) per course.
  const ended = `(ARRAY['withdrawn','declined','expired','removed'])[1 + s % 4]`;
  await run(
    'enrolments',
    `INSERT INTO enrolments (id, cohort_id, course_id, participant_id, status, queued_at, offered_at, offer_expires_at, confirmed_at,
                             ended_at, payment_status, completed_at, created_by, created_at, updated_at)
     SELECT id, cohort_id, course_id, participant_id, st, queued,
            CASE WHEN st IN ('declined','expired') THEN queued + interval '1 day' END,
            CASE WHEN st IN ('declined','expired') THEN queued + interval '3 days' END,
            CASE WHEN st IN ('confirmed','completed') THEN queued END,
            CASE WHEN st IN ('withdrawn','declined','expired','removed') THEN queued + interval '4 days' END,
            CASE WHEN st = 'completed' OR (st = 'confirmed' AND s % 3 <> 0) THEN 'paid' ELSE 'unpaid' END,
            CASE WHEN st = 'completed' THEN last_end END,
            ${admin}, queued, queued
     FROM (
       SELECT ${uid('enrolment', `c * ${ENROLMENTS_PER_COHORT} + s`)} AS id, co.id AS cohort_id, co.course_id, s,
              ${participantOf(`((c / 5) * ${ENROLMENTS_PER_COHORT} + s + (c % 5) * 7919) % ${P}`)} AS participant_id,
              co.first_session_at - interval '60 days' + s * interval '1 hour' AS queued, co.last_session_ends_at AS last_end,
              CASE co.status
                WHEN 'cancelled' THEN 'removed'
                WHEN 'completed' THEN CASE WHEN s < 10 THEN 'completed' ELSE ${ended} END
                WHEN 'in_progress' THEN CASE WHEN s < 10 THEN 'confirmed' ELSE ${ended} END
                ELSE CASE WHEN s < co.seats_taken THEN 'confirmed'
                          WHEN co.seats_taken = co.max_participants AND s < co.max_participants + 3 THEN 'waitlisted'
                          ELSE ${ended} END
              END AS st
       FROM generate_series(0, ${C - 1}) c CROSS JOIN generate_series(0, ${ENROLMENTS_PER_COHORT - 1}) s
       JOIN cohorts co ON co.id = ${uid('cohort', 'c')}
     ) e`,
  );
  await run(
    'enrolment history',
    `INSERT INTO enrolment_events (enrolment_id, from_status, to_status, actor_kind, actor_id, at)
     SELECT id, NULL, CASE WHEN status IN ('waitlisted','offered','declined','expired') THEN 'waitlisted' ELSE 'confirmed' END,
            'staff', created_by, queued_at
     FROM enrolments
     UNION ALL
     SELECT id, CASE WHEN status IN ('declined','expired') THEN 'offered' ELSE 'confirmed' END, status, 'staff', created_by,
            coalesce(ended_at, completed_at)
     FROM enrolments WHERE status NOT IN ('waitlisted','confirmed')`,
  );
  await run(
    'attendance',
    `INSERT INTO attendance (enrolment_id, session_id, status, recorded_by, recorded_at)
     SELECT e.id, s.id, CASE WHEN (s.position + e.queued_at::date - '2000-01-01'::date) % 9 = 0 THEN 'absent' ELSE 'present' END, ${admin}, s.ends_at
     FROM enrolments e JOIN cohort_sessions s ON s.cohort_id = e.cohort_id
     WHERE e.status IN ('completed','confirmed') AND s.ends_at < now()`,
  );

  const partnerId = (await rowsOf<{ id: string }>(db, `SELECT ${uid('partner', '0')} AS id`))[0]!.id;
  await run(
    'partners and keys',
    `INSERT INTO partners (id, name, contact_email) SELECT ${uid('partner', 'i')}, 'Partner organisation ' || i, 'referrals' || i || '@partner.example'
     FROM generate_series(0, 9) i`,
  );
  await run(
    'api keys',
    `INSERT INTO partner_api_keys (partner_id, prefix, key_hash, label, scopes)
     SELECT ${uid('partner', 'i')}, CASE WHEN i = 0 THEN ${lit(input.partnerKey.prefix)} ELSE 'pk_' || substr(md5('prefix' || i), 1, 10) END,
            CASE WHEN i = 0 THEN ${lit(input.partnerKey.hash)} ELSE md5('key' || i) || md5('key2' || i) END, 'benchmark',
            ARRAY['referrals:write','referrals:read']
     FROM generate_series(0, 9) i`,
  );
  const referrals = Math.round(P / 4);
  await run(
    'referrals',
    `INSERT INTO referrals (partner_id, status, person_first_name, person_last_name, person_email, person_phone, relationship,
                            consent_to_share, referrer_name, referrer_email, status_changed_at, created_at, updated_at)
     SELECT ${uid('partner', 'r % 10')}, (ARRAY['received','contacted','declined','withdrawn'])[1 + r % 4],
            (${arr(FIRST_NAMES)})[1 + r % ${FIRST_NAMES.length}], (${arr(LAST_NAMES)})[1 + r % ${LAST_NAMES.length}],
            'referred.' || r || '@bench.example', NULL, (ARRAY['partner','spouse','parent','child','sibling','other_family','other'])[1 + r % 7],
            true, 'Case worker ' || (r % 50), 'worker' || (r % 50) || '@partner.example',
            now() - (r % 500) * interval '1 day', now() - (r % 500) * interval '1 day', now() - (r % 500) * interval '1 day'
     FROM generate_series(0, ${referrals - 1}) r`,
  );
  await run(
    'referral history',
    `INSERT INTO referral_events (referral_id, from_status, to_status, actor_kind, at)
     SELECT id, NULL, 'received', 'partner', created_at FROM referrals`,
  );
  // The trail a year of use leaves: five reads per person.
  await run(
    'audit trail',
    `INSERT INTO audit_events (at, actor_kind, actor_id, actor_roles, action, entity_type, entity_id, outcome, status_code, ip, request_id)
     SELECT now() - (i % 365) * interval '1 day' - (i % 86400) * interval '1 second', 'staff', ${admin}, ARRAY['admin'], 'getParticipant',
            'participant', (${participantOf(`i % ${P}`)})::text, 'success', 200, '127.0.0.1', md5(i::text)
     FROM generate_series(0, ${5 * P - 1}) i`,
  );
  return partnerId;
}

/** Something to read: cohorts (any state) and participants, picked at random. */
export async function readTargets(db: Db, n: { cohorts: number; participants: number }) {
  const cohorts = await rowsOf<{ id: string }>(db, `SELECT id FROM cohorts ORDER BY random() LIMIT ${n.cohorts}`);
  const people = await rowsOf<{ id: string }>(db, `SELECT id FROM participants ORDER BY random() LIMIT ${n.participants}`);
  return { cohortIds: cohorts.map((r) => r.id), participantIds: people.map((r) => r.id) };
}

export interface EnrolPair {
  cohortId: string;
  participantId: string;
}

/**
 * (cohort, person) pairs the enrol + withdraw loop can use: open cohorts with seats and no waitlist that
 * start in more than two days, and people whose latest declaration makes them eligible for that course and
 * who hold no live enrolment on it. Each person appears once; pairs are spread over the cohorts.
 */
export async function enrolPairs(db: Db, max: number): Promise<EnrolPair[]> {
  const cohortRows = await rowsOf<{ id: string; course_id: string; free: number }>(
    db,
    `SELECT co.id, co.course_id, co.max_participants - co.seats_taken AS free FROM cohorts co
             WHERE co.status IN ('open','confirmed') AND co.first_session_at > now() + interval '2 days'
               AND co.seats_taken < co.max_participants
               AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.cohort_id = co.id AND e.status IN ('waitlisted','offered'))
             ORDER BY co.first_session_at, co.id`,
  );
  const people = await rowsOf<{ id: string; course_id: string }>(
    db,
    `SELECT p.id, v.course_id FROM participants p
             JOIN LATERAL (SELECT d.outcome, d.declaration_version_id FROM declarations d WHERE d.participant_id = p.id
                           ORDER BY d.created_at DESC, d.id DESC LIMIT 1) d ON true
             JOIN declaration_versions v ON v.id = d.declaration_version_id
             WHERE d.outcome = 'eligible' AND p.erased_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.participant_id = p.id AND e.course_id = v.course_id
                               AND e.status IN ('waitlisted','offered','confirmed'))
             ORDER BY p.id`,
  );
  const cohortsByCourse = new Map<string, { id: string; free: number }[]>();
  for (const r of cohortRows) {
    const list = cohortsByCourse.get(r.course_id) ?? [];
    list.push({ id: r.id, free: Number(r.free) });
    cohortsByCourse.set(r.course_id, list);
  }
  const cursor = new Map<string, number>();
  const pairs: EnrolPair[] = [];
  for (const person of people) {
    if (pairs.length >= max) break;
    const list = cohortsByCourse.get(person.course_id);
    if (!list?.length) continue;
    const i = cursor.get(person.course_id) ?? 0;
    cursor.set(person.course_id, i + 1);
    pairs.push({ cohortId: list[i % list.length]!.id, participantId: person.id });
  }
  return pairs;
}
