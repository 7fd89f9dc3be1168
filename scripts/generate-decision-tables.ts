import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DECISION_TABLES_DIR, decisionTableFiles } from '../libs/policy/src/decision-table.cases.js';

/**
 * Writes contracts/generated/decision-tables/*.json from libs/policy: `npm run decision-tables`. With `--check` it
 * writes nothing and fails when the checked-in files differ. The README there is written by hand and left alone.
 */
const check = process.argv.includes('--check');
const root = process.cwd();
const files = decisionTableFiles();

let existing: string[] = [];
try {
  existing = readdirSync(join(root, DECISION_TABLES_DIR))
    .filter((name) => name.endsWith('.json'))
    .map((name) => `${DECISION_TABLES_DIR}/${name}`);
} catch {
  // not generated yet
}
const stale = existing.filter((path) => !(path in files));
const changed = Object.entries(files).filter(([path, content]) => {
  try {
    return readFileSync(join(root, path), 'utf8') !== content;
  } catch {
    return true;
  }
});

const cases = Object.entries(files)
  .filter(([path]) => !path.endsWith('schema.json'))
  .reduce((n, [, content]) => n + (JSON.parse(content) as { cases: unknown[] }).cases.length, 0);

if (check) {
  for (const [path] of changed) console.error(`out of date: ${path}`);
  for (const path of stale) console.error(`not generated: ${path}`);
  if (changed.length + stale.length > 0) {
    console.error('run `npm run decision-tables` and commit the result');
    process.exit(1);
  }
  console.log(`decision tables up to date (${cases} cases)`);
} else {
  for (const path of stale) rmSync(join(root, path));
  for (const [path, content] of changed) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  console.log(`decision tables: ${changed.length} files written, ${stale.length} removed, ${cases} cases`);
}
