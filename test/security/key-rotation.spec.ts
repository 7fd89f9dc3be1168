import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jest } from '@jest/globals';
import { catalogueOf } from '@hub/adapter-kit';
import { EXCHANGES, messageTypes, ORGANISATIONS, routingKeys } from '@hub/contracts';
import {
  KeyDirectory,
  MemoryKeyStore,
  MessageCodec,
  MessageSigner,
  MessagingClient,
  SignatureVerifier,
  jwkThumbprint,
  type Jwk,
  type MessageCodecOptions,
  type VerifyResult,
} from '@hub/messaging';
import { rotateKeys } from '../../scripts/keys-rotate.js';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import { rawChannel, testPool, waitFor } from '../support/env.js';
import { USERS } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';

/**
 * Försäkringskassan's adapter rotates its signing key while referrals and queries flow both ways. The hub knows the
 * adapter's keys only from the adapter's JWKS URL, and the adapter the hub's only from the hub's: no key is shared
 * through a folder. Nothing may be lost, doubled, parked or refused on the way; a retired or unknown key, or another
 * service's key, is refused afterwards.
 */
const FAST_CASEWORKER = {
  CASEWORKER: 'simulated',
  CASEWORKER_ACCEPT_AFTER_MS: '100',
  CASEWORKER_START_AFTER_MS: '100',
  CASEWORKER_CLOSE_AFTER_MS: '100',
  CASEWORKER_DECLINE_RATE: '0',
};
const KEYS_ENV = ['KEYS_DIR', 'JWKS_URLS', 'KEYS_REFRESH_MS', 'SIGN_REQUESTS'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const format = (personnummer: string) => `${personnummer.slice(0, 8)}-${personnummer.slice(8)}`;

const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

const folders: string[] = [];

/** A folder holding one service's private key and the published JWKS of the given services, copied from var/keys. */
function keysFolder(own: string, trusted: string[]): string {
  const source = resolve(process.env.KEYS_DIR ?? 'var/keys');
  new KeyDirectory(source).ensure(own);
  const dir = mkdtempSync(join(tmpdir(), `keys-${own}-`));
  folders.push(dir);
  mkdirSync(join(dir, 'private'));
  mkdirSync(join(dir, 'public'));
  copyFileSync(join(source, 'private', `${own}.jwk.json`), join(dir, 'private', `${own}.jwk.json`));
  for (const service of [own, ...trusted]) {
    copyFileSync(join(source, 'public', `${service}.jwks.json`), join(dir, 'public', `${service}.jwks.json`));
  }
  return dir;
}

/** Every signature check a service's codec makes, with its outcome. */
function recordVerifications(messaging: MessagingClient) {
  const verifier = (messaging.codec as unknown as { options: MessageCodecOptions }).options.verifier;
  const spy = jest.spyOn(verifier, 'verify');
  return () =>
    spy.mock.calls.map(([, , sender], i) => ({ sender, result: spy.mock.results[i]?.value as VerifyResult }));
}

describe('rotating an adapter’s signing key under traffic', () => {
  const pool = testPool();
  const saved = Object.fromEntries(KEYS_ENV.map((name) => [name, process.env[name]]));
  let system: RunningSystem;
  let fkKeys: string;
  let hubKeys: string;
  let subject: string;
  let consentId: string;
  let retiredJwk: Jwk;
  let hubVerified: () => Array<{ sender: string; result: VerifyResult }>;
  let fkVerified: () => Array<{ sender: string; result: VerifyResult }>;
  const startedAt = new Date();

  const hubMessaging = () => system.hub.app.get(MessagingClient);
  const hubKnows = (kid: string) => hubMessaging().keys?.remote?.keys().get('adapter-fk')?.has(kid) === true;
  const call = (method: string, path: string, body?: unknown) =>
    system.hub.call(method, path, { as: USERS.guide, body });
  const referralOf = async (id: string) => (await call('GET', `/api/referrals/${id}`)).body;

  beforeAll(async () => {
    const [hubPort, fkPort] = [await freePort(), await freePort()];
    hubKeys = keysFolder('hub', ['adapter-af', 'adapter-skv']);
    fkKeys = keysFolder('adapter-fk', []);
    const varKeys = resolve(process.env.KEYS_DIR ?? 'var/keys');
    const others = { KEYS_DIR: varKeys, JWKS_URLS: '', SIGN_REQUESTS: 'true' };
    system = await startSystem(
      {
        fk: {
          ...FAST_CASEWORKER,
          PORT: String(fkPort),
          KEYS_DIR: fkKeys,
          JWKS_URLS: `hub=http://127.0.0.1:${hubPort}/.well-known/jwks.json`,
          KEYS_REFRESH_MS: '300',
          SIGN_REQUESTS: 'true',
        },
        af: others,
        skv: others,
      },
      {
        hub: {
          port: hubPort,
          env: {
            KEYS_DIR: hubKeys,
            JWKS_URLS: `adapter-fk=http://127.0.0.1:${fkPort}/.well-known/jwks.json`,
            KEYS_REFRESH_MS: '300',
            SIGN_REQUESTS: 'true',
          },
        },
      },
    );
    hubVerified = recordVerifications(hubMessaging());
    fkVerified = recordVerifications(system.adapters.fk.app.get(MessagingClient));
    const { people } = await registerExamples(pool, ADAPTERS.fk);
    subject = people.withAllFk.subject;
    const consent = await call('POST', '/api/consents', {
      subject: format(subject),
      purposes: ['vagledning'],
      agencies: ['fk'],
      categories: ['fk.utbetalningar'],
      method: 'in-person-verbal',
      validUntil: '2027-06-30',
    });
    expect(consent.status).toBe(201);
    consentId = consent.body.id;
  }, 120_000);

  afterAll(async () => {
    await system?.close();
    await pool.end();
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('serves each party’s public keys as a JWKS, under thumbprint key ids', async () => {
    const response = await fetch(`${system.hub.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/jwk-set\+json/);
    const jwks = (await response.json()) as { keys: Jwk[] };
    expect(jwks).toEqual(new KeyDirectory(hubKeys).publishedJwks('hub'));
    expect(jwks.keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: jwkThumbprint(jwks.keys[0]), alg: 'EdDSA', use: 'sig' },
    ]);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    const fk = await fetch(`${system.adapters.fk.url}/.well-known/jwks.json`);
    expect(((await fk.json()) as { keys: Jwk[] }).keys.map((k) => k.kid)).toEqual(
      new KeyDirectory(fkKeys).status('adapter-fk').published,
    );
  });

  it('loses, doubles, parks and refuses nothing while FK adds a key, signs with it and retires the old one', async () => {
    const referrals: string[] = [];
    const queries: string[] = [];
    let stop = false;
    const traffic = (async () => {
      while (!stop) {
        const sent = await call('POST', '/api/referrals', {
          subject,
          agency: 'fk',
          referralType: 'fk.bostadsbidrag-ansokan',
          purpose: 'vagledning',
          message: 'Behöver hjälp att ansöka om bostadsbidrag.',
          contactPreference: 'phone',
        });
        if (sent.status !== 201) throw new Error(`referral: ${sent.status} ${JSON.stringify(sent.body)}`);
        referrals.push(sent.body.id);
        const asked = await call('POST', '/api/queries', {
          subject: format(subject),
          purpose: 'vagledning',
          agencies: ['fk'],
          categories: ['fk.utbetalningar'],
          consentId,
        });
        queries.push(asked.status === 200 ? asked.body.results[0].status : `http ${asked.status}`);
        await sleep(40);
      }
    })();
    const keys = new KeyDirectory(fkKeys);
    const old = keys.status('adapter-fk').active!;
    await sleep(800);

    // 1. a new key, published beside the old one; the hub takes it up from FK's JWKS URL
    rotateKeys(['--service', 'adapter-fk'], fkKeys);
    const added = keys.status('adapter-fk').next!;
    await waitFor(() => hubKnows(added) && hubKnows(old), 10_000, 'the hub to take up the new key');
    retiredJwk = JSON.parse(readFileSync(join(fkKeys, 'private', 'adapter-fk.jwk.json'), 'utf8'));
    await sleep(500);

    // 2. FK signs with it, without a restart
    rotateKeys(['--service', 'adapter-fk', '--activate'], fkKeys);
    const fromFk = () => hubVerified().filter((v) => v.sender === 'adapter-fk');
    await waitFor(
      () => fromFk().some((v) => v.result.ok && v.result.keyId === added),
      15_000,
      'a message signed with the new key',
    );
    // 3. once nothing signed with the old key can still be waiting: every referral sent so far is closed
    const before = [...referrals];
    await waitFor(
      async () => (await Promise.all(before.map(referralOf))).every((r) => r.status === 'closed'),
      30_000,
      'the referrals sent before the switch to be closed',
    );
    const atRetirement = fromFk().length;
    rotateKeys(['--service', 'adapter-fk', '--retire'], fkKeys);
    await waitFor(() => !hubKnows(old), 10_000, 'the hub to drop the retired key');
    await sleep(800);
    stop = true;
    await traffic;

    await waitFor(
      async () => (await Promise.all(referrals.map(referralOf))).every((r) => r.status === 'closed'),
      30_000,
      'every referral to be closed',
    );
    for (const id of referrals) {
      const referral = await referralOf(id);
      expect({ id, timeline: referral.timeline.map((e: { status: string }) => e.status) }).toEqual({
        id,
        timeline: ['sent', 'received', 'accepted', 'in-progress', 'closed'],
      });
    }
    expect(referrals.length).toBeGreaterThan(5);
    expect(queries.filter((status) => status !== 'ok')).toEqual([]);

    // every signature checked on either side held; both keys were used, the old one never after its retirement
    const checks = [...hubVerified(), ...fkVerified()];
    expect(checks.filter((v) => !v.result.ok)).toEqual([]);
    const kids = fromFk().map((v) => (v.result as { keyId: string }).keyId);
    expect(new Set(kids)).toEqual(new Set([old, added]));
    expect(kids.slice(atRetirement)).not.toContain(old);
    expect(fkVerified().some((v) => v.sender === 'hub')).toBe(true);

    const stats = [
      ...Object.values(hubMessaging().consumerStats()),
      ...Object.values(system.adapters.fk.app.get(MessagingClient).consumerStats()),
    ];
    expect(stats.reduce((sum, s) => sum + s.parked, 0)).toBe(0);
    const { rows } = await pool.query(`SELECT reason FROM hub.parked_message WHERE parked_at >= $1`, [startedAt]);
    expect(rows).toEqual([]);
  }, 120_000);

  it('refuses a message signed with the retired key, an unknown key or the hub’s key, parking it with the reason', async () => {
    const hubJwk = JSON.parse(readFileSync(join(hubKeys, 'private', 'hub.jwk.json'), 'utf8')) as Jwk;
    const unknown = generateKeyPairSync('ed25519').privateKey;
    const unknownKid = jwkThumbprint(unknown.export({ format: 'jwk' }) as Jwk);
    const signers = {
      retired: new MessageSigner(
        jwkThumbprint(retiredJwk),
        createPrivateKey({ key: retiredJwk as never, format: 'jwk' }),
      ),
      unknown: new MessageSigner(unknownKid, unknown),
      hub: new MessageSigner(jwkThumbprint(hubJwk), createPrivateKey({ key: hubJwk as never, format: 'jwk' })),
    };
    const expected = {
      retired: `bad signature: key ${signers.retired.keyId} is not a published key of adapter-fk (unknown or retired)`,
      unknown: `bad signature: key ${unknownKid} is not a published key of adapter-fk (unknown or retired)`,
      hub: `bad signature: signed by hub (key ${signers.hub.keyId}), sent by adapter-fk`,
    };
    const raw = await rawChannel('adapter-fk');
    const ids: Record<string, string> = {};
    try {
      for (const [name, signer] of Object.entries(signers)) {
        // FK's broker login (its user_id is what the hub checks the key against), a key that is not FK's to use
        const codec = new MessageCodec({
          identity: { service: 'adapter-fk', organisation: ORGANISATIONS.fk },
          registry: messageTypes,
          trustedSenders: new Map(),
          verifier: new SignatureVerifier(new MemoryKeyStore()),
          signer,
          maxBodyBytes: 256 * 1024,
        });
        const encoded = codec.encode({ type: 'catalogue.announced.v1', payload: catalogueOf(ADAPTERS.fk) });
        ids[name] = encoded.envelope.id;
        raw.channel.publish(EXCHANGES.event, routingKeys.catalogueAnnounced('fk'), encoded.content, {
          ...encoded.properties,
          persistent: true,
        });
      }
      await raw.channel.waitForConfirms();
    } finally {
      await raw.close();
    }
    let parked: Array<{ message_id: string; reason: string }> = [];
    await waitFor(
      async () =>
        (parked = (
          await pool.query(`SELECT message_id, reason FROM hub.parked_message WHERE message_id = ANY($1)`, [
            Object.values(ids),
          ])
        ).rows).length === 3,
      20_000,
      'the three forgeries to be parked',
    );
    for (const [name, id] of Object.entries(ids)) {
      expect({ name, reason: parked.find((p) => p.message_id === id)?.reason }).toEqual({
        name,
        reason: expected[name as keyof typeof expected],
      });
    }
  }, 60_000);
});
