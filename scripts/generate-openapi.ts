import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateWebApiFiles } from '../apps/hub/src/openapi/web-api-files.js';

/**
 * Writes the hub's OpenAPI document and the web client's types generated from it: `npm run openapi`. With `--check`
 * it writes nothing and fails when the checked-in files differ.
 */
const check = process.argv.includes('--check');
const root = process.cwd();
const files = await generateWebApiFiles();
const changed = Object.entries(files).filter(([path, content]) => {
  try {
    return readFileSync(join(root, path), 'utf8') !== content;
  } catch {
    return true;
  }
});

if (check) {
  for (const [path] of changed) console.error(`out of date: ${path}`);
  if (changed.length > 0) {
    console.error('run `npm run openapi` and commit the result');
    process.exit(1);
  }
  console.log(`openapi up to date (${Object.keys(files).length} files)`);
} else {
  for (const [path, content] of changed) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  console.log(`openapi: ${changed.length} of ${Object.keys(files).length} files written`);
}
