// Encryption at rest, in the application: AES-256-GCM (node:crypto) with a keyring so keys can rotate.
// A stored value is "v1.<keyId>.<iv>.<tag>.<ciphertext>" (base64url parts). The version, the key id and
// the field it belongs to (e.g. 'declarations.answers') are authenticated too (AAD), so a value cannot
// be moved to another column or relabelled with another key id without failing to decrypt.
// A wrong key or altered data always throws DecryptionError; it never answers garbage.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const CIPHERTEXT = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)$/;

/** What an erased (crypto-shredded) value is replaced by: not ciphertext, never decrypted. */
export const SHREDDED = 'shredded:v1';

/** The fields encrypted at rest; the name is bound into each ciphertext. */
export const ENCRYPTED_FIELDS = {
  declarationAnswers: 'declarations.answers',
  declarationReviewNote: 'declarations.review_note',
  enrolmentPaymentNote: 'enrolments.payment_note',
  enrolmentEventNote: 'enrolment_events.note',
  referralNote: 'referrals.note',
  idempotencyResponse: 'idempotency_keys.response_body',
  safeguardingSummary: 'safeguarding_concerns.summary',
  safeguardingResolution: 'safeguarding_concerns.resolution',
  mfaSecret: 'users.mfa_secret',
  outboxSealed: 'outbox_messages.sealed',
} as const;
export type EncryptedField = (typeof ENCRYPTED_FIELDS)[keyof typeof ENCRYPTED_FIELDS];

export interface DataKey {
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** New values are encrypted with this key. */
  current: DataKey;
  /** Every key that can decrypt, the current one included, by id. */
  byId: ReadonlyMap<string, DataKey>;
}

/** Stored data cannot be decrypted: wrong or missing key, or the value was altered. Never carries the data. */
export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/** A key's default id: derived from its hash, so the same key always has the same id. */
export function deriveKeyId(key: Buffer): string {
  return `k${createHash('sha256').update('harbour-data-key-id').update(key).digest('hex').slice(0, 12)}`;
}

