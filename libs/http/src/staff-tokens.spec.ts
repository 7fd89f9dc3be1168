import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { StaffTokenVerifier, VERIFIED_TOKEN_TTL_MS } from './staff-tokens.js';

const ISSUER = 'https://idp.spec.invalid';
const AUDIENCE = 'samtjanst-hub';

const directories: string[] = [];
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

function issuer() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const directory = mkdtempSync(join(tmpdir(), 'staff-tokens-spec-'));
  directories.push(directory);
  const file = join(directory, 'jwks.json');
  writeFileSync(file, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k', alg: 'ES256' }] }));
  const unsigned = (issuedAtSeconds: number, roles = ['guide']) =>
    new SignJWT({ name: 'Anna', organisation: '2120001967', unit: 'Servicecenter', roles })
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .setSubject('anna.guide')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAtSeconds);
  const sign = (expiresAtSeconds: number, roles = ['guide']) =>
    unsigned(expiresAtSeconds - 600, roles)
      .setExpirationTime(expiresAtSeconds)
      .sign(privateKey);
  /** a token the issuer gave no end: without `exp` */
  const signForever = (issuedAtSeconds: number) => unsigned(issuedAtSeconds).sign(privateKey);
  return { file, sign, signForever };
}

describe('StaffTokenVerifier', () => {
  const start = Date.parse('2026-11-23T12:00:00Z');
  let clock = start;
  const { file, sign, signForever } = issuer();
  const verifier = () =>
    new StaffTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { file }, now: () => clock });

  beforeEach(() => {
    clock = start;
  });

  it('accepts a token it verified before, as the same user, without sharing the object', async () => {
    const tokens = verifier();
    const token = await sign(start / 1000 + 300);
    const first = await tokens.verify(token);
    first.roles.push('admin');
    const second = await tokens.verify(token);
    expect(second).toEqual({
      id: 'anna.guide',
      name: 'Anna',
      organisation: '2120001967',
      unit: 'Servicecenter',
      roles: ['guide'],
    });
  });

  it('refuses a remembered token once it has expired', async () => {
    const tokens = verifier();
    const token = await sign(start / 1000 + 30);
    await tokens.verify(token);
    clock = start + 31_000;
    await expect(tokens.verify(token)).rejects.toMatchObject({ response: { error: 'invalid-token' } });
  });

  it('verifies a long-lived token again after the remembering period, against the keys', async () => {
    const tokens = verifier();
    const token = await sign(start / 1000 + 7200);
    await tokens.verify(token);
    clock = start + VERIFIED_TOKEN_TTL_MS + 1;
    // a verifier that trusts other keys now (the issuer withdrew this one) refuses it after the period
    const rotated = new StaffTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: { file: issuer().file },
      now: () => clock,
    });
    await expect(rotated.verify(token)).rejects.toMatchObject({ response: { error: 'invalid-token' } });
    await expect(tokens.verify(token)).resolves.toMatchObject({ id: 'anna.guide' });
  });

  it('does not remember a refused token', async () => {
    const tokens = verifier();
    const token = await sign(start / 1000 - 1);
    await expect(tokens.verify(token)).rejects.toMatchObject({ response: { error: 'invalid-token' } });
    await expect(tokens.verify(token)).rejects.toMatchObject({ response: { error: 'invalid-token' } });
  });

  it('refuses a token without an expiry, however validly signed', async () => {
    const tokens = verifier();
    const token = await signForever(start / 1000 - 60);
    await expect(tokens.verify(token)).rejects.toMatchObject({
      response: { error: 'invalid-token', message: expect.stringMatching(/"exp"/) },
    });
  });
});
