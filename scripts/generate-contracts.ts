import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_DIR, generateContracts } from '../contracts/src/generate.js';
import { describeSystem } from './describe-system.js';

/**
 * Writes contracts/generated/ from the contract classes: `npm run contracts`. With `--check` it writes nothing and
 * fails when the checked-in files differ, for CI.
 */
const check = process.argv.includes('--check');
const root = process.cwd();
const files = generateContracts(describeSystem(root));

const existing = (dir: string): string[] => {
  try {
    return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1));
  } catch {
    return [];
  }
};

// decision-tables/ is written by `npm run decision-tables`, from libs/policy
const stale = existing(GENERATED_DIR).filter(
  (path) => !(path in files) && !path.startsWith(`${GENERATED_DIR}/decision-tables/`),
);
const changed = Object.entries(files).filter(([path, content]) => {
  try {
    return readFileSync(join(root, path), 'utf8') !== content;
  } catch {
    return true;
  }
});

if (check) {
  for (const [path] of changed) console.error(`out of date: ${path}`);
  for (const path of stale) console.error(`not generated: ${path}`);
  if (changed.length + stale.length > 0) {
    console.error('run `npm run contracts` and commit the result');
    process.exit(1);
  }
  console.log(`contracts up to date (${Object.keys(files).length} files)`);
} else {
  for (const path of stale) rmSync(join(root, path));
  for (const [path, content] of changed) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  console.log(`contracts: ${changed.length} written, ${stale.length} removed, ${Object.keys(files).length} in all`);
}
