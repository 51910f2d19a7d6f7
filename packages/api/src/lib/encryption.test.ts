import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../config';
import {
  DecryptionError,
  SHREDDED,
  createKeyring,
  decrypt,
  decryptField,
  decryptOptional,
  deriveKeyId,
  encrypt,
  keyIdOf,
  randomKeyring,
  reencryptField,
  resolveKeyring,
} from './encryption';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'harbour-enc-'));
  dirs.push(dir);
  return dir;
};

describe('AES-256-GCM values', () => {
  const ring = randomKeyring('k1');

  it('round-trips, with a fresh IV each time and the key id in the clear', () => {
    const a = encrypt('Spoke on the phone', 'declarations.review_note', ring);
    const b = encrypt('Spoke on the phone', 'declarations.review_note', ring);
    expect(a).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('phone');
    expect(keyIdOf(a)).toBe('k1');
    expect(decrypt(a, 'declarations.review_note', ring)).toBe('Spoke on the phone');
    expect(decrypt(encrypt('', 'x', ring), 'x', ring)).toBe('');
  });

  it('a wrong key of the same id, another field, or altered data is a clear error, never garbage', () => {
    const value = encrypt('{"offenceInvolvesImages":"yes"}', 'declarations.answers', ring);
    const impostor = createKeyring({ key: randomBytes(32), id: 'k1' });
    expect(() => decrypt(value, 'declarations.answers', impostor)).toThrow(DecryptionError);
    expect(() => decrypt(value, 'declarations.answers', impostor)).toThrow(/could not be decrypted with key "k1"/);
    expect(() => decrypt(value, 'declarations.review_note', ring)).toThrow(DecryptionError);
    const parts = value.split('.');
    const flipped = parts[4]!.startsWith('A') ? `B${parts[4]!.slice(1)}` : `A${parts[4]!.slice(1)}`;
    expect(() => decrypt([...parts.slice(0, 4), flipped].join('.'), 'declarations.answers', ring)).toThrow(DecryptionError);
    // Relabelling with another key id fails too: the id is authenticated.
    const other = createKeyring({ key: ring.current.key, id: 'k2' });
    expect(() => decrypt(['v1', 'k2', ...parts.slice(2)].join('.'), 'declarations.answers', other)).toThrow(DecryptionError);
  });

  it('a key that is not configured is named in the error', () => {
    const value = encrypt('secret', 'users.mfa_secret', ring);
    expect(() => decrypt(value, 'users.mfa_secret', randomKeyring('k9'))).toThrow(/key "k1", which is not configured/);
  });

  it('an old key still decrypts; re-encryption moves a value to the current key', () => {
    const old = randomKeyring('old');
    const value = encrypt('note', 'declarations.review_note', old);
    const next = createKeyring({ key: randomBytes(32), id: 'new' }, [{ key: old.current.key, id: 'old' }]);
    expect(decrypt(value, 'declarations.review_note', next)).toBe('note');
    const moved = reencryptField(value, 'declarations.review_note', next)!;
    expect(keyIdOf(moved)).toBe('new');
    expect(reencryptField(moved, 'declarations.review_note', next)).toBeUndefined();
    expect(reencryptField(SHREDDED, 'declarations.review_note', next)).toBeUndefined();
    // Plaintext from before encryption at rest is encrypted on the way.
    expect(keyIdOf(reencryptField('legacy note', 'declarations.review_note', next)!)).toBe('new');
  });

  it('shredded values read as erased; damaged ciphertext is never taken for plaintext', () => {
    expect(decryptOptional(SHREDDED, 'declarations.review_note')).toBeNull();
    expect(() => decryptField(SHREDDED, 'declarations.answers')).toThrow(/erased/);
    expect(() => decryptField('v1.k1.short', 'declarations.answers')).toThrow(DecryptionError);
  });

  it('refuses two different keys under one id', () => {
    expect(() => createKeyring({ key: randomBytes(32), id: 'a' }, [{ key: randomBytes(32), id: 'a' }])).toThrow(/two different/i);
  });
});

describe('keyring from the configuration', () => {
  it('without DATA_ENCRYPTION_KEY, generates one into the data folder once, with a loud warning', () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const first = resolveKeyring(testConfig({ DATA_DIR: dir }), (m) => warnings.push(m));
    const file = join(dir, 'secrets', 'data-key');
    expect(warnings.join('\n')).toMatch(/DATA_ENCRYPTION_KEY is not set[\s\S]*BACK THIS FILE UP/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    const second = resolveKeyring(testConfig({ DATA_DIR: dir }), (m) => warnings.push(m));
    expect(warnings).toHaveLength(1);
    expect(second.current.key.equals(first.current.key)).toBe(true);
    expect(second.current.id).toBe(deriveKeyId(first.current.key));
  });

  it('uses DATA_ENCRYPTION_KEY with its id and old keys; a generated key file stays readable', () => {
    const dir = tempDir();
    const generated = resolveKeyring(testConfig({ DATA_DIR: dir }), () => {});
    const key = randomBytes(32).toString('base64');
    const old = randomBytes(32).toString('base64');
    const warnings: string[] = [];
    const ring = resolveKeyring(
      testConfig({ DATA_DIR: dir, DATA_ENCRYPTION_KEY: key, DATA_ENCRYPTION_KEY_ID: 'prod2', DATA_ENCRYPTION_OLD_KEYS: [{ id: 'prod1', key: old }] }),
      (m) => warnings.push(m),
    );
    expect(ring.current.id).toBe('prod2');
    expect([...ring.byId.keys()].sort()).toEqual(['prod1', 'prod2', generated.current.id].sort());
    expect(warnings.join('\n')).toMatch(/rotate-key/);
  });
});
