// Retention: erases participants whose last cohort ended more than RETENTION_MONTHS ago and deletes
// resolved safeguarding concerns older than SAFEGUARDING_RETENTION_MONTHS.
//   tsx src/cli/retention.ts --dry-run   lists the ids that would go, changes nothing
//   tsx src/cli/retention.ts             does it
// Same environment as the server. Prints ids only, never personal data.
import { ConfigError, loadConfig } from '../config';
import { createDb } from '../db/client';
import { initEncryption, resolveKeyring } from '../lib/encryption';
import { runRetention } from '../modules/data-protection/data-protection.service';

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--dry-run');
  if (unknown.length > 0) throw new Error(`Unknown argument(s): ${unknown.join(' ')}. Usage: retention [--dry-run]`);
  const dryRun = args.includes('--dry-run');
  const config = loadConfig();
  initEncryption(resolveKeyring(config, (msg) => console.warn(`WARNING: ${msg}`)));
  const database = createDb({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    await database.migrate();
    const result = await runRetention(database.db, config, new Date(), { dryRun });
    const verb = dryRun ? 'would be' : 'were';
    console.log(`Participants that ${verb} erased (last cohort ended over ${config.RETENTION_MONTHS} months ago): ${result.participantIds.length}`);
    for (const id of result.participantIds) console.log(`  participant ${id}`);
    console.log(`Referrals never linked to a participant that ${verb} blanked (unchanged for ${config.RETENTION_MONTHS} months): ${result.referralIds.length}`);
    for (const id of result.referralIds) console.log(`  referral ${id}`);
    console.log(`Resolved safeguarding concerns that ${verb} deleted (over ${config.SAFEGUARDING_RETENTION_MONTHS} months): ${result.concernIds.length}`);
    for (const id of result.concernIds) console.log(`  safeguarding_concern ${id}`);
    if (dryRun) console.log('Dry run: nothing was changed.');
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error('Retention failed:', err instanceof ConfigError ? err.message : err instanceof Error ? err.message : err);
  process.exit(1);
});
