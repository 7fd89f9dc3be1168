import { randomUUID } from 'node:crypto';
import { ORGANISATIONS } from '@hub/contracts';
import { swedishDay } from '@hub/policy';
import { RefusalAudit } from '../../apps/hub/src/audit/refusal-audit.js';
import { announce, SPEC_CATALOGUES, waitForCatalogue } from '../support/catalogues.js';
import { messagingFor, testPool } from '../support/env.js';
import { startHub, tokenFor, USERS, type RunningHub, type TestUser } from '../support/hub.js';
import { demoTerms } from '../support/system.js';

const SUBJECT = '19121212-1212';
const FK_AUDITOR: TestUser = { id: 'frida.revisor', organisation: ORGANISATIONS.fk, roles: ['auditor'] };
const AF_AUDITOR: TestUser = { id: 'albin.revisor', organisation: ORGANISATIONS.af, roles: ['auditor'] };
const MK_GUIDE: TestUser = { ...USERS.guide, id: 'olle.mk', unit: 'Medborgarkontoret' };

interface ReportEntry {
  kind: string;
  organisation: string | null;
  outcome: string;
  correlationId: string | null;
  details: { agency?: string; consentId?: string };
}

/** Zero trust between parties: each tenant sees only its own, a token ends, and refusals leave a trace. */
describe('tenancy, tokens and refusals at the HTTP layer', () => {
  const pool = testPool();
  let hub: RunningHub;
  let agreementId: string;
  let consentId: string;
  let deniedReferral: { status: number; body: any };

  const validUntil = () => {
    const [y, m, d] = swedishDay(new Date()).split('-').map(Number) as [number, number, number];
    return new Date(Date.UTC(y, m + 5, d)).toISOString().slice(0, 10);
  };
  const recordConsent = async (as: TestUser) => {
    const recorded = await hub.call('POST', '/api/consents', {
      as,
      body: {
        subject: SUBJECT,
        purposes: ['vagledning'],
        agencies: ['fk'],
        categories: ['fk.utbetalningar'],
        method: 'in-person-verbal',
        validUntil: validUntil(),
      },
    });
    expect(recorded.status).toBe(201);
    return recorded.body.id as string;
  };
  const referralUnder = (consent: string) =>
    hub.call('POST', '/api/referrals', {
      as: USERS.guide,
      body: {
        subject: SUBJECT,
        agency: 'fk',
        referralType: 'fk.bostadsbidrag-ansokan',
        purpose: 'vagledning',
        message: 'Behöver hjälp med ansökan.',
        contactPreference: 'phone',
        consentId: consent,
      },
    });
  const report = async (as: TestUser) => {
    const answer = await hub.call('POST', '/api/audit/access-report', { as, body: { subject: SUBJECT } });
    expect(answer.status).toBe(200);
    return answer.body.entries as ReportEntry[];
  };

  beforeAll(async () => {
    hub = await startHub();
    const fk = messagingFor('adapter-fk');
    await fk.connect();
    await announce(fk, SPEC_CATALOGUES.fk);
    await fk.close();
    await waitForCatalogue(hub, USERS.guide, 'fk', SPEC_CATALOGUES.fk.name);
    // an agreement with consent required for guidance, so that a referral turns on whose consent it names
    const terms = demoTerms('fk');
    terms.purposes.vagledning.consentRequired = true;
    const created = await hub.call('POST', '/api/agreements', { as: USERS.municipalityAdmin, body: terms });
    expect(created.status).toBe(201);
    agreementId = created.body.id;
    await hub.call('POST', `/api/agreements/${agreementId}/propose`, { as: USERS.municipalityAdmin, body: {} });
    const approved = await hub.call('POST', `/api/agreements/${agreementId}/approve`, { as: USERS.fkAdmin, body: {} });
    expect(approved.body.status).toBe('active');
    consentId = await recordConsent(USERS.guide);
    // a referral to FK that the policy refuses: an entry about FK's part, made by Örebro
    deniedReferral = await referralUnder(randomUUID());
    expect(deniedReferral).toMatchObject({ status: 403, body: { error: 'consent-missing' } });
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await pool.end();
  });

  it('gives an agency’s auditor the entries about its own data, and none of the municipality’s own', async () => {
    const fkReport = await report(FK_AUDITOR);
    expect(fkReport.find((e) => e.kind === 'consent' && e.details.consentId === consentId)).toBeUndefined();
    expect(fkReport.some((e) => e.kind === 'referral' && e.outcome === 'denied' && e.details.agency === 'fk')).toBe(
      true,
    );
    for (const entry of fkReport) {
      expect(entry.organisation === ORGANISATIONS.fk || entry.details.agency === 'fk').toBe(true);
    }
    expect(fkReport.filter((e) => e.kind === 'access-report').length).toBeGreaterThanOrEqual(1);

    const afReport = await report(AF_AUDITOR);
    expect(afReport.every((e) => e.organisation === ORGANISATIONS.af || e.details.agency === 'af')).toBe(true);
    expect(afReport.some((e) => e.kind === 'referral' || e.kind === 'consent')).toBe(false);
  });

  it('gives a municipality’s auditor its own organisation’s entries and not the agencies’ lookups', async () => {
    await report(FK_AUDITOR);
    const orebro = await report(USERS.auditor);
    expect(orebro.some((e) => e.kind === 'consent' && e.details.consentId === consentId)).toBe(true);
    expect(orebro.every((e) => e.organisation === ORGANISATIONS.orebro)).toBe(true);
  });

  it('refuses a validly signed token that never expires', async () => {
    const forever = await tokenFor(USERS.guide, { expiresIn: null });
    const answer = await hub.call('GET', '/api/catalogues', { token: forever });
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid-token' } });
    expect((await hub.call('GET', '/api/catalogues', { as: USERS.guide })).status).toBe(200);
  });

  it('answers a non-party’s change of an agreement as it answers reading it: not found', async () => {
    const read = await hub.call('GET', `/api/agreements/${agreementId}`, { as: USERS.afAdmin });
    expect(read).toMatchObject({ status: 404, body: { error: 'not-found' } });
    for (const action of ['suspend', 'terminate', 'approve', 'propose']) {
      const changed = await hub.call('POST', `/api/agreements/${agreementId}/${action}`, {
        as: USERS.afAdmin,
        body: {},
      });
      expect(changed).toMatchObject({ status: 404, body: { error: 'not-found', message: read.body.message } });
    }
    const { municipality: _m, agency: _a, ...amendedTerms } = demoTerms('fk');
    const amended = await hub.call('POST', `/api/agreements/${agreementId}/amend`, {
      as: USERS.afAdmin,
      body: amendedTerms,
    });
    expect(amended).toMatchObject({ status: 404, body: { error: 'not-found' } });
    expect((await hub.call('GET', `/api/agreements/${agreementId}`, { as: USERS.fkAdmin })).body.status).toBe('active');
  });

  it('answers a referral naming another unit’s consent as one naming no consent at all', async () => {
    const elsewhere = await recordConsent(MK_GUIDE);
    const answer = await referralUnder(elsewhere);
    expect(answer.status).toBe(deniedReferral.status);
    expect(answer.body).toEqual(deniedReferral.body);
  });

  it('audits refusals at the HTTP layer, one entry per actor, reason and route with the count', async () => {
    const refusals = hub.app.get(RefusalAudit);
    await refusals.flush();
    const before = (await pool.query<{ seq: string }>(`SELECT coalesce(max(seq), 0) AS seq FROM audit.entry`)).rows[0]
      .seq;
    for (let i = 0; i < 3; i++) {
      const answer = await hub.call('POST', '/api/audit/access-report', {
        as: USERS.guide,
        body: { subject: SUBJECT },
      });
      expect(answer.status).toBe(403);
    }
    for (const id of [agreementId, randomUUID()]) {
      expect((await hub.call('POST', `/api/agreements/${id}/suspend`, { as: USERS.afAdmin, body: {} })).status).toBe(
        404,
      );
    }
    await refusals.flush();
    const { rows } = await pool.query<{ actor: string; outcome: string; details: Record<string, unknown> }>(
      `SELECT actor, outcome, details FROM audit.entry WHERE kind = 'refusal' AND seq > $1 ORDER BY actor`,
      [before],
    );
    expect(rows).toEqual([
      {
        actor: USERS.afAdmin.id,
        outcome: 'not-found',
        details: expect.objectContaining({ route: '/api/agreements/:id/suspend', method: 'POST', count: 2 }),
      },
      {
        actor: USERS.guide.id,
        outcome: 'role-not-allowed',
        details: expect.objectContaining({ route: '/api/audit/access-report', status: 403, count: 3 }),
      },
    ]);
    const stored = JSON.stringify(rows);
    for (const plain of ['191212121212', '121212-1212']) expect(stored).not.toContain(plain);
  });
});
