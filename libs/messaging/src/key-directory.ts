import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompositeKeyStore, FileKeyStore, keysFromJwks, type KeyStore, type KeyStoreLogger } from './key-store.js';
import {
  jwkThumbprint,
  MessageSigner,
  publicJwkOf,
  SignatureVerifier,
  type Jwk,
  type Jwks,
  type Signer,
  type SignatureVerifierOptions,
} from './signing.js';

export class KeyRotationError extends Error {
  override name = 'KeyRotationError';
}

/**
 * Keys on disk as JWK (the folder is git-ignored and never committed):
 * - `private/<service>.jwk.json`: the key the service signs with now;
 * - `private/<service>.next.jwk.json`: a key added by a rotation, published but not signing yet;
 * - `public/<service>.jwks.json`: the service's published JWKS (what its /.well-known/jwks.json serves and what
 *   every receiver trusts): the signing key, and during a rotation the next or the previous one;
 * - `retired/<service>.jwks.json`: keys taken out of the JWKS, kept only to check old evidence (audit:verify).
 * Key ids are RFC 7638 thumbprints. In development a missing key pair is generated on first start.
 */
export class KeyDirectory {
  constructor(private readonly dir: string) {}

  private privatePath(service: string, next = false): string {
    return join(this.dir, 'private', `${service}${next ? '.next' : ''}.jwk.json`);
  }

  private publicPath(service: string): string {
    return join(this.dir, 'public', `${service}.jwks.json`);
  }

  private retiredPath(service: string): string {
    return join(this.dir, 'retired', `${service}.jwks.json`);
  }

  /** The signer of a service; it takes up a key activated by a rotation within a second, without a restart. */
  signerFor(service: string, generateIfMissing: boolean): Signer {
    if (!existsSync(this.privatePath(service))) {
      if (!generateIfMissing) throw new Error(`no signing key for ${service} at ${this.privatePath(service)}`);
    }
    if (generateIfMissing) this.ensure(service);
    return new FileSigner(this.privatePath(service));
  }

  /** Trusts the JWKS in `public/` (and whatever `extra` stores hold). */
  verifier(options: SignatureVerifierOptions & { refreshMs?: number; extra?: KeyStore[] } = {}): SignatureVerifier {
    return new SignatureVerifier(this.trustedKeys(options.refreshMs, options.extra), options);
  }

  trustedKeys(refreshMs?: number, extra: KeyStore[] = [], logger?: KeyStoreLogger): KeyStore {
    const files = new FileKeyStore(join(this.dir, 'public'), refreshMs, logger);
    return extra.length ? new CompositeKeyStore([files, ...extra]) : files;
  }

  /** The published keys and the retired ones: to check a signature made before a rotation, never a live message. */
  archivedVerifier(): SignatureVerifier {
    return new SignatureVerifier(new FileKeyStore([join(this.dir, 'public'), join(this.dir, 'retired')], 0));
  }

  /** What the service publishes: its JWKS, public members only. */
  publishedJwks(service: string): Jwks {
    const path = this.publicPath(service);
    if (existsSync(path)) return { keys: readJwks(path).keys.map(publicMembers) };
    const legacy = join(this.dir, 'public', `${service}.jwk.json`);
    if (existsSync(legacy)) {
      const jwk = JSON.parse(readFileSync(legacy, 'utf8')) as Jwk;
      return { keys: [{ ...publicMembers(jwk), kid: jwkThumbprint(jwk) }] };
    }
    return { keys: [] };
  }

  /**
   * A key pair for the service if it has none, and the layout of this version: a key of an older set-up (kid = the
   * service, `public/<service>.jwk.json`) keeps its key material, under its thumbprint, in the service's JWKS.
   */
  ensure(service: string): void {
    const privatePath = this.privatePath(service);
    if (!existsSync(privatePath)) this.writePrivate(privatePath, generateKeyPairSync('ed25519').privateKey);
    const active = this.readPrivate(privatePath);
    if (active.kid !== active.thumbprint) this.writePrivate(privatePath, active.key);
    const jwks = existsSync(this.publicPath(service)) ? readJwks(this.publicPath(service)) : { keys: [] };
    if (!jwks.keys.some((jwk) => jwk.kid === active.thumbprint)) {
      this.writeJwks(this.publicPath(service), { keys: [...jwks.keys, publicJwkOf(active.key)] });
    }
    rmSync(join(this.dir, 'public', `${service}.jwk.json`), { force: true });
  }

  /** Rotation, step 1: a new key pair, published beside the signing key; receivers accept both from now on. */
  addKey(service: string): string {
    this.ensure(service);
    const nextPath = this.privatePath(service, true);
    if (existsSync(nextPath)) {
      throw new KeyRotationError(`${service} already has a next key (${this.readPrivate(nextPath).thumbprint})`);
    }
    const key = generateKeyPairSync('ed25519').privateKey;
    this.writePrivate(nextPath, key);
    const jwks = readJwks(this.publicPath(service));
    const jwk = publicJwkOf(key);
    this.writeJwks(this.publicPath(service), { keys: [...jwks.keys, jwk] });
    return jwk.kid!;
  }

