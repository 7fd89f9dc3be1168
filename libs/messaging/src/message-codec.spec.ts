import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type * as amqp from 'amqplib';
import { HEADERS, messageTypes } from '@hub/contracts';
import { MessageCodec, type OutgoingMessage } from './message-codec.js';
import { MemoryKeyStore } from './key-store.js';
import { MessageSigner, publicJwkOf, SignatureVerifier } from './signing.js';

const keys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>(
  ['hub', 'adapter-fk', 'adapter-af'].map((service) => [service, generateKeyPairSync('ed25519')]),
);
const published = new MemoryKeyStore();
for (const [service, { publicKey }] of keys) published.set(service, { keys: [publicJwkOf(publicKey)] });
const trustedSenders = new Map([
  ['hub', new Set(['2120001967'])],
  ['adapter-fk', new Set(['2021005521'])],
  ['adapter-af', new Set(['2021002114'])],
]);
const codecFor = (service: string, organisation: string, signRequests = false) =>
  new MessageCodec({
    identity: { service, organisation },
    registry: messageTypes,
    trustedSenders,
    verifier: new SignatureVerifier(published),
    signer: new MessageSigner(publicJwkOf(keys.get(service)!.publicKey).kid!, keys.get(service)!.privateKey),
    signRequests,
    maxBodyBytes: 16 * 1024,
  });

const hub = codecFor('hub', '2120001967');
const fk = codecFor('adapter-fk', '2021005521');
const af = codecFor('adapter-af', '2021002114');
const AGREEMENT = { id: '6f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10', version: 3 };
const referral: OutgoingMessage = {
  type: 'referral.created.v1',
  payload: messageTypes.get('referral.created.v1')!.example,
  agreement: AGREEMENT,
  purpose: 'etablering',
};
const query: OutgoingMessage = {
  ...referral,
  type: 'query.request.v1',
  payload: messageTypes.get('query.request.v1')!.example,
};

/** What the consumer receives: the published bytes and properties, with the broker-validated user id. */
const delivered = (content: Buffer, properties: amqp.Options.Publish, exchange?: string): amqp.Message =>
  ({
    content,
    properties: { headers: {}, ...properties },
    fields: { exchange: exchange ?? messageTypes.get(String(properties.type))?.exchange ?? '' },
  }) as unknown as amqp.Message;

