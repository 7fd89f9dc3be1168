import { AuditLog, subjectKey } from '@hub/audit';
import { testPool } from '../support/env.js';
import { queryEntry, SECRET } from './audit-fixtures.js';

const SCHEMA = 'audit_test_periods';
const TOLVAN = '19121212-1212';

/** Subject keys per period (crypto-shredding, docs/gallring.md) on the real database, several instances at once. */
describe('subject keys per period', () => {
  const pool = testPool();
  const instance = () => new AuditLog(pool, { schema: SCHEMA, subjectKeySecret: SECRET, verifyPageSize: 64 });

  beforeAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await pool.end();
  });

  it('makes each period’s key once however many instances start together, and they all agree on it', async () => {
    const logs = [instance(), instance(), instance()];
    await Promise.all(logs.map((log) => log.migrate()));
    await Promise.all(logs.map((log) => log.loadSubjectKeys({ periods: ['2019', '2020'] })));
    const year = new Date().getUTCFullYear();
    expect((await logs[0]!.subjectPeriods()).map((p) => p.period)).toEqual([
      '2019',
      '2020',
      String(year),
      String(year + 1),
    ]);
    const keys = logs.map((log) => log.subjectKey(TOLVAN));
    expect(new Set(keys).size).toBe(1);
    expect(logs[1]!.subjectKey(TOLVAN, new Date('2019-05-01T00:00:00Z'))).not.toBe(keys[0]);
    // another deployment's secret, with the same seeds, makes other keys
    const foreign = new AuditLog(pool, { schema: SCHEMA, subjectKeySecret: `${SECRET}-other` });
    await foreign.loadSubjectKeys();
    expect(foreign.subjectKey(TOLVAN)).not.toBe(keys[0]);
    // next year's key is made ahead but keys nothing before the year begins; the current year's comes first
    expect(logs[2]!.subjectKeysOf(TOLVAN)).toEqual([keys[0], expect.any(String), expect.any(String)]);
    expect(logs[2]!.subjectKeysOf(TOLVAN, new Date(Date.UTC(year + 1, 0, 1)))).toHaveLength(4);
    // rows keyed before subject keys per year carry the secret's own key; found only where the deployment says so
    const legacy = new AuditLog(pool, { schema: SCHEMA, subjectKeySecret: SECRET, legacySubjectKeys: true });
    await legacy.loadSubjectKeys();
    expect(legacy.subjectKeysOf(TOLVAN)).toEqual([...logs[2]!.subjectKeysOf(TOLVAN), subjectKey(TOLVAN, SECRET)]);
    expect(logs[2]!.subjectKeysOf(TOLVAN)).not.toContain(subjectKey(TOLVAN, SECRET));
  });

  it('unlinks a shredded period’s entries from the person while the chain still verifies', async () => {
    const log = instance();
    await log.migrate();
    await log.loadSubjectKeys({ periods: ['2019'] });
    const old = log.subjectKey(TOLVAN, new Date('2019-05-01T00:00:00Z'));
    const now = log.subjectKey(TOLVAN);
    await log.append(queryEntry(1, { subjectKey: old, correlationId: 'old' }));
    await log.append(queryEntry(2, { subjectKey: now, correlationId: 'now' }));
    const before = await log.accessReport(log.subjectKeysOf(TOLVAN));
    expect(before.map((e) => e.correlationId)).toEqual(['old', 'now']);

    expect(await log.shredSubjectPeriods(['2019'])).toEqual(['2019']);
    expect(await log.shredSubjectPeriods(['2019'])).toEqual([]);
    await expect(log.shredSubjectPeriods([String(new Date().getUTCFullYear())])).rejects.toThrow(/has not ended/);

    const after = await log.accessReport(log.subjectKeysOf(TOLVAN));
    expect(after.map((e) => e.correlationId)).toEqual(['now']);
    expect(() => log.subjectKey(TOLVAN, new Date('2019-05-01T00:00:00Z'))).toThrow(/shredded/);
    const verified = await log.verify();
    expect(verified).toMatchObject({ ok: true, rows: 2 });
    const periods = await log.subjectPeriods({ countEntries: true });
    expect(periods.find((p) => p.period === '2019')).toMatchObject({ shreddedAt: expect.any(String) });

    // another instance, started afterwards, knows it too
    const other = instance();
    await other.loadSubjectKeys();
    expect(other.subjectKeysOf(TOLVAN)).not.toContain(old);
    expect(other.subjectKeysOf(TOLVAN)).toContain(now);
  });
});