  /** Rotation, step 2: the service signs with the next key; the previous one stays published for messages in flight. */
  activateKey(service: string): { previous: string; current: string } {
    const nextPath = this.privatePath(service, true);
    if (!existsSync(nextPath)) throw new KeyRotationError(`${service} has no next key: add one first`);
    const previous = this.readPrivate(this.privatePath(service)).thumbprint;
    const current = this.readPrivate(nextPath).thumbprint;
    if (!readJwks(this.publicPath(service)).keys.some((jwk) => jwk.kid === current)) {
      throw new KeyRotationError(`${service}'s next key ${current} is not published: receivers would refuse it`);
    }
    renameSync(nextPath, this.privatePath(service));
    return { previous, current };
  }

  /**
   * Rotation, step 3: takes keys out of the JWKS (the given one, else every one the service neither signs with nor
   * is about to); receivers refuse them from their next look. They are kept in `retired/` for old evidence only.
   */
  retireKeys(service: string, kid?: string): string[] {
    const active = this.readPrivate(this.privatePath(service)).thumbprint;
    const nextPath = this.privatePath(service, true);
    const next = existsSync(nextPath) ? this.readPrivate(nextPath).thumbprint : undefined;
    if (kid === active) throw new KeyRotationError(`${kid} is the key ${service} signs with: activate another first`);
    if (kid !== undefined && kid === next) rmSync(nextPath);
    const jwks = readJwks(this.publicPath(service));
    const retired = jwks.keys.filter((jwk) => (kid ? jwk.kid === kid : jwk.kid !== active && jwk.kid !== next));
    if (kid && !retired.length) throw new KeyRotationError(`${service} publishes no key ${kid}`);
    this.writeJwks(this.publicPath(service), { keys: jwks.keys.filter((jwk) => !retired.includes(jwk)) });
    const archive = existsSync(this.retiredPath(service)) ? readJwks(this.retiredPath(service)) : { keys: [] };
    const archived = new Set(archive.keys.map((jwk) => jwk.kid));
    this.writeJwks(this.retiredPath(service), {
      keys: [...archive.keys, ...retired.filter((jwk) => !archived.has(jwk.kid))],
    });
    return retired.map((jwk) => jwk.kid!);
  }

  /** The key ids of a service: the one it signs with, the next one, and all it publishes. */
  status(service: string): { active?: string; next?: string; published: string[]; retired: string[] } {
    const privatePath = this.privatePath(service);
    const nextPath = this.privatePath(service, true);
    const ids = (path: string) => (existsSync(path) ? readJwks(path).keys.map((jwk) => jwk.kid!) : []);
    return {
      active: existsSync(privatePath) ? this.readPrivate(privatePath).thumbprint : undefined,
      next: existsSync(nextPath) ? this.readPrivate(nextPath).thumbprint : undefined,
      published: ids(this.publicPath(service)),
      retired: ids(this.retiredPath(service)),
    };
  }

  private readPrivate(path: string): { key: KeyObject; kid?: string; thumbprint: string } {
    const jwk = JSON.parse(readFileSync(path, 'utf8')) as Jwk;
    return {
      key: createPrivateKey({ key: jwk as never, format: 'jwk' }),
      kid: jwk.kid,
      thumbprint: jwkThumbprint(jwk),
    };
  }

  private writePrivate(path: string, key: KeyObject): void {
    mkdirSync(join(this.dir, 'private'), { recursive: true, mode: 0o700 });
    const jwk = { ...key.export({ format: 'jwk' }), ...publicJwkOf(key) };
    writeAtomically(path, JSON.stringify(jwk), 0o600);
  }

  private writeJwks(path: string, jwks: Jwks): void {
    mkdirSync(join(path, '..'), { recursive: true });
    writeAtomically(path, JSON.stringify({ keys: jwks.keys.map(publicMembers) }, null, 2), 0o644);
  }
}

/** A reader never sees half a file: written beside, then renamed over. */
function writeAtomically(path: string, content: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, path);
}

function readJwks(path: string): Jwks {
  const jwks = JSON.parse(readFileSync(path, 'utf8')) as Jwks;
  keysFromJwks(jwks, path);
  return jwks;
}

const publicMembers = ({ kty, crv, x, kid, alg, use }: Jwk): Jwk => ({ kty, crv, x, kid, alg, use });

/**
 * Signs with the key in a file, and takes up another key written there (a rotation's activation, an atomic rename)
 * within a second, checked on signing rather than by a timer so that an idle service costs nothing.
 */
export class FileSigner implements Signer {
  private signer!: MessageSigner;
  private stamp = '';
  private checkedAt = 0;

  constructor(private readonly path: string) {
    this.load();
  }

  get keyId(): string {
    this.check();
    return this.signer.keyId;
  }

  sign(body: Buffer): string {
    this.check();
    return this.signer.sign(body);
  }

  private check(): void {
    if (Date.now() - this.checkedAt < 1_000) return;
    this.checkedAt = Date.now();
    try {
      if (stampOf(this.path) !== this.stamp) this.load();
    } catch {
      // the file is being replaced: keep signing with the key in hand
    }
  }

  private load(): void {
    const stamp = stampOf(this.path);
    const jwk = JSON.parse(readFileSync(this.path, 'utf8')) as Jwk;
    this.signer = new MessageSigner(jwkThumbprint(jwk), createPrivateKey({ key: jwk as never, format: 'jwk' }));
    this.stamp = stamp;
    this.checkedAt = Date.now();
  }
}

const stampOf = (path: string) => {
  const { ino, mtimeMs, size } = statSync(path);
  return `${ino}:${mtimeMs}:${size}`;
};
