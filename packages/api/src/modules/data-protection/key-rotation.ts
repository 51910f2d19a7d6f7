// Key rotation: re-encrypts every encrypted column with the keyring's current key, in batches, each
// batch in its own transaction (rows locked while they change). Values from before encryption at rest
// (plaintext) are encrypted on the way. Safe to stop and run again: it resumes where it is needed.
// Declarations are immutable by trigger; this transaction sets `harbour.key_rotation = 'on'`, which
// lets it change `answers` and `review_note` only (migration 0006_declarations_key_rotation).
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { ENCRYPTED_FIELDS, SHREDDED, activeKeyring, reencryptField, type EncryptedField, type Keyring } from '../../lib/encryption';

export interface EncryptedColumn {
  table: string;
  column: string;
  field: EncryptedField;
  /** Session setting the table's trigger wants for this change, if any. */
  setting?: string;
  /** The table's primary key, walked in order (default: the uuid `id`). */
  key?: readonly { column: string; type: 'uuid' | 'text' }[];
}

const ID_KEY = [{ column: 'id', type: 'uuid' }] as const;

/** Every column encrypted at rest. */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'declarations', column: 'answers', field: ENCRYPTED_FIELDS.declarationAnswers, setting: 'harbour.key_rotation' },
  { table: 'declarations', column: 'review_note', field: ENCRYPTED_FIELDS.declarationReviewNote, setting: 'harbour.key_rotation' },
  { table: 'safeguarding_concerns', column: 'summary_enc', field: ENCRYPTED_FIELDS.safeguardingSummary },
  { table: 'safeguarding_concerns', column: 'resolution_enc', field: ENCRYPTED_FIELDS.safeguardingResolution },
  { table: 'users', column: 'mfa_secret', field: ENCRYPTED_FIELDS.mfaSecret },
  { table: 'users', column: 'mfa_pending_secret', field: ENCRYPTED_FIELDS.mfaSecret },
  { table: 'enrolments', column: 'payment_note', field: ENCRYPTED_FIELDS.enrolmentPaymentNote },
  { table: 'enrolment_events', column: 'note', field: ENCRYPTED_FIELDS.enrolmentEventNote },
  { table: 'referrals', column: 'note', field: ENCRYPTED_FIELDS.referralNote },
  { table: 'outbox_messages', column: 'sealed', field: ENCRYPTED_FIELDS.outboxSealed },
  {
    table: 'idempotency_keys',
    column: 'response_body',
    field: ENCRYPTED_FIELDS.idempotencyResponse,
    key: [
      { column: 'scope', type: 'text' },
      { column: 'key', type: 'text' },
    ],
  },
];

export interface RotationReport {
  keyId: string;
  /** Rows re-encrypted, per "table.column". */
  reencrypted: Record<string, number>;
}

/** Rows of `rows` from db.execute on either driver (node-postgres and PGlite both answer `{ rows }`). */
const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/**
 * Re-encrypts every value not under the current key. A value that cannot be decrypted (its key is not
 * in the keyring, or it was altered) stops the run with DecryptionError; nothing of that batch changes.
 */
export async function rotateEncryptionKey(
  db: Db,
  opts: { batchSize?: number; keyring?: Keyring; onBatch?: (column: string, count: number) => void } = {},
): Promise<RotationReport> {
  const keyring = opts.keyring ?? activeKeyring();
  const batchSize = opts.batchSize ?? 500;
  const prefix = `v1.${keyring.current.id}.`;
  const report: RotationReport = { keyId: keyring.current.id, reencrypted: {} };

  for (const spec of ENCRYPTED_COLUMNS) {
    const name = `${spec.table}.${spec.column}`;
    const table = sql.identifier(spec.table);
    const column = sql.identifier(spec.column);
    const keys = spec.key ?? ID_KEY;
    // The row's key as a row value, and a key read back (as text) as one of the same types.
    const keyColumns = sql.join(
      keys.map((k) => sql.identifier(k.column)),
      sql`, `,
    );
    const keyRow = sql`(${keyColumns})`;
    const keyValue = (values: string[]) => sql`(${sql.join(
      keys.map((k, i) => sql`${values[i]}::${sql.raw(k.type)}`),
      sql`, `,
    )})`;
    const keyText = sql.join(
      keys.map((k, i) => sql`${sql.identifier(k.column)}::text AS ${sql.identifier(`k${i}`)}`),
      sql`, `,
    );
    report.reencrypted[name] = 0;
    let after: string[] | undefined;
    for (;;) {
      const count = await db.transaction(async (tx) => {
        if (spec.setting) await tx.execute(sql`SELECT set_config(${spec.setting}, 'on', true)`);
        const rows = rowsOf<Record<string, string> & { value: string }>(
          await tx.execute(sql`
            SELECT ${keyText}, ${column} AS value FROM ${table}
            WHERE ${after ? sql`${keyRow} > ${keyValue(after)}` : sql`true`} AND ${column} IS NOT NULL AND ${column} <> ${SHREDDED}
              AND left(${column}, ${prefix.length}) <> ${prefix}
            ORDER BY ${keyColumns} LIMIT ${batchSize} FOR UPDATE`),
        );
        const keyOf = (row: Record<string, string>) => keys.map((_, i) => row[`k${i}`] as string);
        for (const row of rows) {
          const value = reencryptField(row.value, spec.field, keyring);
          if (value !== undefined) await tx.execute(sql`UPDATE ${table} SET ${column} = ${value} WHERE ${keyRow} = ${keyValue(keyOf(row))}`);
        }
        const last = rows[rows.length - 1];
        if (last) after = keyOf(last);
        return rows.length;
      });
      report.reencrypted[name] += count;
      if (count > 0) opts.onBatch?.(name, count);
      if (count < batchSize) break;
    }
  }
  return report;
}
