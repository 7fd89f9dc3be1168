import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads `<dataDir>/<name>`, generating it on first start (mode 0600, never in the repository), so that what was
 * signed before a restart still verifies afterwards. When two processes start at once, the second takes the keys the
 * first wrote.
 */
export async function loadOrCreateKeyFile<T>(
  dataDir: string,
  name: string,
  generate: () => Promise<T>,
  isValid: (value: unknown) => value is T,
  whose: string,
): Promise<T> {
  const file = join(dataDir, name);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text === undefined) {
    const keys = await generate();
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' });
      return keys;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      text = readFileSync(file, 'utf8');
    }
  }
  const parsed: unknown = JSON.parse(text);
  if (!isValid(parsed)) throw new Error(`${file} is not a key file of ${whose}; delete it to generate new keys`);
  return parsed;
}