describe('message codec', () => {
  it('round-trips a signed persistent message with every envelope field', () => {
    const { content, properties, envelope } = hub.encode(referral);
    expect(properties).toMatchObject({
      messageId: envelope.id,
      correlationId: envelope.id,
      type: 'referral.created.v1',
      userId: 'hub',
    });
    expect(properties.headers?.[HEADERS.signature]).toMatch(/\.\./);
    const decoded = fk.decode(delivered(content, properties));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.envelope).toMatchObject({
      id: envelope.id,
      type: 'referral.created.v1',
      sender: { organisation: '2120001967', service: 'hub' },
      agreement: AGREEMENT,
      purpose: 'etablering',
    });
    expect(decoded.spec.delivery).toBe('persistent');
  });

  it('signs requests only when the deployment asks, and then requires it', () => {
    const plain = hub.encode(query);
    expect(plain.properties.headers?.[HEADERS.signature]).toBeUndefined();
    expect(fk.decode(delivered(plain.content, plain.properties)).ok).toBe(true);
    const strict = codecFor('adapter-fk', '2021005521', true);
    expect(strict.decode(delivered(plain.content, plain.properties))).toEqual({
      ok: false,
      reason: 'signature missing',
    });
    const signed = codecFor('hub', '2120001967', true).encode(query);
    expect(strict.decode(delivered(signed.content, signed.properties)).ok).toBe(true);
  });

  it.each([
    ['no user_id', (m: amqp.Message) => delete m.properties.userId, /no user_id/],
    ['an unknown broker user', (m: amqp.Message) => (m.properties.userId = 'intruder'), /not a trusted service/],
    [
      'a user claiming another service',
      (m: amqp.Message) => (m.properties.userId = 'adapter-fk'),
      /bad signature: signed by hub/,
    ],
    ['a message id that differs', (m: amqp.Message) => (m.properties.messageId = 'other'), /message id property/],
    ['a missing signature', (m: amqp.Message) => (m.properties.headers = {}), /signature missing/],
  ])('refuses %s', (_name, tamper, reason) => {
    const { content, properties } = hub.encode(referral);
    const message = delivered(content, { ...properties, headers: { ...properties.headers } });
    tamper(message);
    expect(fk.decode(message)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('refuses an envelope speaking for an organisation its broker user may not speak for', () => {
    const impostor = codecFor('hub', '2021005521');
    const { content, properties } = impostor.encode(referral);
    expect(fk.decode(delivered(content, properties))).toEqual({
      ok: false,
      reason: expect.stringMatching(/claims hub\/2021005521/),
    });
  });

  it('looks again at the key stores before refusing a key id not known yet (a JWKS URL fetched now and then)', async () => {
    const late = new MemoryKeyStore();
    late.set('hub', { keys: [] });
    let looked = 0;
    const store = {
      keys: () => late.keys(),
      refresh: async () => {
        looked++;
        late.set('hub', { keys: [publicJwkOf(keys.get('hub')!.publicKey)] });
      },
    };
    const receiver = new MessageCodec({
      identity: { service: 'adapter-fk', organisation: '2021005521' },
      registry: messageTypes,
      trustedSenders,
      verifier: new SignatureVerifier(store),
      maxBodyBytes: 16 * 1024,
    });
    const { content, properties } = hub.encode(referral);
    expect(await receiver.decodeWithFreshKeys(delivered(content, properties))).toMatchObject({ ok: true });
    expect(looked).toBeGreaterThan(0);
    // a bad signature is no reason to look again
    looked = 0;
    const tampered = Buffer.from(content.toString().replace('etablering', 'vagledning'));
    expect(await receiver.decodeWithFreshKeys(delivered(tampered, properties))).toMatchObject({ ok: false });
    expect(looked).toBe(0);
  });

  it('trusts senders added later (an agency registered while running), and forgets them when replaced', () => {
    const hubAlone = new MessageCodec({
      identity: { service: 'hub', organisation: '2120001967' },
      registry: messageTypes,
      trustedSenders: new Map([['hub', new Set(['2120001967'])]]),
      verifier: new SignatureVerifier(published),
      maxBodyBytes: 16 * 1024,
    });
    const announcement = fk.encode({
      type: 'catalogue.announced.v1',
      payload: messageTypes.get('catalogue.announced.v1')!.example,
    });
    const receive = () => hubAlone.decode(delivered(announcement.content, announcement.properties));
    expect(receive()).toMatchObject({ ok: false, reason: 'sender adapter-fk is not a trusted service' });
    hubAlone.trust(new Map([['adapter-fk', new Set(['2021005521'])]]));
    expect(receive()).toMatchObject({ ok: true });
    expect(hubAlone.trustedServices).toEqual(['hub', 'adapter-fk']);
    hubAlone.trust(new Map());
    expect(receive()).toMatchObject({ ok: false });
  });

  it('refuses oversized bodies before reading them, and will not encode one', () => {
    const big = delivered(Buffer.alloc(16 * 1024 + 1, 0x20), { userId: 'hub' });
    expect(fk.decode(big)).toEqual({ ok: false, reason: expect.stringMatching(/^oversized/) });
    expect(() => hub.encode({ ...referral, payload: { ...referral.payload, message: 'x'.repeat(20_000) } })).toThrow(
      /limit/,
    );
  });

  it('refuses a referral without its agreement, and an unknown type', () => {
    const { agreement: _agreement, ...noAgreement } = referral;
    const encoded = hub.encode(noAgreement);
    expect(fk.decode(delivered(encoded.content, encoded.properties))).toEqual({
      ok: false,
      reason: expect.stringMatching(/agreement/),
    });
    expect(() => hub.encode({ ...referral, type: 'referral.created.v9' })).toThrow(/unknown message type/);
  });

  describe('sender rules', () => {
    const hubOnly: Array<[string, object]> = [
      ['consent.revoked.v1', {}],
      ['agreement.changed.v1', {}],
      ['referral.created.v1', { agreement: AGREEMENT, purpose: 'etablering' }],
    ];

    it.each(hubOnly)('refuses %s signed and sent by an agency, on any exchange', (type, extra) => {
      const forged = fk.encode({ type, payload: messageTypes.get(type)!.example, ...extra });
      for (const exchange of ['hub.event', 'hub.referral', '']) {
        expect(af.decode(delivered(forged.content, forged.properties, exchange))).toEqual({
          ok: false,
          reason: expect.stringMatching(
            new RegExp(`^sender rule: ${type.replace(/\./g, '\\.')} may not be sent by agency fk`),
          ),
        });
      }
    });

    it("takes an agency's status event only for its own agency, and only through hub.event", () => {
      const example = messageTypes.get('referral.status.v1')!.example as { agency: string };
      const status = (agency: string) =>
        fk.encode({
          type: 'referral.status.v1',
          payload: { ...example, agency },
          agreement: AGREEMENT,
          purpose: 'etablering',
        });
      const own = status('fk');
      expect(hub.decode(delivered(own.content, own.properties, 'hub.event')).ok).toBe(true);
      expect(hub.decode(delivered(own.content, own.properties, ''))).toEqual({
        ok: false,
        reason: expect.stringMatching(/must come through hub\.event, came through ''/),
      });
      const other = status('af');
      expect(hub.decode(delivered(other.content, other.properties, 'hub.event'))).toEqual({
        ok: false,
        reason: expect.stringMatching(/from agency fk speaks for agency af/),
      });
    });

    it('takes what the hub sent through the default exchange: only the hub may write there (a replay)', () => {
      const { content, properties } = hub.encode(referral);
      expect(fk.decode(delivered(content, properties, '')).ok).toBe(true);
      expect(fk.decode(delivered(content, properties, 'hub.event'))).toEqual({
        ok: false,
        reason: expect.stringMatching(/must come through hub\.referral/),
      });
    });
  });
});
