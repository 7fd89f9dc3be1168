import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { AuditLog } from '@hub/audit';
import type { MessagingClient } from '@hub/messaging';
import { swedishDay } from '@hub/policy';
import type { Person } from '@hub/registers';
import { announce, SPEC_CATALOGUES, waitForCatalogue } from '../support/catalogues.js';
import { signingCitizens, signOnPhone, startTestEid, type RunningTestEid } from '../support/eid.js';
import { messagingFor, testPool } from '../support/env.js';
import { Browser } from '../support/idp.js';
import { migrateTestDatabase, startHub, USERS, type RunningHub, type TestUser } from '../support/hub.js';

const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3';

function day(days = 0, years = 0): string {
  const [y, m, d] = swedishDay(new Date()).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d + days)).toISOString().slice(0, 10);
}

const dashed = (subject: string) => `${subject.slice(0, 8)}-${subject.slice(8)}`;
const otherUnit: TestUser = { ...USERS.guide, id: 'olle.other', unit: 'Socialkontoret' };

/** Consent signed with e-legitimation, through the hub's HTTP API against the real mock provider app. */
describe('consent signed with e-legitimation at the desk', () => {
  const pool = testPool();
  let eid: RunningTestEid;
  let hub: RunningHub;
  let fk: MessagingClient;
  let citizen: Person;
  let other: Person;

  const terms = (subject: string, overrides: Record<string, unknown> = {}) => ({
    subject: dashed(subject),
    purposes: ['vagledning'],
    agencies: ['fk'],
    categories: ['fk.utbetalningar', 'fk.pagaende-arenden'],
    validUntil: day(0, 1),
    ...overrides,
  });

  /** Asks the hub every 100 ms, as the guide's page does every second, until the signing is no longer pending. */
  async function pollUntilFinished(id: string): Promise<{ body: any; lastCallMs: number }> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const startedAt = performance.now();
      const { status, body } = await hub.call('GET', `/api/consent-signings/${id}`, { as: USERS.guide });
      const lastCallMs = performance.now() - startedAt;
      expect(status).toBe(200);
      if (body.status !== 'pending') return { body, lastCallMs };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`signing ${id} still pending`);
  }

  beforeAll(async () => {
    await migrateTestDatabase();
    await pool.query('TRUNCATE hub.consent_signing, hub.consent, hub.agency_catalogue CASCADE');
    eid = await startTestEid();
    hub = await startHub({ env: eid.hubEnv });
    fk = messagingFor('adapter-fk');
    await fk.connect();
    await announce(fk, SPEC_CATALOGUES.fk);
    await waitForCatalogue(hub, USERS.guide, 'fk', 'Försäkringskassan');
    [citizen, other] = signingCitizens(2) as [Person, Person];
  }, 60_000);

  afterAll(async () => {
    await fk?.close();
    await hub?.close();
    await eid?.close();
    await pool.end();
  });

  it('stores the consent the subject signed on the phone, with signature, text hash and LoA, audited', async () => {
    const started = await hub.call('POST', '/api/consent-signings', { as: USERS.guide, body: terms(citizen.subject) });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ status: 'pending', openedInApp: false });
    expect(started.body.text).toContain('samtycker till att Örebro kommun, Servicecenter, får hämta uppgifter');
    expect(started.body.text).toContain(`personnummer ${citizen.subject.slice(0, 8)}-****`);
    expect(started.body.qrData.startsWith(`${eid.issuer}/app?`)).toBe(true);

    const phone = await signOnPhone(started.body.qrData, citizen.subject);
    expect(phone.html).toContain('Du har skrivit under');
    const { body: done } = await pollUntilFinished(started.body.id);
    expect(done).toMatchObject({ status: 'complete', consentId: expect.any(String) });

    const { body: consents } = await hub.call('GET', `/api/consents?subject=${citizen.subject}`, { as: USERS.guide });
    const textSha256 = createHash('sha256').update(started.body.text, 'utf8').digest('hex');
    expect(consents).toEqual([
      expect.objectContaining({
        id: done.consentId,
        method: 'e-legitimation',
        recordedBy: 'anna.guide',
        status: 'active',
        signature: { textSha256, loa: LOA3, signingId: started.body.id },
      }),
    ]);
    const { rows } = await pool.query(`SELECT signature, signed_text_sha256, loa FROM hub.consent WHERE id = $1`, [
      done.consentId,
    ]);
    const signature: string = rows[0].signature;
    // anyone holding the provider's published keys can check what the citizen signed
    const { payload } = await jwtVerify(signature, createRemoteJWKSet(new URL(`${eid.issuer}/jwks`)), {
      issuer: eid.issuer,
      audience: 'samtjanst-hub',
    });
    expect(payload).toMatchObject({ personnummer: citizen.subject, textSha256, acr: LOA3 });
    expect(rows[0]).toMatchObject({ signed_text_sha256: textSha256, loa: LOA3 });

    const audit = await pool.query(
      `SELECT outcome, subject_key, details FROM audit.entry WHERE kind = 'consent' AND details->>'consentId' = $1`,
      [done.consentId],
    );
    const key = hub.app.get(AuditLog).subjectKey(citizen.subject);
    expect(audit.rows).toEqual([
      {
        outcome: 'recorded',
        subject_key: key,
        details: expect.objectContaining({
          method: 'e-legitimation',
          signingId: started.body.id,
          signedTextSha256: textSha256,
          signatureSha256: createHash('sha256').update(signature).digest('hex'),
          loa: LOA3,
        }),
      },
    ]);
  });

  it('does not let another person sign, and stores nothing when the citizen refuses', async () => {
    const started = await hub.call('POST', '/api/consent-signings', { as: USERS.guide, body: terms(citizen.subject) });
    const wrong = await signOnPhone(started.body.qrData, other.subject);
    expect(wrong).toMatchObject({ status: 403 });
    expect(wrong.html).toContain('avsedd för en annan person');

    const refusedSigning = await hub.call('POST', '/api/consent-signings', {
      as: USERS.guide,
      body: terms(other.subject),
    });
    expect((await signOnPhone(refusedSigning.body.qrData, other.subject, 'refuse')).html).toContain('Avbrutet');
    const { body } = await pollUntilFinished(refusedSigning.body.id);
    expect(body).toMatchObject({ status: 'failed', failure: 'refused' });
    const { body: consents } = await hub.call('GET', `/api/consents?subject=${other.subject}`, { as: USERS.guide });
    expect(consents).toEqual([]);
  });

  it('keeps a signing to its unit, and cancels it at the provider', async () => {
    const started = await hub.call('POST', '/api/consent-signings', { as: USERS.guide, body: terms(citizen.subject) });
    const path = `/api/consent-signings/${started.body.id}`;
    expect((await hub.call('GET', path, { as: otherUnit })).status).toBe(404);
    expect((await hub.call('POST', `${path}/cancel`, { as: otherUnit })).status).toBe(404);
    const cancelled = await hub.call('POST', `${path}/cancel`, { as: USERS.guide });
    expect(cancelled.body.status).toBe('cancelled');
    expect((await signOnPhone(started.body.qrData, citizen.subject)).html).toContain('Underskriften är avslutad');
    expect((await hub.call('POST', `${path}/cancel`, { as: USERS.guide })).body.error).toBe('signing-finished');
  });

  it('refuses the retired e-signature and a direct e-legitimation record with a 400 that says why', async () => {
    const body = { ...terms(citizen.subject), method: 'e-signature' };
    const retired = await hub.call('POST', '/api/consents', { as: USERS.guide, body });
    expect(retired).toMatchObject({ status: 400, body: { error: 'consent-method-retired' } });
    const direct = await hub.call('POST', '/api/consents', {
      as: USERS.guide,
      body: { ...body, method: 'e-legitimation' },
    });
    expect(direct).toMatchObject({ status: 400, body: { error: 'consent-method-needs-signing' } });
  });

  it('logs a citizen in with OpenID Connect: personnummer claim and LoA3 in a signed ID token', async () => {
    const configuration = await oidc.discovery(
      new URL(eid.issuer),
      'samtjanst-hub',
      'development-only-eid-client-secret',
      undefined,
      { execute: [oidc.allowInsecureRequests] },
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const redirectUri = 'http://127.0.0.1:3000/api/medborgare/callback';
    const authorization = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid profile personnummer',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      acr_values: LOA3,
    });
    const browser = new Browser();
    const page = await browser.follow(authorization, (url) => url.href.startsWith(redirectUri));
    if (!('page' in page)) throw new Error('no login page');
    const html = await page.page.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
    const submitted = await browser.fetch(new URL(action, page.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ personnummer: citizen.subject }).toString(),
    });
    const back = await browser.follow(new URL(submitted.headers.get('location')!, page.url), (url) =>
      url.href.startsWith(redirectUri),
    );
    if (!('stoppedAt' in back)) throw new Error(`login ended on ${back.page.status}`);
    const tokens = await oidc.authorizationCodeGrant(configuration, back.stoppedAt, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: eid.issuer, personnummer: citizen.subject, acr: LOA3 });
    expect(claims.sub).not.toContain(citizen.subject);
    expect(tokens.id_token!.split('.')).toHaveLength(3);
  });
});
