import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYS_FILE, loadOrCreateProviderKeys } from './keys.js';

describe('provider keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oidc-provider-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates an ES256 signing key and cookie keys on first start, readable by the owner only', async () => {
    const dataDir = join(dir, 'var', 'oidc-provider');
    const keys = await loadOrCreateProviderKeys(dataDir);
    expect(keys.signingKeys).toEqual([
      expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', d: expect.any(String) }),
    ]);
    expect(keys.signingKeys[0].kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keys.cookieKeys).toHaveLength(2);
    expect(statSync(join(dataDir, KEYS_FILE)).mode & 0o777).toBe(0o600);
  });

  it('uses the same keys after a restart', async () => {
    const first = await loadOrCreateProviderKeys(dir);
    const second = await loadOrCreateProviderKeys(dir);
    expect(second).toEqual(first);
    expect(JSON.parse(readFileSync(join(dir, KEYS_FILE), 'utf8'))).toEqual(first);
  });

  it('refuses a file that is not its key file rather than starting with keys it cannot use', async () => {
    writeFileSync(join(dir, KEYS_FILE), JSON.stringify({ keys: [] }));
    await expect(loadOrCreateProviderKeys(dir)).rejects.toThrow(/not a key file of this identity provider/);
  });
});
