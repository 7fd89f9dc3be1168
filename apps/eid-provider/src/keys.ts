import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

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

/**
 * Reads `<dataDir>/keys.json`, generating it on first start (mode 0600, never in the repository), so signatures made
 * before a restart still verify against the published keys afterwards.
 */
export async function loadOrCreateEidKeys(dataDir: string): Promise<EidKeys> {
  const file = join(dataDir, KEYS_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text === undefined) {
    const keys = await generateKeys();
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' });
      return keys;
    } catch (err) {
      // another process started at the same moment and wrote its keys first: use those
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      text = readFileSync(file, 'utf8');
    }
  }
  const parsed: unknown = JSON.parse(text);
  if (!isEidKeys(parsed)) throw new Error(`${file} is not a key file of this provider; delete it to generate new keys`);
  return parsed;
}

/** The public half, as /jwks publishes it. */
export function publicJwk(key: JWK & { kid: string }): JWK {
  const { d: _d, ...rest } = key;
  return rest;
}
