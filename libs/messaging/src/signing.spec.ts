import { generateKeyPairSync } from 'node:crypto';
import { CompactSign, calculateJwkThumbprint, compactVerify, exportJWK } from 'jose';
import { MemoryKeyStore } from './key-store.js';
import { jwkThumbprint, MessageSigner, publicJwkOf, SignatureVerifier } from './signing.js';

const body = Buffer.from(JSON.stringify({ id: 'b9a5', payload: { subject: '191212121212' } }));

describe('detached JWS signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = publicJwkOf(publicKey).kid!;
  const signer = new MessageSigner(kid, privateKey);
  const store = new MemoryKeyStore();
  store.set('hub', { keys: [publicJwkOf(publicKey)] });
  const verifier = new SignatureVerifier(store);

  it('names keys by their RFC 7638 thumbprint, as JOSE libraries compute it', async () => {
    expect(kid).toBe(await calculateJwkThumbprint(await exportJWK(publicKey), 'sha256'));
    expect(jwkThumbprint(publicJwkOf(privateKey))).toBe(kid);
    expect(kid).not.toBe('hub');
  });

  it('verifies what it signs, and nothing else', () => {
    const jws = signer.sign(body);
    expect(jws).toMatch(/^[\w-]+\.\.[\w-]+$/);
    expect(verifier.verify(body, jws, 'hub')).toEqual({ ok: true, keyId: kid });
    expect(verifier.verify(Buffer.from(body.toString().replace('1212', '1213')), jws, 'hub')).toEqual({
      ok: false,
      reason: 'signature does not match the body',
    });
  });

  it("never takes another service's key for this sender, an unknown key id, alg none or junk", () => {
    const jws = signer.sign(body);
    expect(verifier.verify(body, jws, 'adapter-fk')).toEqual({
      ok: false,
      reason: `signed by hub (key ${kid}), sent by adapter-fk`,
    });
    const other = generateKeyPairSync('ed25519');
    const otherKid = publicJwkOf(other.publicKey).kid!;
    const unknown = new MessageSigner(otherKid, other.privateKey);
    expect(verifier.verify(body, unknown.sign(body), 'hub')).toEqual({
      ok: false,
      reason: `key ${otherKid} is not a published key of hub (unknown or retired)`,
      unknownKey: true,
    });
    // a JWKS that lists the hub's key id for another key does not lend that key to the hub
    const impostor = new MemoryKeyStore();
    impostor.set('hub', { keys: [publicJwkOf(publicKey)] });
    impostor.set('adapter-fk', { keys: [{ ...publicJwkOf(other.publicKey), kid }] });
    const forged = new MessageSigner(kid, other.privateKey).sign(body);
    expect(new SignatureVerifier(impostor).verify(body, forged, 'hub')).toMatchObject({
      ok: false,
      reason: 'signature does not match the body',
    });
    const none = `${Buffer.from(`{"alg":"none","kid":"${kid}"}`).toString('base64url')}..`;
    expect(verifier.verify(body, none, 'hub')).toMatchObject({
      ok: false,
      reason: 'signature algorithm none not accepted',
    });
    const noKid = `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}..${jws.split('.')[2]}`;
    expect(verifier.verify(body, noKid, 'hub')).toMatchObject({ ok: false, reason: 'signature names no key id' });
    expect(verifier.verify(body, 'garbage', 'hub')).toMatchObject({ ok: false });
    expect(verifier.verify(body, undefined, 'hub')).toMatchObject({ ok: false, reason: 'signature missing' });
  });

  it('accepts two keys of one service at once, and the old kid = service name only against that service', () => {
    const next = generateKeyPairSync('ed25519');
    const rotating = new MemoryKeyStore();
    rotating.set('hub', { keys: [publicJwkOf(publicKey), publicJwkOf(next.publicKey)] });
    rotating.set('adapter-fk', { keys: [publicJwkOf(generateKeyPairSync('ed25519').publicKey)] });
    const both = new SignatureVerifier(rotating);
    const nextSigner = new MessageSigner(publicJwkOf(next.publicKey).kid!, next.privateKey);
    expect(both.verify(body, signer.sign(body), 'hub')).toMatchObject({ ok: true, keyId: kid });
    expect(both.verify(body, nextSigner.sign(body), 'hub')).toMatchObject({ ok: true });

    const legacy = new MessageSigner('hub', privateKey).sign(body);
    expect(both.verify(body, legacy, 'hub')).toEqual({ ok: true, keyId: kid });
    expect(both.verify(body, legacy, 'adapter-fk')).toEqual({ ok: false, reason: 'signed by hub, sent by adapter-fk' });
    expect(new SignatureVerifier(rotating, { legacyKeyIds: false }).verify(body, legacy, 'hub')).toMatchObject({
      ok: false,
      reason: 'key hub is not a published key of hub (unknown or retired)',
    });
  });

  it('is standard JWS: a JOSE library verifies ours, and we verify one made by a JOSE library', async () => {
    const jws = signer.sign(body);
    const [header, , signature] = jws.split('.');
    const attached = `${header}.${body.toString('base64url')}.${signature}`;
    const verified = await compactVerify(attached, publicKey);
    expect(Buffer.from(verified.payload)).toEqual(body);
    expect(verified.protectedHeader).toEqual({ alg: 'EdDSA', kid });

    const made = await new CompactSign(body).setProtectedHeader({ alg: 'EdDSA', kid }).sign(privateKey);
    const [h, , s] = made.split('.');
    expect(verifier.verify(body, `${h}..${s}`, 'hub')).toEqual({ ok: true, keyId: kid });
  });

  it('refuses keys that are not Ed25519', () => {
    const { privateKey: ec } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => new MessageSigner('hub', ec)).toThrow(/Ed25519/);
  });
});
