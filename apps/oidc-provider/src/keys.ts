import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { loadOrCreateKeyFile } from '@hub/common';

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

/** The provider's keys from `<dataDir>/keys.json`, generated on first start: tokens and sessions survive a restart. */
export function loadOrCreateProviderKeys(dataDir: string): Promise<ProviderKeys> {
  return loadOrCreateKeyFile(dataDir, KEYS_FILE, generateProviderKeys, isProviderKeys, 'this identity provider');
}
