// Writes the OpenAPI document the code generates to openapi.json (committed), or with --check
// fails when the committed file differs from what the code generates (the contract drift gate).
import { readFileSync, writeFileSync } from 'node:fs';
import { buildApp } from '../src/app';
import { testConfig } from '../src/config';
import { createDb } from '../src/db/client';
import { API_ROOT } from '../src/lib/paths';

const file = `${API_ROOT}/openapi.json`;
const database = createDb({ dataDir: 'memory://' });
const app = await buildApp({ config: testConfig(), database, secrets: { jwtSecret: 'x'.repeat(32) } });
await app.ready();
const generated = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();
await database.close();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing counts as different
  }
  if (committed !== generated) {
    console.error('openapi.json is out of date with the code: run `pnpm openapi:export` and commit the result.');
    process.exit(1);
  }
  console.log('openapi.json matches the code.');
} else {
  writeFileSync(file, generated);
  console.log(`wrote ${file}`);
}
