import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { loadOrCreateKeyFile } from '@hub/common';

/**
 * The provider's secrets: the key that signs ID tokens and signatures (a private JWK, published without `d` at
 * /jwks), the keys of its cookies, and the secret behind the citizens' pairwise `sub`.
 */
export interface EidKeys {
  signingKey: JWK & { kid: string };
  cookieKeys: string[];
  subjectSecret: string;
}

export const KEYS_FILE = 'keys.json';
export const SIGNING_ALG = 'ES256';

async function generateKeys(): Promise<EidKeys> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
  return {
    signingKey: { ...jwk, kid, alg: SIGNING_ALG, use: 'sig' },
    cookieKeys: [randomBytes(32).toString('base64url')],
    subjectSecret: randomBytes(32).toString('base64url'),
  };
}

function isEidKeys(value: unknown): value is EidKeys {
  const keys = value as EidKeys;
  return (
    typeof keys?.signingKey?.d === 'string' &&
    typeof keys.signingKey.kid === 'string' &&
    Array.isArray(keys.cookieKeys) &&
    keys.cookieKeys.every((key) => typeof key === 'string' && key.length >= 32) &&
    typeof keys.subjectSecret === 'string' &&
    keys.subjectSecret.length >= 32
  );
}

/** The provider's keys from `<dataDir>/keys.json`, generated on first start. */
export function loadOrCreateEidKeys(dataDir: string): Promise<EidKeys> {
  return loadOrCreateKeyFile(dataDir, KEYS_FILE, generateKeys, isEidKeys, 'this provider');
}

/** The public half, as /jwks publishes it. */
export function publicJwk(key: JWK & { kid: string }): JWK {
  const { d: _d, ...rest } = key;
  return rest;
}
