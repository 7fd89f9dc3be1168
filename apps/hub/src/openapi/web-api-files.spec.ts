import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWebApiFiles } from './web-api-files.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe("the web client's generated API files", () => {
  it('are what `npm run openapi` generates from the DTOs now', async () => {
    for (const [path, content] of Object.entries(await generateWebApiFiles())) {
      // a mismatch means a controller or DTO changed: run `npm run openapi` and commit the result
      expect({ path, content: readFileSync(join(ROOT, path), 'utf8') }).toEqual({ path, content });
    }
  });
});
