// Size budget: the JavaScript a browser must fetch to show the sign-in page (the entry chunk,
// everything it imports statically, and the sign-in page's own lazily loaded chunk with its
// static imports) must stay within 150 KB gzipped. People open this console on slow connections
// and older tablets too.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 150 * 1024;
const SIGN_IN_PAGE = 'src/app/routes/sign-in.tsx';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
if (!entryKey) {
  console.error('check-size: no entry chunk in dist/.vite/manifest.json');
  process.exit(1);
}
if (!manifest[SIGN_IN_PAGE]) {
  console.error(`check-size: ${SIGN_IN_PAGE} is not a chunk of its own (is its route still lazy?)`);
  process.exit(1);
}

/** Files of a chunk and of every chunk it imports statically (dynamic imports load later). */
function collect(key, files = new Set()) {
  const chunk = manifest[key];
  if (!chunk || files.has(chunk.file)) return files;
  files.add(chunk.file);
  for (const imported of chunk.imports ?? []) collect(imported, files);
  return files;
}

const files = [...collect(SIGN_IN_PAGE, collect(entryKey))].filter((file) => file.endsWith('.js'));
let total = 0;
for (const file of files) {
  const gzipped = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  total += gzipped;
  console.log(`  ${(gzipped / 1024).toFixed(1).padStart(6)} KB  ${file}`);
}
const kb = (total / 1024).toFixed(1);
if (total > BUDGET_BYTES) {
  console.error(`check-size: the sign-in page needs ${kb} KB of JavaScript (gzipped), over the budget of 150 KB`);
  process.exit(1);
}
console.log(`check-size: the sign-in page needs ${kb} KB of JavaScript (gzipped); budget 150 KB`);
