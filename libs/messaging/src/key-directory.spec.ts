import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { importJWK } from 'jose';
import { KeyDirectory, KeyRotationError } from './key-directory.js';
import {
  CompositeKeyStore,
  FileKeyStore,
  HttpKeyStore,
  InvalidJwksError,
  keysFromJwks,
  MemoryKeyStore,
} from './key-store.js';
import { jwkThumbprint, MessageSigner, publicJwkOf, SignatureVerifier } from './signing.js';

const temporaryDirectories: string[] = [];
afterAll(() => temporaryDirectories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));
const temporaryDirectory = (prefix: string) => {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirectories.push(directory);
  return directory;
};

const body = Buffer.from('{"id":"b9a5"}');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** what a receiver would see after its refresh interval: the file store looks again */
const later = (dir: string) => new SignatureVerifier(new FileKeyStore(join(dir, 'public'), 0));

describe('key directory', () => {
  it('generates a key pair once, as JWK, publishes it as a JWKS under its thumbprint, and trusts it', async () => {
    const dir = temporaryDirectory('keys-');
    const keys = new KeyDirectory(dir);
    expect(() => keys.signerFor('adapter-fk', false)).toThrow(/no signing key/);
    const signer = keys.signerFor('adapter-fk', true);
    expect(keys.signerFor('adapter-fk', false).sign(body)).toBe(signer.sign(body));
    const jwks = readJson(join(dir, 'public', 'adapter-fk.jwks.json'));
    expect(jwks.keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: signer.keyId, alg: 'EdDSA', use: 'sig' },
    ]);
    expect(signer.keyId).toBe(jwkThumbprint(jwks.keys[0]));
    expect(keys.publishedJwks('adapter-fk')).toEqual(jwks);
    await expect(importJWK(jwks.keys[0], 'EdDSA')).resolves.toBeDefined();
    expect(keys.verifier().verify(body, signer.sign(body), 'adapter-fk')).toEqual({ ok: true, keyId: signer.keyId });
    expect(keys.verifier().verify(body, signer.sign(body), 'hub')).toMatchObject({ ok: false });
  });

  it('takes over a key of an older set-up (kid = the service name) under its thumbprint, still accepting old signatures', () => {
    const dir = temporaryDirectory('keys-');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    mkdirSync(join(dir, 'private'));
    mkdirSync(join(dir, 'public'));
    const legacy = { kid: 'hub', alg: 'EdDSA', use: 'sig' };
    writeFileSync(
      join(dir, 'private', 'hub.jwk.json'),
      JSON.stringify({ ...privateKey.export({ format: 'jwk' }), ...legacy }),
    );
    writeFileSync(
      join(dir, 'public', 'hub.jwk.json'),
      JSON.stringify({ ...publicKey.export({ format: 'jwk' }), ...legacy }),
    );
    const oldSignature = new MessageSigner('hub', privateKey).sign(body);
    const kid = publicJwkOf(publicKey).kid!;
    // receivers of an older layout take the new kid too
    expect(
      new KeyDirectory(dir).verifier().verify(body, new MessageSigner(kid, privateKey).sign(body), 'hub'),
    ).toMatchObject({ ok: true });

    const keys = new KeyDirectory(dir);
    const signer = keys.signerFor('hub', true);
    expect(signer.keyId).toBe(kid);
    expect(existsSync(join(dir, 'public', 'hub.jwk.json'))).toBe(false);
    expect(keys.publishedJwks('hub').keys.map((k) => k.kid)).toEqual([kid]);
    expect(keys.verifier().verify(body, oldSignature, 'hub')).toEqual({ ok: true, keyId: kid });
    expect(keys.verifier({ legacyKeyIds: false }).verify(body, oldSignature, 'hub')).toMatchObject({ ok: false });
  });

  it('rotates: a key added is accepted beside the old, the signer switches without a restart, the old is retired', () => {
    const dir = temporaryDirectory('keys-');
    const keys = new KeyDirectory(dir);
    const signer = keys.signerFor('adapter-fk', true);
    const receiver = keys.verifier({ refreshMs: 60_000 });
    const first = signer.keyId;
    const before = signer.sign(body);

    const added = keys.addKey('adapter-fk');
    expect(() => keys.addKey('adapter-fk')).toThrow(KeyRotationError);
    expect(keys.status('adapter-fk')).toEqual({ active: first, next: added, published: [first, added], retired: [] });
    expect(signer.sign(body)).toBe(before);

    expect(keys.activateKey('adapter-fk')).toEqual({ previous: first, current: added });
    expect(() => keys.activateKey('adapter-fk')).toThrow(/no next key/);
    // the signer looks at its file at most once a second
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 1_500);
    try {
      const after = signer.sign(body);
      expect(signer.keyId).toBe(added);
      // a receiver that had not looked since before the key was added finds it at the first message naming it
      expect(receiver.verify(body, after, 'adapter-fk')).toEqual({ ok: true, keyId: added });
      expect(receiver.verify(body, before, 'adapter-fk')).toEqual({ ok: true, keyId: first });

      expect(() => keys.retireKeys('adapter-fk', added)).toThrow(/signs with/);
      expect(keys.retireKeys('adapter-fk')).toEqual([first]);
      expect(keys.retireKeys('adapter-fk')).toEqual([]);
      expect(keys.status('adapter-fk')).toMatchObject({ active: added, published: [added], retired: [first] });
      expect(later(dir).verify(body, before, 'adapter-fk')).toEqual({
        ok: false,
        reason: `key ${first} is not a published key of adapter-fk (unknown or retired)`,
        unknownKey: true,
      });
      expect(later(dir).verify(body, after, 'adapter-fk')).toMatchObject({ ok: true });
      // old evidence (a witnessed checkpoint) is still checked against the archive
      expect(keys.archivedVerifier().verify(body, before, 'adapter-fk')).toMatchObject({ ok: true, keyId: first });
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('retires a next key never activated, and its private half with it', () => {
    const dir = temporaryDirectory('keys-');
    const keys = new KeyDirectory(dir);
    keys.ensure('hub');
    const added = keys.addKey('hub');
    expect(keys.retireKeys('hub', added)).toEqual([added]);
    expect(keys.status('hub')).toMatchObject({ next: undefined, retired: [added] });
    expect(() => keys.retireKeys('hub', 'nope')).toThrow(/no key nope/);
  });
});

