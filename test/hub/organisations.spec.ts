import { randomInt } from 'node:crypto';
import { luhnValid, ORGANISATIONS } from '@hub/contracts';
import { testPool } from '../support/env.js';
import { startHub, USERS, type RunningHub, type TestUser } from '../support/hub.js';

/** The demo's people of issue 16 (apps/oidc-provider/src/demo-accounts.ts). */
const OPERATOR: TestUser = {
  id: 'olle.operator',
  name: 'Olle Operatör',
  organisation: ORGANISATIONS.digg,
  roles: ['operator'],
};
const KARLSKOGA_ADMIN: TestUser = {
  id: 'kalle.admin',
  name: 'Kalle Admin',
  organisation: ORGANISATIONS.karlskoga,
  unit: 'Servicecenter',
  roles: ['admin'],
};
const OREBRO_ADMIN = USERS.municipalityAdmin;

/** A valid organisationsnummer no run has used: 2, a digit, 2–9 (no birth month), digits, the Luhn check digit. */
function freshOrganisationsnummer(): string {
  const body = `2${randomInt(0, 10)}${randomInt(2, 10)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  for (let check = 0; check < 10; check++) if (luhnValid(`${body}${check}`)) return `${body}${check}`;
  throw new Error('unreachable');
}

describe('onboarding over HTTP: organisations by the operator, units by the municipality’s admin', () => {
  let hub: RunningHub;
  const pool = testPool();
  const run = randomInt(100_000, 999_999);

  const auditEntries = async (kind: 'organisation' | 'unit', key: string, value: string) =>
    (
      await pool.query(
        `SELECT actor, organisation, outcome, details FROM audit.entry WHERE kind = $1 AND details->>$2 = $3 ORDER BY seq`,
        [kind, key, value],
      )
    ).rows;

  beforeAll(async () => {
    hub = await startHub();
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await pool.end();
  });

  it('lets the operator register, list, rename and close a municipality, each change audited', async () => {
    const number = freshOrganisationsnummer();
    const written = `${number.slice(0, 6)}-${number.slice(6)}`;
    const created = await hub.call('POST', '/api/organisations', {
      as: OPERATOR,
      body: { number: written, name: `Testkommun ${run}`, kind: 'municipality' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      number,
      name: `Testkommun ${run}`,
      kind: 'municipality',
      registeredBy: 'olle.operator',
    });

    const again = await hub.call('POST', '/api/organisations', {
      as: OPERATOR,
      body: { number, name: 'Igen', kind: 'region' },
    });
    expect(again).toMatchObject({ status: 409, body: { error: 'organisation-exists' } });

    const list = await hub.call('GET', '/api/organisations', { as: OPERATOR });
    expect(list.status).toBe(200);
    expect(list.body.map((o: { number: string }) => o.number)).toEqual(
      expect.arrayContaining([number, ORGANISATIONS.orebro, ORGANISATIONS.karlskoga, ORGANISATIONS.fk]),
    );
    // other staff read who the parties are, not who registered them
    const forGuide = await hub.call('GET', `/api/organisations/${number}`, { as: USERS.guide });
    expect(forGuide.body).toEqual({ number, name: `Testkommun ${run}`, kind: 'municipality' });

    const renamed = await hub.call('PATCH', `/api/organisations/${number}`, {
      as: OPERATOR,
      body: { name: `Testkommun ${run} (ny)` },
    });
    expect(renamed).toMatchObject({ status: 200, body: { name: `Testkommun ${run} (ny)` } });
    const unit = await hub.call('POST', `/api/organisations/${number}/units`, {
      as: OPERATOR,
      body: { name: 'Servicecenter', kind: 'servicecenter' },
    });
    expect(unit.status).toBe(201);
    const closed = await hub.call('PATCH', `/api/organisations/${number}`, { as: OPERATOR, body: { closed: true } });
    expect(closed.status).toBe(200);
    expect(closed.body.closedAt).toEqual(expect.any(String));
    // its units close with it, and it stays closed
    const units = await hub.call('GET', `/api/organisations/${number}/units`, { as: OPERATOR });
    expect(units.body[0].closedAt).toEqual(expect.any(String));
    const late = await hub.call('PATCH', `/api/organisations/${number}`, { as: OPERATOR, body: { name: 'Sent' } });
    expect(late).toMatchObject({ status: 409, body: { error: 'organisation-closed' } });

    expect(await auditEntries('organisation', 'number', number)).toEqual([
      expect.objectContaining({ actor: 'olle.operator', organisation: ORGANISATIONS.digg, outcome: 'registered' }),
      expect.objectContaining({
        outcome: 'renamed',
        details: expect.objectContaining({ previousName: `Testkommun ${run}` }),
      }),
      expect.objectContaining({
        outcome: 'closed',
        details: expect.objectContaining({ unitsClosed: ['Servicecenter'] }),
      }),
    ]);
  });

  it('registers an agency with its code and broker account adapter-<code>', async () => {
    const number = freshOrganisationsnummer();
    const code = `t${run}`;
    const agency = await hub.call('POST', '/api/organisations', {
      as: OPERATOR,
      body: {
        number,
        name: `Testmyndigheten ${run}`,
        kind: 'agency',
        agencyCode: code,
        brokerAccount: `adapter-${code}`,
      },
    });
    expect(agency).toMatchObject({ status: 201, body: { agencyCode: code, brokerAccount: `adapter-${code}` } });
    const taken = await hub.call('POST', '/api/organisations', {
      as: OPERATOR,
      body: { number: freshOrganisationsnummer(), name: 'Kopia', kind: 'agency', agencyCode: code },
    });
    expect(taken).toMatchObject({ status: 409, body: { error: 'agency-code-taken' } });
    const noCode = await hub.call('POST', '/api/organisations', {
      as: OPERATOR,
      body: { number: freshOrganisationsnummer(), name: 'Utan kod', kind: 'agency' },
    });
    expect(noCode).toMatchObject({ status: 400, body: { error: 'agency-code-required' } });
    expect(await auditEntries('organisation', 'number', number)).toEqual([
      expect.objectContaining({
        outcome: 'registered',
        details: expect.objectContaining({ brokerAccount: `adapter-${code}` }),
      }),
    ]);
  });

  it('answers 400 invalid-organisationsnummer for a wrong check digit, in the body and in the path', async () => {
    const bad = await hub.call('POST', '/api/organisations', {
      as: OPERATOR,
      body: { number: '212000-1992', name: 'Felkommun', kind: 'municipality' },
    });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid-organisationsnummer' } });
    const path = await hub.call('GET', '/api/organisations/2120001992', { as: OPERATOR });
    expect(path).toMatchObject({ status: 400, body: { error: 'invalid-organisationsnummer' } });
    expect((await pool.query(`SELECT 1 FROM hub.organisation WHERE number = '2120001992'`)).rowCount).toBe(0);
  });

  it('lets only the operator register organisations, and only an operator of the organisation running the hub', async () => {
    const body = { number: freshOrganisationsnummer(), name: 'Obehörig', kind: 'municipality' };
    await expect(hub.call('POST', '/api/organisations', { as: OREBRO_ADMIN, body })).resolves.toMatchObject({
      status: 403,
      body: { error: 'role-not-allowed' },
    });
    const falseOperator = { ...OPERATOR, id: 'falsk.operator', organisation: ORGANISATIONS.orebro };
    await expect(hub.call('POST', '/api/organisations', { as: falseOperator, body })).resolves.toMatchObject({
      status: 403,
      body: { error: 'not-hub-operator' },
    });
  });

  it('lets the municipality’s admin register, rename and close its own unit; another municipality gets 404', async () => {
    const name = `Medborgarkontor ${run}`;
    const path = `/api/organisations/${ORGANISATIONS.karlskoga}/units`;
    const created = await hub.call('POST', path, { as: KARLSKOGA_ADMIN, body: { name, kind: 'medborgarkontor' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      organisation: ORGANISATIONS.karlskoga,
      name,
      displayName: name,
      kind: 'medborgarkontor',
    });
    const id: string = created.body.id;

    // Örebro's admin: as if neither Karlskoga's units nor this one existed
    for (const [method, url, body] of [
      ['GET', path, undefined],
      ['GET', `${path}/${id}`, undefined],
      ['POST', path, { name: 'Intrång', kind: 'department' }],
      ['PATCH', `${path}/${id}`, { closed: true }],
      ['GET', `/api/organisations/${ORGANISATIONS.orebro}/units/${id}`, undefined],
    ] as const) {
      const answer = await hub.call(method, url, { as: OREBRO_ADMIN, body });
      expect([method, url, answer.status, answer.body?.error]).toEqual([method, url, 404, 'not-found']);
    }

    const list = await hub.call('GET', path, { as: KARLSKOGA_ADMIN });
    expect(list.body.map((u: { name: string }) => u.name)).toEqual(expect.arrayContaining(['Servicecenter', name]));
    const renamed = await hub.call('PATCH', `${path}/${id}`, {
      as: KARLSKOGA_ADMIN,
      body: { displayName: `Medborgarkontor Centrum ${run}` },
    });
    expect(renamed).toMatchObject({ status: 200, body: { name, displayName: `Medborgarkontor Centrum ${run}` } });
    const closed = await hub.call('PATCH', `${path}/${id}`, { as: KARLSKOGA_ADMIN, body: { closed: true } });
    expect(closed).toMatchObject({ status: 200, body: { closedBy: 'kalle.admin' } });
    // a closed unit keeps its history readable and gets no new agreement
    await expect(hub.call('GET', `${path}/${id}`, { as: KARLSKOGA_ADMIN })).resolves.toMatchObject({
      status: 200,
      body: { name },
    });
    const agreement = await hub.call('POST', '/api/agreements', {
      as: KARLSKOGA_ADMIN,
      body: {
        title: 'Avtal för en avslutad enhet',
        validFrom: '2027-01-01',
        validTo: '2027-12-31',
        purposes: {},
        municipality: { organisation: ORGANISATIONS.karlskoga, unit: name },
        agency: { organisation: ORGANISATIONS.fk },
      },
    });
    expect(agreement).toMatchObject({ status: 400, body: { error: 'party-closed' } });

    const entries = await auditEntries('unit', 'id', id);
    expect(entries.map((e) => [e.actor, e.organisation, e.outcome])).toEqual([
      ['kalle.admin', ORGANISATIONS.karlskoga, 'registered'],
      ['kalle.admin', ORGANISATIONS.karlskoga, 'renamed'],
      ['kalle.admin', ORGANISATIONS.karlskoga, 'closed'],
    ]);
  });

  it('refuses what the hub cannot keep: unknown fields, a unit kind it does not know, a guide changing units', async () => {
    const path = `/api/organisations/${ORGANISATIONS.karlskoga}/units`;
    await expect(
      hub.call('POST', path, { as: KARLSKOGA_ADMIN, body: { name: 'Något', kind: 'kiosk' } }),
    ).resolves.toMatchObject({ status: 400, body: { error: 'invalid-request' } });
    await expect(
      hub.call('PATCH', `/api/organisations/${ORGANISATIONS.karlskoga}`, { as: OPERATOR, body: { closed: false } }),
    ).resolves.toMatchObject({ status: 400, body: { error: 'invalid-request' } });
    await expect(
      hub.call('POST', path, {
        as: { ...KARLSKOGA_ADMIN, roles: ['guide'] },
        body: { name: 'Något', kind: 'department' },
      }),
    ).resolves.toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
  });
});
