import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

/** The provider's secrets: its token signing keys (private JWKs) and the keys that sign its cookies. */
export interface ProviderKeys {
  signingKeys: JWK[];
  cookieKeys: string[];
}

export const KEYS_FILE = 'keys.json';

async function generateProviderKeys(): Promise<ProviderKeys> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
  return {
    signingKeys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }],
    cookieKeys: [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')],
  };
}

function isProviderKeys(value: unknown): value is ProviderKeys {
  const keys = value as ProviderKeys;
  return (
    Array.isArray(keys?.signingKeys) &&
    keys.signingKeys.length > 0 &&
    keys.signingKeys.every((key) => typeof key?.d === 'string' && typeof key.kid === 'string') &&
    Array.isArray(keys.cookieKeys) &&
    keys.cookieKeys.length > 0 &&
    keys.cookieKeys.every((key) => typeof key === 'string' && key.length >= 32)
  );
}

/**
 * Reads the keys from `<dataDir>/keys.json`, generating them on first start, so tokens and sessions survive a
 * restart but no key is ever part of the repository. The file is readable by its owner only.
 */
export async function loadOrCreateProviderKeys(dataDir: string): Promise<ProviderKeys> {
  const file = join(dataDir, KEYS_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text === undefined) {
    const keys = await generateProviderKeys();
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' });
      return keys;
    } catch (err) {
      // Another process started at the same moment and wrote its keys first: use those.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      text = readFileSync(file, 'utf8');
    }
  }
  const parsed: unknown = JSON.parse(text);
  if (!isProviderKeys(parsed)) {
    throw new Error(`${file} is not a key file of this identity provider; delete it to generate new keys`);
  }
  return parsed;
}