function parseKey(base64: string, what: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${what} must be ${KEY_BYTES} bytes in base64 (it is ${key.length}).`);
  return key;
}

/** A keyring from a current key and older ones (still readable until rotate-key has run). */
export function createKeyring(current: { key: Buffer | string; id?: string }, old: { key: Buffer | string; id?: string }[] = []): Keyring {
  const toKey = (k: { key: Buffer | string; id?: string }, what: string): DataKey => {
    const key = typeof k.key === 'string' ? parseKey(k.key, what) : k.key;
    if (key.length !== KEY_BYTES) throw new Error(`${what} must be ${KEY_BYTES} bytes.`);
    const id = k.id ?? deriveKeyId(key);
    if (!KEY_ID.test(id)) throw new Error(`${what}: the key id "${id}" must be 1-32 letters, digits, "_" or "-".`);
    return { id, key };
  };
  const currentKey = toKey(current, 'DATA_ENCRYPTION_KEY');
  const byId = new Map<string, DataKey>([[currentKey.id, currentKey]]);
  old.forEach((k, i) => {
    const dataKey = toKey(k, `DATA_ENCRYPTION_OLD_KEYS[${i}]`);
    const known = byId.get(dataKey.id);
    if (known && !known.key.equals(dataKey.key)) {
      throw new Error(`Two different data encryption keys have the id "${dataKey.id}": give each key its own id.`);
    }
    if (!known) byId.set(dataKey.id, dataKey);
  });
  return { current: currentKey, byId };
}

/** A fresh random keyring (tests, tools). */
export function randomKeyring(id?: string): Keyring {
  return createKeyring({ key: randomBytes(KEY_BYTES), id });
}

export const DATA_KEY_FILE = 'data-key';

/**
 * The keyring from the configuration. Without DATA_ENCRYPTION_KEY, a key is generated once into
 * DATA_DIR/secrets/data-key (0600) with a loud warning: losing that file loses the encrypted data.
 * When DATA_ENCRYPTION_KEY is set and a generated key file also exists with another key, the file's
 * key stays readable (so nothing becomes unreadable) until rotate-key has re-encrypted everything.
 */
export function resolveKeyring(config: Config, warn: (msg: string) => void): Keyring {
  const dir = resolve(join(config.DATA_DIR, 'secrets'));
  const file = join(dir, DATA_KEY_FILE);
  const old: { key: Buffer; id?: string }[] = config.DATA_ENCRYPTION_OLD_KEYS.map((k) => ({ id: k.id, key: parseKey(k.key, `DATA_ENCRYPTION_OLD_KEYS (${k.id})`) }));

  if (config.DATA_ENCRYPTION_KEY) {
    const key = parseKey(config.DATA_ENCRYPTION_KEY, 'DATA_ENCRYPTION_KEY');
    if (existsSync(file)) {
      const fileKey = parseKey(readFileSync(file, 'utf8'), file);
      if (!fileKey.equals(key) && !old.some((k) => k.key.equals(fileKey))) {
        old.push({ key: fileKey });
        warn(
          `DATA_ENCRYPTION_KEY is set, and a generated key also exists in ${file}: it is still used to read older data. ` +
            'Run `pnpm --filter @harbour/api rotate-key`, then delete that file.',
        );
      }
    }
    return createKeyring({ key, id: config.DATA_ENCRYPTION_KEY_ID }, old);
  }

  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    warn(
      [
        '',
        '************************************************************************************************',
        `  DATA_ENCRYPTION_KEY is not set: generated a data encryption key into ${file}`,
        '  Declaration answers, notes and safeguarding records are encrypted with it. BACK THIS FILE UP:',
        '  without it that data can never be read again. In production set DATA_ENCRYPTION_KEY',
        '  (openssl rand -base64 32), the same on every instance, and keep it out of the database backups.',
        '************************************************************************************************',
      ].join('\n'),
    );
  }
  return createKeyring({ key: parseKey(readFileSync(file, 'utf8'), file), id: config.DATA_ENCRYPTION_KEY_ID }, old);
}

let active: Keyring | undefined;

/** Sets the keyring every encrypt/decrypt uses; called once at start (server, test app, CLIs). */
export function initEncryption(keyring: Keyring): void {
  active = keyring;
}

export function activeKeyring(): Keyring {
  if (!active) throw new Error('Encryption is not initialised: call initEncryption(resolveKeyring(config, warn)) at start.');
  return active;
}

const aadFor = (keyId: string, aad: string) => Buffer.from(`${VERSION}.${keyId}|${aad}`, 'utf8');

/** Encrypts with the current key. `aad` names what the value is (bound to it, not stored). */
export function encrypt(plaintext: string, aad = '', keyring: Keyring = activeKeyring()): string {
  const { id, key } = keyring.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadFor(id, aad));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

/** True when the value has the shape of our ciphertext (says nothing of whether it decrypts). */
export function isCiphertext(value: string): boolean {
  return CIPHERTEXT.test(value);
}

/** The id of the key a ciphertext was made with, or undefined when it is not ciphertext. */
export function keyIdOf(value: string): string | undefined {
  return CIPHERTEXT.exec(value)?.[1];
}

/** Decrypts with whichever key of the keyring made it. Wrong key, wrong `aad` or altered data → DecryptionError. */
export function decrypt(token: string, aad = '', keyring?: Keyring): string {
  const match = CIPHERTEXT.exec(token);
  if (!match) throw new DecryptionError('The stored value is not encrypted data in a known format.');
  const [, keyId, iv, tag, ct] = match as unknown as [string, string, string, string, string];
  const dataKey = (keyring ?? activeKeyring()).byId.get(keyId);
  if (!dataKey) {
    throw new DecryptionError(
      `Stored data was encrypted with key "${keyId}", which is not configured. Set DATA_ENCRYPTION_KEY (or add it to DATA_ENCRYPTION_OLD_KEYS as "${keyId}:<base64>").`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(aadFor(keyId, aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionError(
      `Stored data could not be decrypted with key "${keyId}": the key is wrong, or the data was altered or belongs to another field.`,
    );
  }
}

/** Encrypts a field's value for storage. */
export function encryptField(value: string, field: EncryptedField): string {
  return encrypt(value, field);
}

/** `null` stays null; anything else is encrypted. For optional free-text notes. */
export function encryptOptional(value: string | null | undefined, field: EncryptedField): string | null {
  return value === null || value === undefined ? null : encrypt(value, field);
}

/**
 * A stored field's value. Ciphertext is decrypted (or DecryptionError); a value from before
 * encryption at rest (not ciphertext) is answered as it is, until rotate-key encrypts it.
 * A shredded value throws: callers of erased records must not get here (see decryptOptional).
 */
export function decryptField(stored: string, field: EncryptedField): string {
  if (stored === SHREDDED) throw new DecryptionError('This value was erased (data protection).');
  // Anything that looks like ours but is damaged is an error, never answered as plaintext.
  return isCiphertext(stored) || stored.startsWith(`${VERSION}.`) ? decrypt(stored, field) : stored;
}

/** Like decryptField for optional notes; null and shredded values answer null. */
export function decryptOptional(stored: string | null | undefined, field: EncryptedField): string | null {
  if (stored === null || stored === undefined || stored === SHREDDED) return null;
  return decryptField(stored, field);
}

/**
 * The value re-encrypted with the current key, or undefined when it already is (or is shredded).
 * Values from before encryption at rest are encrypted.
 */
export function reencryptField(stored: string, field: EncryptedField, keyring: Keyring = activeKeyring()): string | undefined {
  if (stored === SHREDDED || keyIdOf(stored) === keyring.current.id) return undefined;
  const plain = isCiphertext(stored) || stored.startsWith(`${VERSION}.`) ? decrypt(stored, field, keyring) : stored;
  return encrypt(plain, field, keyring);
}
