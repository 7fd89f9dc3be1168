import { randomUUID } from 'node:crypto';
import { ORGANISATIONS } from '@hub/contracts';
import { startMailCatcher, type RunningMailCatcher } from '../../apps/mail-catcher/src/mail-catcher.js';
import { MonthlyReportJob } from '../../apps/hub/src/reports/monthly-report.job.js';
import { testPool } from '../support/env.js';
import { migrateTestDatabase, startHub, tokenFor, type RunningHub, type TestUser } from '../support/hub.js';
import { compact, pdfText } from '../support/pdf-text.js';

/**
 * Issue 18, a monthly report per party: PDF and CSV downloads of the party's own figures, the report address kept by
 * the party's admin, and the monthly job that makes and mails each report once, however often it runs.
 */
const OREBRO = ORGANISATIONS.orebro;
const FK = ORGANISATIONS.fk;
const AF = ORGANISATIONS.af;
const UNIT = 'Rapporttest';
const MONTH = '2025-04';
const FK_ADDRESS = `uppfoljning+${randomUUID().slice(0, 8)}@fk.example`;

const manager = (organisation: string, unit?: string): TestUser => ({
  id: `${organisation}.manager`,
  organisation,
  ...(unit && { unit }),
  roles: ['manager'],
});

describe('monthly report per party (PDF, CSV, mailed once)', () => {
  const pool = testPool();
  let hub: RunningHub;
  let catcher: RunningMailCatcher;

  async function download(path: string, as: TestUser) {
    const response = await fetch(`${hub.url}${path}`, {
      headers: { authorization: `Bearer ${await tokenFor(as)}` },
    });
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  }

  beforeAll(async () => {
    await migrateTestDatabase();
    await pool.query(`INSERT INTO hub.unit (organisation, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      OREBRO,
      UNIT,
    ]);
    await pool.query(`DELETE FROM hub.query_outcome WHERE unit = $1`, [UNIT]);
    await pool.query(`DELETE FROM hub.agreement WHERE unit = $1 AND created_by = 'test'`, [UNIT]);
    // reports of the month made by an earlier run would not be made again
    await pool.query(`DELETE FROM hub.party_report WHERE month = $1::date`, [`${MONTH}-01`]);
    for (const [agency, code, ok, denied] of [
      [FK, 'fk', 1234, 3],
      [AF, 'af', 7, 0],
    ] as const) {
      const agreementId = randomUUID();
      await pool.query(
        `INSERT INTO hub.agreement (id, municipality, unit, agency, agency_code, latest_version, created_by)
         VALUES ($1, $2, $3, $4, $5, 1, 'test')`,
        [agreementId, OREBRO, UNIT, agency, code],
      );
      await pool.query(
        `INSERT INTO hub.query_outcome (query_id, agency, at, purpose, organisation, unit, status, reason,
                                        agreement_id, released_categories)
         SELECT gen_random_uuid(), $1, '2025-04-15T10:00:00Z', 'vagledning', $2, $3,
                CASE WHEN i <= $5::int THEN 'ok' ELSE 'denied' END, CASE WHEN i <= $5::int THEN NULL ELSE 'consent-missing' END,
                $4, '["${code}.utbetalningar"]'
           FROM generate_series(1, $5::int + $6::int) i`,
        [code, OREBRO, UNIT, agreementId, ok, denied],
      );
    }
    // the municipality's kundnöjdhet of the month (NKI 77.8 of six answers) and its NKI target
    await pool.query(`DELETE FROM hub.survey_answer WHERE unit = $1`, [UNIT]);
    await pool.query(
      `INSERT INTO hub.survey_answer (organisation, unit, channel, day, overall, expectations, ideal)
       SELECT $1, $2, 'besok', '2025-04-10', s, s, s FROM unnest(ARRAY[9, 9, 9, 7, 7, 7]) s`,
      [OREBRO, UNIT],
    );
    await pool.query(
      `INSERT INTO hub.follow_up_target (organisation, unit, nki, first_contact_resolved_percent, updated_by)
       VALUES ($1, NULL, 75, 70, 'test')
       ON CONFLICT (organisation, unit) DO UPDATE SET nki = 75, first_contact_resolved_percent = 70`,
      [OREBRO],
    );
    catcher = await startMailCatcher();
    hub = await startHub({
      env: {
        SMTP_URL: `smtp://127.0.0.1:${catcher.smtpPort}`,
        REPORT_FROM: 'Samtjänsthubben <rapporter@hub.example>',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await hub?.close();
    await catcher?.close();
    await pool.end();
  });

  it("gives an agency's manager its month as a PDF that reads back with its name, the period and figures", async () => {
    const pdf = await download(`/api/reports/monthly.pdf?month=${MONTH}`, manager(FK));
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="manadsrapport-${MONTH}-${FK}.pdf"`);
    const text = compact(pdfText(pdf.body));
    for (const expected of [
      'Månadsrapport april 2025 – Försäkringskassan',
      'Period: 1 april 2025 – 30 april 2025',
      'Örebro kommun, Rapporttest',
      '1 234', // answered, in Swedish digits grouping
      'färre än 5', // the 3 denials
    ]) {
      expect(text).toContain(compact(expected));
    }
    // the other agency's traffic with the same unit is not Försäkringskassan's
    expect(text).not.toContain(compact('af.utbetalningar'));
  }, 30_000);

  it('gives a CSV for Swedish Excel, and each manager only the own party', async () => {
    const csv = await download(`/api/reports/monthly.csv?month=${MONTH}`, manager(AF));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = csv.body.toString('utf8');
    expect(text.startsWith('\uFEFFAvsnitt;Kommun;Enhet;Myndighet;Indelning;Mått;Värde\r\n')).toBe(true);
    expect(text).toContain('Frågor per ändamål;Örebro kommun;Rapporttest;Arbetsförmedlingen;Vägledning;Svar;7\r\n');
    expect(text).not.toContain('Försäkringskassan');
    const orebro = (await download(`/api/reports/monthly.csv?month=${MONTH}`, manager(OREBRO, 'Servicecenter'))).body;
    // the municipality's report is the whole party's: the unit's traffic with both agencies
    expect(orebro.toString('utf8')).toContain(
      'Frågor per ändamål;Örebro kommun;Rapporttest;Försäkringskassan;Vägledning;Nekade;färre än 5\r\n',
    );
    expect(orebro.toString('utf8')).toContain('Rapporttest;Arbetsförmedlingen;Vägledning;Svar;7\r\n');
    // the municipality's NKI with its answers and interval, and each measure against its target
    for (const line of [
      'Kundnöjdhet;;;;;Antal svar;6',
      'Kundnöjdhet;;;;;Nöjd-Kund-Index;77,8',
      'Mål och utfall;;;;Nöjd-Kund-Index (0–100);Mål (minst);75,0',
      'Mål och utfall;;;;Nöjd-Kund-Index (0–100);Utfall;77,8',
      'Mål och utfall;;;;Nöjd-Kund-Index (0–100);Bedömning;Uppnått',
      'Mål och utfall;;;;Lösta vid första kontakten (%);Mål (minst);70,0',
    ]) {
      expect(orebro.toString('utf8')).toContain(`${line}\r\n`);
    }
    expect(orebro.toString('utf8')).toMatch(/Kundnöjdhet;;;;;Konfidensintervall 95 %, nedre;\d+,\d\r\n/);
    // an agency sets no targets and has no survey of its own
    expect(text).not.toContain('Kundnöjdhet');
  });

  it("gives a municipality's manager its month as a PDF with the NKI and each figure against its target", async () => {
    const pdf = await download(`/api/reports/monthly.pdf?month=${MONTH}`, manager(OREBRO));
    expect(pdf.status).toBe(200);
    const text = compact(pdfText(pdf.body));
    for (const expected of [
      'Månadsrapport april 2025 – Örebro kommun',
      'Kundnöjdhet och mål',
      // Chromium sets "fi" as a ligature, so the word konfidensintervall does not read back whole
      'Nöjd-Kund-Index 77,8 (95 %',
      // 77,8 ± t(0,975; 5) · s / √6 of the six scores 88,9 and 66,7
      '65,0–90,6), 6 svar.',
      'Mål och utfall',
      'Nöjd-Kund-Index (0–100) 75,0 77,8',
      'Uppnått',
      'Lösta vid första kontakten (%) 70,0',
    ]) {
      expect(text).toContain(compact(expected));
    }
  }, 30_000);

  it('refuses a malformed month and other roles', async () => {
    expect((await hub.call('GET', '/api/reports/monthly.csv?month=2025-13', { as: manager(FK) })).body).toMatchObject({
      error: 'invalid-period',
    });
    const guide = await hub.call('GET', `/api/reports/monthly.pdf?month=${MONTH}`, {
      as: { organisation: OREBRO, unit: 'Servicecenter', roles: ['guide'] },
    });
    expect(guide).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
  });

  it("lets the agency's own admin set its report address, validated, and no other organisation's", async () => {
    const fkAdmin: TestUser = { organisation: FK, roles: ['agency-admin'] };
    const bad = await hub.call('PATCH', `/api/organisations/${FK}`, { as: fkAdmin, body: { reportAddress: 'fk' } });
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid-request' } });
    const other = await hub.call('PATCH', `/api/organisations/${AF}`, {
      as: fkAdmin,
      body: { reportAddress: FK_ADDRESS },
    });
    expect(other).toMatchObject({ status: 403, body: { error: 'not-hub-operator' } });
    const set = await hub.call('PATCH', `/api/organisations/${FK}`, {
      as: fkAdmin,
      body: { reportAddress: FK_ADDRESS },
    });
    expect(set).toMatchObject({ status: 200, body: { number: FK, reportAddress: FK_ADDRESS } });
    const seenByOthers = await hub.call('GET', `/api/organisations/${FK}`, { as: manager(OREBRO, 'Servicecenter') });
    expect(seenByOthers.body.reportAddress).toBeUndefined();
  });

  it('makes and mails each party’s report once, however often and on however many instances the job runs', async () => {
    const job = hub.app.get(MonthlyReportJob);
    const [first, concurrent] = await Promise.all([job.runFor(MONTH), job.runFor(MONTH)]);
    const again = await job.runFor(MONTH);
    expect(first.made.filter((n) => concurrent.made.includes(n))).toEqual([]);
    expect([...first.made, ...concurrent.made]).toContain(FK);
    expect(again.made).toEqual([]);
    const mails = catcher.mails().filter((m) => m.envelope.to.includes(FK_ADDRESS));
    expect(mails).toEqual([
      expect.objectContaining({
        subject: 'Månadsrapport april 2025 – Försäkringskassan',
        from: 'Samtjänsthubben <rapporter@hub.example>',
        attachments: [
          { filename: `manadsrapport-${MONTH}-${FK}.pdf`, contentType: 'application/pdf' },
          { filename: `manadsrapport-${MONTH}-${FK}.csv`, contentType: 'text/csv' },
        ],
      }),
    ]);
    const { rows } = await pool.query(
      `SELECT recipient, mailed_at IS NOT NULL AS mailed, length(pdf) > 1000 AS pdf, attempts
         FROM hub.party_report WHERE organisation = $1 AND month = $2::date`,
      [FK, `${MONTH}-01`],
    );
    expect(rows).toEqual([{ recipient: FK_ADDRESS, mailed: true, pdf: true, attempts: 1 }]);
    const listed = (await fetch(`${catcher.httpUrl}/messages`).then((r) => r.json())) as { subject: string }[];
    expect(listed.map((m) => m.subject)).toContain('Månadsrapport april 2025 – Försäkringskassan');
  }, 120_000);
});
