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
}

/**
 * Every column encrypted at rest. enrolments.payment_note joins this list once the enrolments module
 * stores it with encryptOptional(…, ENCRYPTED_FIELDS.enrolmentPaymentNote) (until then it is plaintext,
 * and encrypting it here would hide it from that module).
 */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'declarations', column: 'answers', field: ENCRYPTED_FIELDS.declarationAnswers, setting: 'harbour.key_rotation' },
  { table: 'declarations', column: 'review_note', field: ENCRYPTED_FIELDS.declarationReviewNote, setting: 'harbour.key_rotation' },
  { table: 'safeguarding_concerns', column: 'summary_enc', field: ENCRYPTED_FIELDS.safeguardingSummary },
  { table: 'safeguarding_concerns', column: 'resolution_enc', field: ENCRYPTED_FIELDS.safeguardingResolution },
  { table: 'users', column: 'mfa_secret', field: ENCRYPTED_FIELDS.mfaSecret },
  { table: 'users', column: 'mfa_pending_secret', field: ENCRYPTED_FIELDS.mfaSecret },
  { table: 'enrolments', column: 'payment_note', field: ENCRYPTED_FIELDS.enrolmentPaymentNote },
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
    report.reencrypted[name] = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const count = await db.transaction(async (tx) => {
        if (spec.setting) await tx.execute(sql`SELECT set_config(${spec.setting}, 'on', true)`);
        const rows = rowsOf<{ id: string; value: string }>(
          await tx.execute(sql`
            SELECT id::text AS id, ${column} AS value FROM ${table}
            WHERE id > ${after}::uuid AND ${column} IS NOT NULL AND ${column} <> ${SHREDDED}
              AND left(${column}, ${prefix.length}) <> ${prefix}
            ORDER BY id LIMIT ${batchSize} FOR UPDATE`),
        );
        for (const row of rows) {
          const value = reencryptField(row.value, spec.field, keyring);
          if (value !== undefined) await tx.execute(sql`UPDATE ${table} SET ${column} = ${value} WHERE id = ${row.id}::uuid`);
        }
        const last = rows[rows.length - 1];
        if (last) after = last.id;
        return rows.length;
      });
      report.reencrypted[name] += count;
      if (count > 0) opts.onBatch?.(name, count);
      if (count < batchSize) break;
    }
  }
  return report;
}