describe('key stores', () => {
  const jwk = () => publicJwkOf(generateKeyPairSync('ed25519').publicKey);

  it('refuses a JWKS that is not one, holds a private key, or a key that is not Ed25519', () => {
    expect(() => keysFromJwks({}, 'x')).toThrow(InvalidJwksError);
    const { privateKey } = generateKeyPairSync('ed25519');
    expect(() => keysFromJwks({ keys: [privateKey.export({ format: 'jwk' })] }, 'x')).toThrow(/private key/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    expect(() => keysFromJwks({ keys: [{ ...ec, kid: 'a' }] }, 'x')).toThrow(/not an Ed25519/);
    const one = jwk();
    expect(() => keysFromJwks({ keys: [one, one] }, 'x')).toThrow(/twice/);
    expect([...keysFromJwks({ keys: [one, { ...jwk(), use: 'enc' }] }, 'x').keys()]).toEqual([one.kid]);
  });

  it('merges several stores per service, and sees a key registered later (the operator API hook)', () => {
    const [a, b, c] = [jwk(), jwk(), jwk()];
    const files = new MemoryKeyStore();
    const registered = new MemoryKeyStore();
    files.set('adapter-fk', { keys: [a] });
    const store = new CompositeKeyStore([files, registered]);
    expect([...store.keys().get('adapter-fk')!.keys()]).toEqual([a.kid]);
    const first = store.keys();
    expect(store.keys()).toBe(first);
    registered.set('adapter-fk', { keys: [b] });
    registered.set('adapter-pm', { keys: [c] });
    expect([...store.keys().get('adapter-fk')!.keys()]).toEqual([a.kid, b.kid]);
    expect([...store.keys().get('adapter-pm')!.keys()]).toEqual([c.kid]);
    registered.delete('adapter-pm');
    expect(store.keys().has('adapter-pm')).toBe(false);
  });

  it('keeps the last good keys of a file that does not parse', () => {
    const dir = temporaryDirectory('keys-');
    const one = jwk();
    writeFileSync(join(dir, 'adapter-pm.jwks.json'), JSON.stringify({ keys: [one] }));
    const warn = jest.fn();
    const store = new FileKeyStore(dir, 0, { warn });
    expect([...store.keys().get('adapter-pm')!.keys()]).toEqual([one.kid]);
    writeFileSync(join(dir, 'adapter-pm.jwks.json'), '{"keys": [');
    utimesSync(join(dir, 'adapter-pm.jwks.json'), new Date(), new Date(Date.now() + 5_000));
    expect([...store.keys().get('adapter-pm')!.keys()]).toEqual([one.kid]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/adapter-pm.jwks.json not read/));
  });

  it('fetches JWKS from URLs, on a miss too, and keeps the last keys while a party does not answer', async () => {
    let served: unknown = { keys: [jwk()] };
    let up = true;
    const server = createServer((_req, res) => {
      if (!up) return res.writeHead(503).end();
      res
        .writeHead(200, { 'content-type': 'application/jwk-set+json', connection: 'close' })
        .end(JSON.stringify(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    const store = new HttpKeyStore({ 'adapter-fk': url }, 60_000, { warn: jest.fn() });
    try {
      await store.start();
      const first = (served as { keys: Array<{ kid: string }> }).keys[0].kid;
      expect([...store.keys().get('adapter-fk')!.keys()]).toEqual([first]);
      const second = jwk();
      served = { keys: [(served as { keys: unknown[] }).keys[0], second] };
      await store.fetchAll();
      expect([...store.keys().get('adapter-fk')!.keys()]).toEqual([first, second.kid]);
      up = false;
      await store.fetchAll();
      expect(store.keys().get('adapter-fk')!.size).toBe(2);
    } finally {
      store.stop();
      server.close();
    }
  });
});
