// Every read and write of a stored secret (the TOTP secret) goes through these two functions:
// encrypted at rest with AES-256-GCM (lib/encryption.ts, field 'users.mfa_secret'); rotate-key
// re-encrypts users.mfa_secret and users.mfa_pending_secret.
import { ENCRYPTED_FIELDS, decryptField, encryptField } from './encryption';

/** Turns a secret into what is stored in the database (ciphertext under the current data key). */
export function sealSecret(plain: string): string {
  return encryptField(plain, ENCRYPTED_FIELDS.mfaSecret);
}

/**
 * Turns what the database holds back into the secret. A value stored before encryption at rest is
 * answered as it is (until rotate-key encrypts it); a wrong key or altered value throws DecryptionError.
 */
export function openSecret(sealed: string): string {
  return decryptField(sealed, ENCRYPTED_FIELDS.mfaSecret);
}
