import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { jwkThumbprint, type Jwk, type Jwks } from './signing.js';

/** service -> key id -> public key: the keys each service has published and that are valid now. */
export type ServiceKeys = ReadonlyMap<string, ReadonlyMap<string, KeyObject>>;

/**
 * Where a receiver learns the other services' public keys. Keys are held per service, as the JWKS they came in was
 * given for that service (a file named after it, a URL configured for it, an organisation registered with it): the
 * key id alone never says whose a key is. `keys()` is called for every message and must be cheap.
 */
export interface KeyStore {
  keys(): ServiceKeys;
  /**
   * A key id was not found: look again (each store limits how often it really does). Resolves when the look is
   * done, for a receiver that can wait for keys fetched over the network before it decides on a message.
   */
  refresh?(): void | Promise<void>;
}

export class InvalidJwksError extends Error {
  override name = 'InvalidJwksError';
}

/**
 * The public keys of one JWKS, by key id. Only Ed25519 signing keys; a JWKS holding a private key is refused whole,
 * so that a key published by mistake is noticed rather than served on.
 */
export function keysFromJwks(jwks: unknown, source: string): Map<string, KeyObject> {
  const list = (jwks as Jwks | undefined)?.keys;
  if (!Array.isArray(list)) throw new InvalidJwksError(`${source}: not a JWKS (no "keys" array)`);
  const keys = new Map<string, KeyObject>();
  for (const jwk of list as Jwk[]) {
    if (!jwk || typeof jwk !== 'object') throw new InvalidJwksError(`${source}: a key is not an object`);
    if (jwk.d !== undefined) throw new InvalidJwksError(`${source}: holds a private key`);
    if ((jwk.use ?? 'sig') !== 'sig' || (jwk.alg ?? 'EdDSA') !== 'EdDSA') continue;
    if (typeof jwk.kid !== 'string' || !jwk.kid) throw new InvalidJwksError(`${source}: a key has no kid`);
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
      throw new InvalidJwksError(`${source}: key ${jwk.kid} is not an Ed25519 public key`);
    }
    if (keys.has(jwk.kid)) throw new InvalidJwksError(`${source}: key id ${jwk.kid} appears twice`);
    keys.set(jwk.kid, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }));
  }
  return keys;
}

/**
 * Keys set at run time: the hook for keys that come from a database, e.g. the JWKS an agency registers through the
 * hub's operator API (`registered.set('adapter-pm', jwks)`); consulted beside the files and the URLs.
 */
export class MemoryKeyStore implements KeyStore {
  private current = new Map<string, ReadonlyMap<string, KeyObject>>();

  set(service: string, jwks: Jwks | ReadonlyMap<string, KeyObject>): void {
    const keys = jwks instanceof Map ? jwks : keysFromJwks(jwks, service);
    this.current = new Map(this.current).set(service, keys);
  }

  delete(service: string): void {
    const next = new Map(this.current);
    next.delete(service);
    this.current = next;
  }

  keys(): ServiceKeys {
    return this.current;
  }
}

export interface KeyStoreLogger {
  warn(message: string): void;
}

/**
 * A folder of JWKS files, one per service: `<service>.jwks.json` (as `npm run setup` and `npm run keys:rotate`
 * write them, or as an agency hands its JWKS over). A key added to a file is found at the first message naming it;
 * a key removed (retired) stops being accepted within `refreshMs`. A file that does not parse keeps its last good
 * keys. Older single-key files `<service>.jwk.json` (kid = the service) are read too, under their thumbprint as well.
 */
export class FileKeyStore implements KeyStore {
  private current: ServiceKeys = new Map();
  private stamp = '';
  private checkedAt = 0;
  private forcedAt = 0;

  constructor(
    private readonly dirs: string | string[],
    private readonly refreshMs = 10_000,
    private readonly logger: KeyStoreLogger = console,
  ) {
    this.reloadIfChanged();
  }

  keys(): ServiceKeys {
    if (Date.now() - this.checkedAt >= this.refreshMs) this.reloadIfChanged();
    return this.current;
  }

  refresh(): void {
    if (Date.now() - this.forcedAt < 1_000) return;
    this.forcedAt = Date.now();
    this.reloadIfChanged();
  }

