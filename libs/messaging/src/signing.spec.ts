import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, compactVerify, importJWK } from 'jose';
import { KeyDirectory, MessageSigner, SignatureVerifier } from './signing.js';

const body = Buffer.from(JSON.stringify({ id: 'b9a5', payload: { subject: '191212121212' } }));

describe('detached JWS signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signer = new MessageSigner('hub', privateKey);
  const verifier = new SignatureVerifier((kid) => (kid === 'hub' ? publicKey : undefined));

  it('verifies what it signs, and nothing else', () => {
    const jws = signer.sign(body);
    expect(jws).toMatch(/^[\w-]+\.\.[\w-]+$/);
    expect(verifier.verify(body, jws, 'hub')).toEqual({ ok: true, keyId: 'hub' });
    expect(verifier.verify(Buffer.from(body.toString().replace('1212', '1213')), jws, 'hub')).toEqual({
      ok: false,
      reason: 'signature does not match the body',
    });
  });

  it('refuses a signature by another key id than the broker user, a missing key, alg none and junk', () => {
    const jws = signer.sign(body);
    expect(verifier.verify(body, jws, 'adapter-fk')).toMatchObject({
      ok: false,
      reason: 'signed by hub, sent by adapter-fk',
    });
    const other = new MessageSigner('adapter-fk', generateKeyPairSync('ed25519').privateKey);
    expect(verifier.verify(body, other.sign(body), 'adapter-fk')).toMatchObject({
      ok: false,
      reason: 'no trusted key for adapter-fk',
    });
    const none = `${Buffer.from('{"alg":"none","kid":"hub"}').toString('base64url')}..`;
    expect(verifier.verify(body, none, 'hub')).toMatchObject({
      ok: false,
      reason: 'signature algorithm none not accepted',
    });
    expect(verifier.verify(body, 'garbage', 'hub')).toMatchObject({ ok: false });
    expect(verifier.verify(body, undefined, 'hub')).toMatchObject({ ok: false, reason: 'signature missing' });
  });

  it('is standard JWS: a JOSE library verifies ours, and we verify one made by a JOSE library', async () => {
    const jws = signer.sign(body);
    const [header, , signature] = jws.split('.');
    const attached = `${header}.${body.toString('base64url')}.${signature}`;
    const verified = await compactVerify(attached, publicKey);
    expect(Buffer.from(verified.payload)).toEqual(body);

    const made = await new CompactSign(body).setProtectedHeader({ alg: 'EdDSA', kid: 'hub' }).sign(privateKey);
    const [h, , s] = made.split('.');
    expect(verifier.verify(body, `${h}..${s}`, 'hub')).toEqual({ ok: true, keyId: 'hub' });
  });

  it('refuses keys that are not Ed25519', () => {
    const { privateKey: ec } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => new MessageSigner('hub', ec)).toThrow(/Ed25519/);
  });
});

describe('key directory', () => {
  it('generates a key pair once, as JWK, and trusts the public keys it holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const keys = new KeyDirectory(dir);
    expect(() => keys.signerFor('adapter-fk', false)).toThrow(/no signing key/);
    const signer = keys.signerFor('adapter-fk', true);
    const again = keys.signerFor('adapter-fk', false);
    const jws = signer.sign(body);
    expect(again.sign(body)).toBe(jws);
    expect(keys.verifier().verify(body, jws, 'adapter-fk')).toEqual({ ok: true, keyId: 'adapter-fk' });
    const { readFileSync } = await import('node:fs');
    const publicJwk = JSON.parse(readFileSync(join(dir, 'public', 'adapter-fk.jwk.json'), 'utf8'));
    expect(publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'adapter-fk', alg: 'EdDSA' });
    expect(publicJwk.d).toBeUndefined();
    await expect(importJWK(publicJwk, 'EdDSA')).resolves.toBeDefined();
  });
});
