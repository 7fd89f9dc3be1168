import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sodium from 'sodium-native';

// libsodium signs Ed25519 about twice as fast as Node's OpenSSL binding, and verifies twice as fast (see README).
const rawPublicKey = (key: KeyObject) => Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');

const rawSecretKey = (key: KeyObject) => {
  const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES);
  const secretKey = Buffer.alloc(sodium.crypto_sign_SECRETKEYBYTES);
  sodium.crypto_sign_seed_keypair(
    publicKey,
    secretKey,
    Buffer.from(key.export({ format: 'jwk' }).d as string, 'base64url'),
  );
  return secretKey;
};

/**
 * Detached JWS (RFC 7515, appendix F) over the exact body bytes: `<header>..<signature>`. Any JOSE library
 * verifies it by putting the body back in as payload. EdDSA (Ed25519) keeps signatures small and fast.
 */
export class MessageSigner {
  private readonly encodedHeader: string;
  private readonly secretKey: Buffer;

  constructor(
    readonly keyId: string,
    privateKey: KeyObject,
  ) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('signing keys must be Ed25519 (JWS alg EdDSA)');
    this.encodedHeader = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: keyId })).toString('base64url');
    this.secretKey = rawSecretKey(privateKey);
  }

  sign(body: Buffer): string {
    const signature = Buffer.alloc(sodium.crypto_sign_BYTES);
    sodium.crypto_sign_detached(signature, signingInput(this.encodedHeader, body), this.secretKey);
    return `${this.encodedHeader}..${signature.toString('base64url')}`;
  }
}

const signingInput = (encodedHeader: string, body: Buffer) =>
  Buffer.from(`${encodedHeader}.${body.toString('base64url')}`);

export type VerifyResult = { ok: true; keyId: string } | { ok: false; reason: string };

/** The public keys of the services a receiver trusts, by key id (= the service's broker user). */
export class SignatureVerifier {
  private readonly rawKeys = new WeakMap<KeyObject, Buffer>();

  constructor(private readonly keyFor: (keyId: string) => KeyObject | undefined) {}

  verify(body: Buffer, jws: unknown, expectedKeyId: string): VerifyResult {
    if (typeof jws !== 'string') return { ok: false, reason: 'signature missing' };
    const parts = jws.split('.');
    if (parts.length !== 3 || parts[1] !== '') return { ok: false, reason: 'signature is not a detached JWS' };
    let header: { alg?: unknown; kid?: unknown };
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'signature header is not JSON' };
    }
    if (header.alg !== 'EdDSA') return { ok: false, reason: `signature algorithm ${String(header.alg)} not accepted` };
    if (header.kid !== expectedKeyId) {
      return { ok: false, reason: `signed by ${String(header.kid)}, sent by ${expectedKeyId}` };
    }
    const key = this.keyFor(expectedKeyId);
    if (!key) return { ok: false, reason: `no trusted key for ${expectedKeyId}` };
    let publicKey = this.rawKeys.get(key);
    if (!publicKey) this.rawKeys.set(key, (publicKey = rawPublicKey(key)));
    const signature = Buffer.from(parts[2], 'base64url');
    const valid =
      signature.length === sodium.crypto_sign_BYTES &&
      sodium.crypto_sign_verify_detached(signature, signingInput(parts[0], body), publicKey);
    return valid ? { ok: true, keyId: expectedKeyId } : { ok: false, reason: 'signature does not match the body' };
  }
}

/**
 * Keys on disk as JWK: `<dir>/private/<service>.jwk.json` and `<dir>/public/<service>.jwk.json`. In development a
 * missing key pair is generated on first start; the folder is git-ignored and never committed.
 */
export class KeyDirectory {
  constructor(private readonly dir: string) {}

  signerFor(service: string, generateIfMissing: boolean): MessageSigner {
    const privatePath = join(this.dir, 'private', `${service}.jwk.json`);
    if (!existsSync(privatePath)) {
      if (!generateIfMissing) throw new Error(`no signing key for ${service} at ${privatePath}`);
      this.generate(service);
    }
    const jwk = JSON.parse(readFileSync(privatePath, 'utf8'));
    return new MessageSigner(service, createPrivateKey({ key: jwk, format: 'jwk' }));
  }

  /** Trusts every public key in the folder; a key added later (a service's first start) is found on a miss. */
  verifier(): SignatureVerifier {
    let keys = this.loadPublicKeys();
    let loadedAt = Date.now();
    return new SignatureVerifier((keyId) => {
      if (!keys.has(keyId) && Date.now() - loadedAt > 1_000) {
        keys = this.loadPublicKeys();
        loadedAt = Date.now();
      }
      return keys.get(keyId);
    });
  }

  private loadPublicKeys(): Map<string, KeyObject> {
    const publicDir = join(this.dir, 'public');
    const keys = new Map<string, KeyObject>();
    if (!existsSync(publicDir)) return keys;
    for (const file of readdirSync(publicDir).filter((f) => f.endsWith('.jwk.json'))) {
      const jwk = JSON.parse(readFileSync(join(publicDir, file), 'utf8'));
      keys.set(file.slice(0, -'.jwk.json'.length), createPublicKey({ key: jwk, format: 'jwk' }));
    }
    return keys;
  }

  generate(service: string): void {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    mkdirSync(join(this.dir, 'private'), { recursive: true, mode: 0o700 });
    mkdirSync(join(this.dir, 'public'), { recursive: true });
    const kid = { kid: service, alg: 'EdDSA', use: 'sig' };
    writeFileSync(
      join(this.dir, 'private', `${service}.jwk.json`),
      JSON.stringify({ ...privateKey.export({ format: 'jwk' }), ...kid }),
      {
        mode: 0o600,
      },
    );
    writeFileSync(
      join(this.dir, 'public', `${service}.jwk.json`),
      JSON.stringify({ ...publicKey.export({ format: 'jwk' }), ...kid }),
    );
  }
}
