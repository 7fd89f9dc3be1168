import { createHash, generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import type { Citizen } from './citizens.js';
import { LOA3, QR_MAX_AGE_SECONDS, qrAuthCode, qrPayload, SIGNATURE_TYP, SigningOrders } from './signing-orders.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingKey = { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'k1', alg: 'ES256' };
const { d: _d, ...publicKey } = signingKey;
const ISSUER = 'http://eid.test';
const CITIZEN: Citizen = {
  personnummer: '191212121212',
  givenName: 'Tolvan',
  surname: 'Tolvansson',
  name: 'Tolvan Tolvansson',
  birthDate: '1912-12-12',
};
const OTHER: Citizen = { ...CITIZEN, personnummer: '198112189876', name: 'Annan Person' };

function setup() {
  let now = Date.parse('2026-03-01T09:00:00Z');
  const orders = new SigningOrders({
    issuer: ISSUER,
    signingKey,
    orderTtlSeconds: 180,
    qrBaseUrl: `${ISSUER}/app`,
    now: () => now,
  });
  return { orders, advance: (ms: number) => (now += ms) };
}

/** What the phone does with a QR payload: read t, s and c from the URL. */
function scanPayload(orders: SigningOrders, payload: string) {
  const url = new URL(payload);
  return orders.scan(url.searchParams.get('t')!, Number(url.searchParams.get('s')), url.searchParams.get('c')!);
}

describe('signing orders', () => {
  it('derives a new QR payload every second from the secret, with HMAC-SHA256', () => {
    const secret = 'a'.repeat(64);
    const first = qrPayload(`${ISSUER}/app`, 'token', secret, 0);
    const second = qrPayload(`${ISSUER}/app`, 'token', secret, 1);
    expect(first).not.toBe(second);
    expect(new URL(second).searchParams.get('c')).toBe(qrAuthCode(secret, 1));
    expect(qrAuthCode(secret, 1)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes an order from pending through the phone to a signature the published key verifies', async () => {
    const t = setup();
    const text = 'Jag samtycker.\nÖrebro kommun';
    const started = t.orders.start('hub', text);
    expect(t.orders.collect('hub', started.orderId)).toEqual({
      orderId: started.orderId,
      status: 'pending',
      hintCode: 'outstandingTransaction',
    });
    t.advance(2_400);
    const scanned = scanPayload(t.orders, qrPayload(started.qrBaseUrl, started.qrStartToken, started.qrStartSecret, 2));
    if (!scanned.ok) throw new Error(scanned.reason);
    expect(t.orders.collect('hub', started.orderId)?.hintCode).toBe('userSign');
    expect(t.orders.onPhone(scanned.deviceToken)?.text).toBe(text);

    const signed = await t.orders.sign(scanned.deviceToken, CITIZEN);
    if (!signed.ok) throw new Error(signed.reason);
    const collected = t.orders.collect('hub', started.orderId)!;
    expect(collected.status).toBe('complete');
    const textSha256 = createHash('sha256').update(text, 'utf8').digest('hex');
    expect(collected.completionData).toMatchObject({
      user: { personnummer: CITIZEN.personnummer, name: CITIZEN.name },
      textSha256,
      loa: LOA3,
    });
    const { payload, protectedHeader } = await jwtVerify(
      collected.completionData!.signature,
      createLocalJWKSet({ keys: [publicKey] }),
      { issuer: ISSUER, audience: 'hub', typ: SIGNATURE_TYP, currentDate: new Date('2026-03-01T09:00:03Z') },
    );
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({
      order: started.orderId,
      personnummer: CITIZEN.personnummer,
      textSha256,
      acr: LOA3,
    });
  });

  it('refuses a wrong code, a code from the future or too old, and a second phone', () => {
    const t = setup();
    const started = t.orders.start('hub', 'text');
    const at = (s: number) => qrPayload(started.qrBaseUrl, started.qrStartToken, started.qrStartSecret, s);
    const forged = new URL(at(0));
    forged.searchParams.set('c', qrAuthCode('another secret', 0));
    expect(scanPayload(t.orders, forged.href)).toEqual({ ok: false, reason: 'unknown' });
    expect(scanPayload(t.orders, at(5))).toEqual({ ok: false, reason: 'stale' });
    t.advance((QR_MAX_AGE_SECONDS + 2) * 1000);
    expect(scanPayload(t.orders, at(0))).toEqual({ ok: false, reason: 'stale' });
    expect(scanPayload(t.orders, at(QR_MAX_AGE_SECONDS + 2)).ok).toBe(true);
    expect(scanPayload(t.orders, at(QR_MAX_AGE_SECONDS + 2))).toEqual({ ok: false, reason: 'taken' });
  });

  it('signs only for the expected person, and only for a known citizen', async () => {
    const t = setup();
    const started = t.orders.start('hub', 'text', CITIZEN.personnummer);
    const scanned = scanPayload(t.orders, qrPayload(started.qrBaseUrl, started.qrStartToken, started.qrStartSecret, 0));
    if (!scanned.ok) throw new Error(scanned.reason);
    expect(await t.orders.sign(scanned.deviceToken, OTHER)).toEqual({ ok: false, reason: 'other-person' });
    expect(await t.orders.sign(scanned.deviceToken, undefined)).toEqual({ ok: false, reason: 'unknown-citizen' });
    expect(t.orders.collect('hub', started.orderId)?.status).toBe('pending');
    expect((await t.orders.sign(scanned.deviceToken, CITIZEN)).ok).toBe(true);
  });

  it('ends as failed when the citizen refuses, cancelled by the client, expired after its time', () => {
    const t = setup();
    const refused = t.orders.start('hub', 'a');
    const scanned = scanPayload(t.orders, qrPayload(refused.qrBaseUrl, refused.qrStartToken, refused.qrStartSecret, 0));
    if (!scanned.ok) throw new Error(scanned.reason);
    t.orders.refuse(scanned.deviceToken);
    expect(t.orders.collect('hub', refused.orderId)).toMatchObject({ status: 'failed', hintCode: 'userCancel' });

    const cancelled = t.orders.start('hub', 'b');
    expect(t.orders.cancel('hub', cancelled.orderId)).toBe(true);
    expect(t.orders.collect('hub', cancelled.orderId)?.status).toBe('cancelled');

    const expiring = t.orders.start('hub', 'c');
    t.advance(180_000);
    expect(t.orders.collect('hub', expiring.orderId)?.status).toBe('expired');
    t.orders.close();
  });

  it('does not show one client another client’s order', () => {
    const t = setup();
    const started = t.orders.start('hub', 'text');
    expect(t.orders.collect('another', started.orderId)).toBeUndefined();
    expect(t.orders.cancel('another', started.orderId)).toBe(false);
    expect(t.orders.collect('hub', started.orderId)?.status).toBe('pending');
  });
});
