// `pnpm --filter @harbour/api rotate-key`: re-encrypts every encrypted column with the current key.
// How to rotate: generate a new key (openssl rand -base64 32); set DATA_ENCRYPTION_KEY to it and put
// the previous one in DATA_ENCRYPTION_OLD_KEYS ("<old id>:<old key>"; the id is in the stored values,
// v1.<id>....); restart the app (it reads both); run this; then remove the old key.
// Same environment as the server (DATABASE_URL or DATA_DIR). Prints ids and counts only.
import { ConfigError, loadConfig } from '../config';
import { createDb } from '../db/client';
import { initEncryption, resolveKeyring } from '../lib/encryption';
import { rotateEncryptionKey } from '../modules/data-protection/key-rotation';

async function main() {
  const config = loadConfig();
  const keyring = resolveKeyring(config, (msg) => console.warn(`WARNING: ${msg}`));
  initEncryption(keyring);
  const database = createDb({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    await database.migrate();
    console.log(`Re-encrypting with key "${keyring.current.id}" (readable keys: ${[...keyring.byId.keys()].join(', ')})`);
    const report = await rotateEncryptionKey(database.db, {
      onBatch: (column, count) => console.log(`  ${column}: ${count} re-encrypted`),
    });
    for (const [column, count] of Object.entries(report.reencrypted)) console.log(`  ${column}: ${count} in total`);
    console.log(`Done: every encrypted value now uses key "${report.keyId}". Older keys may be removed from DATA_ENCRYPTION_OLD_KEYS.`);
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error('Key rotation failed:', err instanceof ConfigError ? err.message : err instanceof Error ? err.message : err);
  process.exit(1);
});
