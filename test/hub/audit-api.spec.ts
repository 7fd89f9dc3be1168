import { swedishDay } from '@hub/policy';
import { announce, SPEC_CATALOGUES, waitForCatalogue } from '../support/catalogues.js';
import { messagingFor, testPool } from '../support/env.js';
import { startHub, USERS, type RunningHub } from '../support/hub.js';

const SUBJECT = '19121212-1212';
const PLAIN = ['191212121212', '1212121212', '121212-1212'];

describe('audit API: chain verification and a citizen’s access report', () => {
  const pool = testPool();
  let hub: RunningHub;

  beforeAll(async () => {
    hub = await startHub();
    const fk = messagingFor('adapter-fk');
    await fk.connect();
    await announce(fk, SPEC_CATALOGUES.fk);
    await fk.close();
    await waitForCatalogue(hub, USERS.guide, 'fk', SPEC_CATALOGUES.fk.name);
  }, 30_000);

  afterAll(async () => {
    await hub.close();
    await pool.end();
  });

  it('reports every access to the subject, logs the lookup itself, and never holds the personnummer', async () => {
    const [y, m, d] = swedishDay(new Date()).split('-').map(Number) as [number, number, number];
    const validUntil = new Date(Date.UTC(y, m + 5, d)).toISOString().slice(0, 10);
    const recorded = await hub.call('POST', '/api/consents', {
      as: USERS.guide,
      body: {
        subject: SUBJECT,
        purposes: ['vagledning'],
        agencies: ['fk'],
        categories: ['fk.utbetalningar'],
        method: 'in-person-verbal',
        validUntil,
      },
    });
    expect(recorded.status).toBe(201);

    const first = await hub.call('POST', '/api/audit/access-report', {
      as: USERS.auditor,
      body: { subject: '191212121212' },
    });
    expect(first.status).toBe(200);
    expect(first.body.subject).toBe('19121212-****');
    const consentEntry = first.body.entries.find(
      (e: { kind: string; details: { consentId?: string } }) =>
        e.kind === 'consent' && e.details.consentId === recorded.body.id,
    );
    expect(consentEntry).toMatchObject({
      actor: USERS.guide.id,
      organisation: USERS.guide.organisation,
      unit: 'Servicecenter',
      outcome: 'recorded',
    });

    const second = await hub.call('POST', '/api/audit/access-report', {
      as: USERS.auditor,
      body: { subject: SUBJECT },
    });
    const lookups = second.body.entries.filter((e: { kind: string }) => e.kind === 'access-report');
    expect(lookups.length).toBeGreaterThanOrEqual(2);
    expect(lookups.at(-1)).toMatchObject({ actor: USERS.auditor.id, outcome: 'reported' });

    const text = JSON.stringify(second.body);
    for (const plain of PLAIN) expect(text).not.toContain(plain);
    const stored = await pool.query('SELECT row_to_json(e)::text AS row FROM audit.entry e');
    for (const { row } of stored.rows) for (const plain of PLAIN) expect(row).not.toContain(plain);
  });

  it('refuses an invalid personnummer and anyone but an auditor', async () => {
    expect(
      await hub.call('POST', '/api/audit/access-report', { as: USERS.auditor, body: { subject: '19121212-1213' } }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid-personnummer' },
    });
    expect(
      (await hub.call('POST', '/api/audit/access-report', { as: USERS.guide, body: { subject: SUBJECT } })).status,
    ).toBe(403);
    expect((await hub.call('GET', '/api/audit/verify', { as: USERS.manager })).status).toBe(403);
  });

  it('verifies the chain, and names the row someone changed directly in PostgreSQL', async () => {
    expect((await hub.call('GET', '/api/audit/verify', { as: USERS.auditor })).body).toMatchObject({ ok: true });
    const { rows } = await pool.query(
      "SELECT seq, outcome FROM audit.entry WHERE kind = 'consent' ORDER BY seq DESC LIMIT 1",
    );
    const [{ seq, outcome }] = rows;
    const tamper = (value: string) =>
      pool.query(
        `BEGIN; ALTER TABLE audit.entry DISABLE TRIGGER entry_append_only;
         UPDATE audit.entry SET outcome = '${value}' WHERE seq = ${Number(seq)};
         ALTER TABLE audit.entry ENABLE TRIGGER entry_append_only; COMMIT;`,
      );
    await tamper('revoked');
    try {
      const { body } = await hub.call('GET', '/api/audit/verify', { as: USERS.auditor });
      expect(body).toMatchObject({ ok: false, firstBroken: { seq: Number(seq) } });
    } finally {
      await tamper(outcome);
    }
    expect((await hub.call('GET', '/api/audit/verify', { as: USERS.auditor })).body).toMatchObject({ ok: true });
  });
});
