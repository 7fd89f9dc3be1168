import type { AuditLog } from '@hub/audit';
import { testPool } from '../support/env.js';
import { freshLog, queryEntry } from './audit-fixtures.js';

const SCHEMA = 'audit_test_report';
const TOLVAN = '19121212-1212';
const OTHER = '198112289874';
const AGREEMENT = { agreementId: '6f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10', agreementVersion: 3 };

describe('access report: every entry about one subject, found by keyed hash', () => {
  const pool = testPool();
  let log: AuditLog;

  beforeAll(async () => {
    log = await freshLog(pool, SCHEMA);
    const tolvan = log.subjectKey(TOLVAN);
    const other = log.subjectKey(OTHER);
    await log.append(queryEntry(1, { subjectKey: tolvan, correlationId: 'tolvan-query' }));
    await log.append(queryEntry(2, { subjectKey: other }));
    await log.append({
      kind: 'agreement',
      actorKind: 'staff',
      actor: 'admin-1',
      organisation: '2021005521',
      ...AGREEMENT,
      outcome: 'approved',
    });
    await log.append({
      kind: 'referral',
      actorKind: 'service',
      actor: 'adapter-af',
      organisation: '2021002114',
      unit: 'Örebro',
      ...AGREEMENT,
      purpose: 'arbetsmarknadsinsats',
      subjectKey: tolvan,
      outcome: 'accepted',
      correlationId: 'tolvan-referral',
      details: { referralType: 'af.inskrivning-arbetssokande' },
    });
    await Promise.all([
      log.append(queryEntry(3, { subjectKey: other })),
      log.append({
        kind: 'consent',
        actorKind: 'staff',
        actor: 'staff-3',
        organisation: '2120001967',
        unit: 'Servicecenter',
        purpose: 'vagledning',
        subjectKey: tolvan,
        categoriesReleased: [],
        outcome: 'recorded',
        correlationId: 'tolvan-consent',
        details: { method: 'in-person-written', validUntil: '2027-06-01' },
      }),
      log.append(
        queryEntry(4, {
          subjectKey: tolvan,
          correlationId: 'tolvan-protected',
          protectedIdentity: true,
          categoriesReleased: ['fk.utbetalningar'],
          details: { justification: 'hot mot handläggare, beslut 2026-05-02' },
        }),
      ),
    ]);
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await pool.end();
  });

  it('finds exactly the subject’s entries, oldest first, with who, purpose, agreement and what was released', async () => {
    const report = await log.accessReport(log.subjectKey('121212+1212'));
    expect(report.map((e) => e.correlationId)).toEqual([
      'tolvan-query',
      'tolvan-referral',
      'tolvan-consent',
      'tolvan-protected',
    ]);
    expect(report.map((e) => e.seq)).toEqual([...report.map((e) => e.seq)].sort((a, b) => a - b));
    const ats = report.map((e) => e.at);
    expect(ats).toEqual([...ats].sort());
    expect(report[0]).toMatchObject({
      kind: 'query',
      actor: 'staff-1',
      organisation: '2120001967',
      unit: 'Servicecenter',
      purpose: 'vagledning',
      ...AGREEMENT,
      categoriesReleased: ['fk.utbetalningar', 'af.inskrivning'],
      categoriesDenied: [{ category: 'skv.inkomst', reason: 'legal-basis-missing' }],
      protectedIdentity: false,
    });
    expect(report[1]).toMatchObject({ kind: 'referral', organisation: '2021002114', unit: 'Örebro' });
    expect(report[3]).toMatchObject({ protectedIdentity: true, categoriesReleased: ['fk.utbetalningar'] });
    expect(report[0]).not.toHaveProperty('hash');

    const others = await log.accessReport(log.subjectKey(OTHER));
    expect(others).toHaveLength(2);
    expect(others.every((e) => e.subjectKey === log.subjectKey(OTHER))).toBe(true);
  });

  it('logs the lookup itself when asked, and includes it', async () => {
    const key = log.subjectKey(TOLVAN);
    const report = await log.accessReport(key, {
      actorKind: 'staff',
      actor: 'staff-9',
      organisation: '2120001967',
      unit: 'Servicecenter',
      outcome: 'ok',
      correlationId: 'tolvan-own-report',
    });
    expect(report).toHaveLength(5);
    expect(report[4]).toMatchObject({ kind: 'access-report', actor: 'staff-9', correlationId: 'tolvan-own-report' });
    await expect(log.verify()).resolves.toMatchObject({ ok: true, rows: 8 });
  });

  it('refuses a personnummer where a subject key belongs', async () => {
    await expect(log.accessReport('191212121212')).rejects.toThrow(/subject key, not a personnummer/);
  });

  it('never stores the personnummer: no column of any row holds it in any form', async () => {
    const forms = ['191212121212', '19121212-1212', '121212-1212', '1212121212', '198112289874', '8112289874'];
    const { rows } = await pool.query(
      `SELECT row_to_json(e)::text AS entry FROM ${SCHEMA}.entry e
       UNION ALL SELECT row_to_json(h)::text FROM ${SCHEMA}.chain_head h`,
    );
    expect(rows.length).toBeGreaterThan(8);
    for (const { entry } of rows as { entry: string }[]) {
      for (const form of forms) expect(entry).not.toContain(form);
    }
    const subjectKeys = await pool.query(
      `SELECT DISTINCT subject_key FROM ${SCHEMA}.entry WHERE subject_key IS NOT NULL`,
    );
    expect(subjectKeys.rows.map((r) => r.subject_key).sort()).toEqual(
      [log.subjectKey(TOLVAN), log.subjectKey(OTHER)].sort(),
    );
  });
});