  /** Reads the files again when one was added, removed or changed since the last look. */
  reloadIfChanged(): void {
    this.checkedAt = Date.now();
    const files = this.files();
    const stamp = files.map(({ path, mtimeMs, size }) => `${path}:${mtimeMs}:${size}`).join('|');
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    const next = new Map<string, Map<string, KeyObject>>();
    for (const { path, service, legacy } of files) {
      let keys: Map<string, KeyObject>;
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8'));
        keys = legacy ? legacyKeys(parsed, path) : keysFromJwks(parsed, path);
      } catch (err) {
        this.logger.warn(`keys in ${path} not read, keeping the last good ones: ${(err as Error).message}`);
        keys = new Map(this.current.get(service) ?? []);
      }
      next.set(service, new Map([...(next.get(service) ?? []), ...keys]));
    }
    this.current = next;
  }

  private files(): Array<{ path: string; service: string; legacy: boolean; mtimeMs: number; size: number }> {
    const found = [];
    for (const dir of typeof this.dirs === 'string' ? [this.dirs] : this.dirs) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).sort()) {
        const match = /^(.+)\.(jwks|jwk)\.json$/.exec(name);
        if (!match) continue;
        const path = join(dir, name);
        try {
          const { mtimeMs, size } = statSync(path);
          found.push({ path, service: match[1], legacy: match[2] === 'jwk', mtimeMs, size });
        } catch {
          // removed between the listing and the look
        }
      }
    }
    return found;
  }
}

const legacyKeys = (jwk: Jwk, source: string) => {
  const keys = keysFromJwks({ keys: [{ ...jwk, kid: jwk.kid ?? jwkThumbprint(jwk) }] }, source);
  const [key] = keys.values();
  keys.set(jwkThumbprint(jwk), key);
  return keys;
};

/**
 * Each party's JWKS fetched from its URL (`JWKS_URLS=adapter-fk=https://…/.well-known/jwks.json,…`): at start,
 * every `refreshMs`, and soon after a message names a key id not yet seen. A party that does not answer keeps the
 * keys it last published, so that an outage of its web server stops none of its messages.
 */
export class HttpKeyStore implements KeyStore {
  private current = new Map<string, ReadonlyMap<string, KeyObject>>();
  private timer?: NodeJS.Timeout;
  private periodic?: Promise<void>;
  private onMiss?: Promise<void>;
  private missAt = 0;
  private started = 0;
  private readonly applied = new Map<string, number>();

  constructor(
    private readonly urls: Readonly<Record<string, string>>,
    private readonly refreshMs = 10_000,
    private readonly logger: KeyStoreLogger = console,
  ) {}

  /** The first fetch, then one every `refreshMs`. A party not up yet is fetched again then, or at its first message. */
  async start(): Promise<void> {
    await this.fetchAll();
    this.timer ??= setInterval(() => void this.fetchAll(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  keys(): ServiceKeys {
    return this.current;
  }

  /** A fetch of its own, at most one a second: a message naming an unknown key id waits for it, not for the timer. */
  refresh(): Promise<void> {
    if (Date.now() - this.missAt >= 1_000) {
      this.missAt = Date.now();
      this.onMiss = this.fetchEach();
    }
    return this.onMiss ?? Promise.resolve();
  }

  fetchAll(): Promise<void> {
    this.periodic ??= this.fetchEach().finally(() => (this.periodic = undefined));
    return this.periodic;
  }

  private fetchEach(): Promise<void> {
    const started = ++this.started;
    return Promise.all(Object.entries(this.urls).map(([service, url]) => this.fetchOne(service, url, started))).then(
      () => undefined,
    );
  }

  private async fetchOne(service: string, url: string, started: number): Promise<void> {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      const keys = keysFromJwks(await response.json(), url);
      // an answer to an older request, arriving late, must not bring back a key retired since
      if ((this.applied.get(service) ?? 0) > started) return;
      this.applied.set(service, started);
      this.current = new Map(this.current).set(service, keys);
    } catch (err) {
      this.logger.warn(`JWKS of ${service} at ${url} not fetched, keeping the last: ${(err as Error).message}`);
    }
  }
}

/** Several stores as one: a service's keys are those any of them holds for it. */
export class CompositeKeyStore implements KeyStore {
  private seen: ServiceKeys[] = [];
  private merged: ServiceKeys = new Map();

  constructor(private readonly stores: KeyStore[]) {}

  keys(): ServiceKeys {
    // called for every message: no allocation unless a store's keys changed
    let changed = this.seen.length !== this.stores.length;
    for (let i = 0; i < this.stores.length && !changed; i++) changed = this.stores[i].keys() !== this.seen[i];
    if (changed) {
      const parts = this.stores.map((store) => store.keys());
      const merged = new Map<string, Map<string, KeyObject>>();
      for (const part of parts) {
        for (const [service, keys] of part) merged.set(service, new Map([...(merged.get(service) ?? []), ...keys]));
      }
      this.seen = parts;
      this.merged = merged;
    }
    return this.merged;
  }

  async refresh(): Promise<void> {
    await Promise.all(this.stores.map((store) => store.refresh?.()));
  }
}
