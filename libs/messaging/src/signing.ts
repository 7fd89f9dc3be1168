import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import sodium from 'sodium-native';
import type { KeyStore } from './key-store.js';

/** A public key as published in a JWKS (RFC 7517); the private one carries `d` as well. */
export interface Jwk {
  kty: string;
  crv?: string;
  x?: string;
  d?: string;
  kid?: string;
  alg?: string;
  use?: string;
}

export interface Jwks {
  keys: Jwk[];
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url) of an Ed25519 key: the key id every key is published under, so that
 * a key id names one key, never a service, and a new key of the same service has a new id.
 */
export function jwkThumbprint(jwk: Pick<Jwk, 'kty' | 'crv' | 'x'>): string {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new Error('signing keys must be Ed25519 (kty OKP, crv Ed25519)');
  }
  // the required members in lexicographic order, no whitespace
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** The public JWK of a key as this project publishes it: `kid` its thumbprint, EdDSA, for signatures. */
export function publicJwkOf(key: KeyObject): Jwk {
  const { kty, crv, x } = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' }) as Jwk;
  return { kty, crv, x, kid: jwkThumbprint({ kty, crv, x }), alg: 'EdDSA', use: 'sig' };
}

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

/** What signs a service's messages: the codec needs only this, so that a signer can change its key while running. */
export interface Signer {
  /** the key id the next signature names */
  readonly keyId: string;
  sign(body: Buffer): string;
}

/**
 * Detached JWS (RFC 7515, appendix F) over the exact body bytes: `<header>..<signature>`. Any JOSE library
 * verifies it by putting the body back in as payload. EdDSA (Ed25519) keeps signatures small and fast. The header's
 * `kid` names the key (its JWK thumbprint); which service may use that key is the receiver's to know.
 */
export class MessageSigner implements Signer {
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

/** `unknownKey`: the sender has published no key by that id, as far as this receiver knows yet */
export type VerifyResult = { ok: true; keyId: string } | { ok: false; reason: string; unknownKey?: true };

export interface SignatureVerifierOptions {
  /**
   * Accepts `kid` = the sender's service name, checked against every key that service has published: how messages
   * were signed before key ids were thumbprints (parked or held messages, witnessed checkpoints). On by default for
   * the transition; a deployment whose every service signs with thumbprints turns it off (LEGACY_KEY_IDS=false).
   */
  legacyKeyIds?: boolean;
}

/**
 * Checks a signature against the keys the sender has published, and only those: a key of another service is never
 * accepted for this sender, whatever its id, because the store keeps keys per service (the JWKS they came in).
 */
export class SignatureVerifier {
  private readonly rawKeys = new WeakMap<KeyObject, Buffer>();

  constructor(
    private readonly store: KeyStore,
    private readonly options: SignatureVerifierOptions = {},
  ) {}

  verify(body: Buffer, jws: unknown, sender: string): VerifyResult {
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
    if (typeof header.kid !== 'string' || !header.kid) return { ok: false, reason: 'signature names no key id' };
    const kid = header.kid;
    let candidates = this.candidates(kid, sender);
    if (!candidates.length) {
      // a key published since the store last looked: one fresh look (the store limits how often)
      this.store.refresh?.();
      candidates = this.candidates(kid, sender);
    }
    if (!candidates.length) {
      const owner = [...this.store.keys()].find(([, keys]) => keys.has(kid))?.[0];
      if (owner) return { ok: false, reason: `signed by ${owner} (key ${kid}), sent by ${sender}` };
      if (kid !== sender && this.store.keys().has(kid))
        return { ok: false, reason: `signed by ${kid}, sent by ${sender}` };
      return {
        ok: false,
        reason: `key ${kid} is not a published key of ${sender} (unknown or retired)`,
        unknownKey: true,
      };
    }
    const signature = Buffer.from(parts[2], 'base64url');
    if (signature.length !== sodium.crypto_sign_BYTES)
      return { ok: false, reason: 'signature does not match the body' };
    const input = signingInput(parts[0], body);
    for (const [keyId, key] of candidates) {
      let publicKey = this.rawKeys.get(key);
      if (!publicKey) this.rawKeys.set(key, (publicKey = rawPublicKey(key)));
      if (sodium.crypto_sign_verify_detached(signature, input, publicKey)) return { ok: true, keyId };
    }
    return { ok: false, reason: 'signature does not match the body' };
  }

  /** A fresh look at every key store, for a message that named a key not known yet (rate-limited by the stores). */
  async refresh(): Promise<void> {
    await this.store.refresh?.();
  }

  private candidates(kid: string, sender: string): Array<[string, KeyObject]> {
    const keys = this.store.keys().get(sender);
    if (!keys) return [];
    const key = keys.get(kid);
    if (key) return [[kid, key]];
    if (kid === sender && this.options.legacyKeyIds !== false) return [...keys];
    return [];
  }
}
