import { randomUUID } from 'node:crypto';
import { ORGANISATIONS } from '@hub/contracts';
import { testPool } from '../support/env.js';
import { migrateTestDatabase, startHub, type RunningHub, type TestUser } from '../support/hub.js';

/**
 * Issue 18, every party sees its part: traffic stored under agreements of two agencies with two municipalities, in
 * a month of its own, and what each party's manager gets of it through the API.
 */
const KUMLA = '2120001942';
const OREBRO = ORGANISATIONS.orebro;
const FK = ORGANISATIONS.fk;
const AF = ORGANISATIONS.af;
const OREBRO_UNIT = 'Partsuppföljning Örebro';
const KUMLA_UNIT = 'Partsuppföljning Kumla';
const OTHER_UNIT = 'Partsuppföljning utan avtal';
const PERIOD = '?from=2025-03-01&to=2025-03-31';
const SUBJECT_KEY = 'cd'.repeat(32);

const manager = (organisation: string, unit?: string): TestUser => ({
  id: `${organisation}.manager`,
  organisation,
  ...(unit && { unit }),
  roles: ['manager'],
});

describe('every party sees its part (follow-up per party)', () => {
  const pool = testPool();
  let hub: RunningHub;
  const referralIds: string[] = [];

  async function agreement(municipality: string, unit: string, agency: string, agencyCode: string): Promise<string> {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO hub.agreement (id, municipality, unit, agency, agency_code, latest_version, created_by)
       VALUES ($1, $2, $3, $4, $5, 1, 'test')`,
      [id, municipality, unit, agency, agencyCode],
    );
    return id;
  }

  async function outcomes(
    n: number,
    row: { agreementId: string | null; organisation: string; unit: string; agency: string; status?: string },
    extra: { reason?: string; released?: string[]; denied?: { category: string; reason: string }[] } = {},
  ) {
    for (let i = 0; i < n; i++) {
      await pool.query(
        `INSERT INTO hub.query_outcome (query_id, agency, at, purpose, organisation, unit, status, reason, latency_ms,
                                        agreement_id, released_categories, denied_categories)
         VALUES ($1, $2, '2025-03-10T09:00:00Z', 'vagledning', $3, $4, $5, $6, 40, $7, $8, $9)`,
        [
          randomUUID(),
          row.agency,
          row.organisation,
          row.unit,
          row.status ?? 'ok',
          extra.reason ?? null,
          row.agreementId,
          JSON.stringify(extra.released ?? []),
          JSON.stringify(extra.denied ?? []),
        ],
      );
    }
  }

  async function referral(agreementId: string, unit: string, agency: string, answeredAfterHours: number | null) {
    const id = randomUUID();
    referralIds.push(id);
    const created = new Date('2025-03-12T08:00:00Z');
    const respondBy = new Date(created.getTime() + 72 * 3_600_000);
    await pool.query(
      `INSERT INTO hub.referral (id, subject_key, subject_masked, agency, referral_type, purpose, message,
                                 contact_preference, agreement_id, agreement_version, organisation, unit, created_by,
                                 created_at, respond_by, status, status_at)
       VALUES ($1, $2, '19560412-****', $3, $4, 'vagledning', 'Hej', 'phone', $5, 1, $6, $7, 'test', $8, $9, $10, $8)`,
      [
        id,
        SUBJECT_KEY,
        agency,
        `${agency}.testremiss`,
        agreementId,
        OREBRO,
        unit,
        created,
        respondBy,
        answeredAfterHours === null ? 'sent' : 'accepted',
      ],
    );
    if (answeredAfterHours !== null) {
      await pool.query(
        `INSERT INTO hub.referral_event (referral_id, status, at, actor) VALUES ($1, 'sent', $2, '{}'),
                ($1, 'accepted', $3, '{}')`,
        [id, created, new Date(created.getTime() + answeredAfterHours * 3_600_000)],
      );
    }
  }

  beforeAll(async () => {
    await migrateTestDatabase();
    await pool.query(
      `INSERT INTO hub.organisation (number, name, kind) VALUES ($1, 'Kumla kommun', 'municipality')
       ON CONFLICT DO NOTHING`,
      [KUMLA],
    );
    await pool.query(
      `INSERT INTO hub.unit (organisation, name) VALUES ($1, $2), ($1, $3), ($4, $5) ON CONFLICT DO NOTHING`,
      [OREBRO, OREBRO_UNIT, OTHER_UNIT, KUMLA, KUMLA_UNIT],
    );
    // what an earlier run of this suite left
    const units = [OREBRO_UNIT, KUMLA_UNIT, OTHER_UNIT];
    await pool.query(`DELETE FROM hub.query_outcome WHERE unit = ANY($1)`, [units]);
    await pool.query(
      `DELETE FROM hub.referral_event WHERE referral_id IN (SELECT id FROM hub.referral WHERE unit = ANY($1))`,
      [units],
    );
    await pool.query(`DELETE FROM hub.referral WHERE unit = ANY($1)`, [units]);
    await pool.query(`DELETE FROM hub.agreement WHERE unit = ANY($1) AND created_by = 'test'`, [units]);
    const orebroFk = await agreement(OREBRO, OREBRO_UNIT, FK, 'fk');
    const kumlaFk = await agreement(KUMLA, KUMLA_UNIT, FK, 'fk');
    const orebroAf = await agreement(OREBRO, OREBRO_UNIT, AF, 'af');
    const fk = { agency: 'fk' };
    await outcomes(
      6,
      { ...fk, agreementId: orebroFk, organisation: OREBRO, unit: OREBRO_UNIT },
      {
        released: ['fk.utbetalningar'],
      },
    );
    await outcomes(
      2,
      { ...fk, agreementId: orebroFk, organisation: OREBRO, unit: OREBRO_UNIT, status: 'denied' },
      { reason: 'consent-missing', denied: [{ category: 'fk.utbetalningar', reason: 'consent-missing' }] },
    );
    await outcomes(5, { ...fk, agreementId: kumlaFk, organisation: KUMLA, unit: KUMLA_UNIT });
    await outcomes(7, { agency: 'af', agreementId: orebroAf, organisation: OREBRO, unit: OREBRO_UNIT });
    // asked of FK without an agreement: not FK's traffic under its agreements
    await outcomes(
      9,
      { ...fk, agreementId: null, organisation: OREBRO, unit: OTHER_UNIT, status: 'denied' },
      { reason: 'no-agreement' },
    );
    for (const hours of [1, 2, 3, 4, 100]) await referral(orebroFk, OREBRO_UNIT, 'fk', hours);
    await referral(orebroFk, OREBRO_UNIT, 'fk', null);
    hub = await startHub();
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await pool.end();
  });

  const party = (as: TestUser, query = PERIOD) => hub.call('GET', `/api/follow-up/party${query}`, { as });
  const ours = (rows: { unit: string }[]) => rows.filter((r) => [OREBRO_UNIT, KUMLA_UNIT, OTHER_UNIT].includes(r.unit));

  it("shows an agency's manager the traffic under its agreements with every municipality, nothing else", async () => {
    const { status, body } = await party(manager(FK));
    expect(status).toBe(200);
    expect(body.scope).toEqual({ organisation: FK, name: 'Försäkringskassan', kind: 'agency', unit: null });
    expect(ours(body.queries.byPurpose)).toEqual([
      expect.objectContaining({ municipality: KUMLA, unit: KUMLA_UNIT, results: 5, answered: 5, denied: 0 }),
      expect.objectContaining({
        municipality: OREBRO,
        municipalityName: 'Örebro kommun',
        unit: OREBRO_UNIT,
        agency: 'fk',
        purpose: 'vagledning',
        results: 8,
        answered: 6,
        denied: null,
      }),
    ]);
    expect(body.queries.byPurpose.every((r: { agency: string }) => r.agency === 'fk')).toBe(true);
    expect(ours(body.queries.denialReasons)).toEqual([
      expect.objectContaining({ unit: OREBRO_UNIT, reason: 'consent-missing', count: null }),
    ]);
    expect(ours(body.queries.byCategory)).toEqual([
      expect.objectContaining({ unit: OREBRO_UNIT, category: 'fk.utbetalningar', released: 6, denied: null }),
    ]);
    expect(ours(body.referrals.byType)).toEqual([
      expect.objectContaining({
        unit: OREBRO_UNIT,
        referralType: 'fk.testremiss',
        sent: 6,
        answered: 5,
        answeredInTime: null,
        answerMedianHours: 3,
        agreedHours: 72,
      }),
    ]);
    expect(ours(body.referrals.overdue.byType)).toEqual([
      expect.objectContaining({ unit: OREBRO_UNIT, referralType: 'fk.testremiss', count: null }),
    ]);
    const text = JSON.stringify(body);
    for (const secret of [...referralIds, SUBJECT_KEY, '19560412', OTHER_UNIT]) expect(text).not.toContain(secret);
  });

  it("shows another agency only its own agreements' traffic", async () => {
    const { body } = await party(manager(AF));
    expect(ours(body.queries.byPurpose)).toEqual([
      expect.objectContaining({ municipality: OREBRO, unit: OREBRO_UNIT, agency: 'af', results: 7 }),
    ]);
    expect(ours(body.referrals.byType)).toEqual([]);
  });

  it('shows a municipal manager the own municipality only, of the unit the token names', async () => {
    const unit = await party(manager(OREBRO, OREBRO_UNIT));
    expect(unit.status).toBe(200);
    expect(unit.body.scope).toMatchObject({ organisation: OREBRO, kind: 'municipality', unit: OREBRO_UNIT });
    expect(unit.body.queries.byPurpose.map((r: { agency: string; results: number }) => [r.agency, r.results])).toEqual([
      ['af', 7],
      ['fk', 8],
    ]);
    const kumla = await party(manager(KUMLA, KUMLA_UNIT));
    expect(kumla.body.queries.byPurpose).toEqual([expect.objectContaining({ municipality: KUMLA, results: 5 })]);
    expect(JSON.stringify(kumla.body)).not.toContain(OREBRO_UNIT);
  });

  it('is for managers only, and refuses a malformed period', async () => {
    const guide = await hub.call('GET', `/api/follow-up/party${PERIOD}`, {
      as: { organisation: FK, roles: ['agency-admin'] },
    });
    expect(guide.status).toBe(403);
    const bad = await party(manager(FK), '?from=2025-02-30');
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid-period' } });
  });
});
