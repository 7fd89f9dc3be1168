import { randomBytes, randomUUID } from 'node:crypto';
import { AuditLog } from '@hub/audit';
import { Subjects } from '../../apps/hub/src/core/subjects.js';
import { DEFAULT_RETENTION } from '../../apps/hub/src/retention/retention-periods.js';
import { RetentionService } from '../../apps/hub/src/retention/retention.service.js';
import { describeVerification, verifyAuditChain } from '../../scripts/audit-verify.js';
import { DATABASE_URL, testPool } from '../support/env.js';
import { migrateTestDatabase, startHub, USERS, type RunningHub } from '../support/hub.js';

const OREBRO = '2120001967';
const PERSON = '19121212-1212';
const YEAR_MS = 365.25 * 86_400_000;

/**
 * Retention (issue 19) end to end on the real database: a person's consent, referrals, errands, contact, query
 * outcome, a session and audit entries; the job run with its clock moved forward, twice, and while another run
 * holds its lock; then a past year's subject key shredded, the chain still verified and the person's lookups no
 * longer finding that year's entries.
 */
describe('retention (gallring)', () => {
  const pool = testPool();
  let hub: RunningHub;
  let subjects: Subjects;
  let audit: AuditLog;
  /** a past year no run has shredded yet, whose key the person's older audit entry is made with */
  let pastYear: string;
  const ids = {
    consent: randomUUID(),
    closedReferral: randomUUID(),
    openReferral: randomUUID(),
    closedErrand: randomUUID(),
    openErrand: randomUUID(),
    contact: randomUUID(),
    query: randomUUID(),
    session: randomBytes(32).toString('hex'),
    citizenSession: randomBytes(32).toString('hex'),
  };
  const correlation = { now: `retention-now-${randomUUID()}`, past: `retention-past-${randomUUID()}` };

  const asOf = (years: number) => new Date(Date.now() + years * YEAR_MS).toISOString();
  const run = (body: object = {}) => hub.call('POST', '/api/retention/run', { as: USERS.operator, body });
  const count = async (sql: string, params: unknown[]) => Number((await pool.query(sql, params)).rows[0].n);
  const reportedCorrelations = async () => {
    const report = await hub.call('POST', '/api/audit/access-report', { as: USERS.auditor, body: { subject: PERSON } });
    expect(report.status).toBe(200);
    return (report.body.entries as { correlationId: string | null }[]).map((e) => e.correlationId);
  };

  beforeAll(async () => {
    await migrateTestDatabase();
    hub = await startHub({ env: { RETENTION_CLOCK_OVERRIDE: 'true', RETENTION_JOB_INTERVAL_MS: '0' } });
    subjects = hub.app.get(Subjects);
    audit = hub.app.get(AuditLog);
    const known = new Set((await audit.subjectPeriods()).map((p) => p.period));
    let year = 2015;
    while (known.has(String(year))) year -= 1;
    pastYear = String(year);

    const subject = subjects.parse(PERSON);
    const department = (
      await pool.query(`SELECT name FROM hub.unit WHERE organisation = $1 AND kind = 'department' LIMIT 1`, [OREBRO])
    ).rows[0].name as string;
    const topic = (
      await pool.query(`SELECT code FROM hub.topic_type WHERE organisation = $1 AND retired_at IS NULL LIMIT 1`, [
        OREBRO,
      ])
    ).rows[0].code as string;
    const masked = '19121212-****';
    await pool.query(
      `INSERT INTO hub.consent (id, subject_key, organisation, unit, purposes, agencies, categories, method,
                                recorded_by, valid_from, valid_until)
       VALUES ($1, $2, $3, 'Servicecenter', '["vagledning"]', '["fk"]', '["fk.utbetalningar"]', 'in-person-written',
               'anna.guide', current_date, current_date + 30)`,
      [ids.consent, subject.key, OREBRO],
    );
    for (const [id, status] of [
      [ids.closedReferral, 'closed'],
      [ids.openReferral, 'sent'],
    ] as const) {
      await pool.query(
        `INSERT INTO hub.referral (id, subject_key, subject_masked, agency, referral_type, purpose, message,
                                   contact_preference, agreement_id, agreement_version, organisation, unit,
                                   created_by, created_at, respond_by, status, status_at)
         VALUES ($1, $2, $3, 'af', 'af.testremiss', 'vagledning', 'Hej', 'phone', $4, 1, $5, 'Servicecenter',
                 'anna.guide', now(), now() + interval '3 days', $6, now())`,
        [id, subject.key, masked, randomUUID(), OREBRO, status],
      );
      await pool.query(
        `INSERT INTO hub.referral_event (referral_id, status, at, actor) VALUES ($1, $2, now(), '{"kind":"staff"}')`,
        [id, status],
      );
    }
    for (const [id, status] of [
      [ids.closedErrand, 'closed'],
      [ids.openErrand, 'sent'],
    ] as const) {
      await pool.query(
        `INSERT INTO hub.errand (id, organisation, unit, department, topic, secrecy_sensitive, message, citizen,
                                 preferred_channel, subject_key, subject_masked, created_by, created_at, respond_by,
                                 status, status_at)
         VALUES ($1, $2, 'Servicecenter', $3, $4, false, 'Lampan är trasig', '{"name":"Tolvan"}', 'telefon', $5, $6,
                 'anna.guide', now(), now() + interval '3 days', $7, now())`,
        [id, OREBRO, department, topic, subject.key, masked, status],
      );
      await pool.query(
        `INSERT INTO hub.errand_event (errand_id, event, at, actor, department, note)
         VALUES ($1, 'sent', now(), '{"kind":"staff"}', $2, 'Ring Tolvan')`,
        [id, department],
      );
    }
    await pool.query(
      `INSERT INTO hub.contact (id, organisation, unit, created_by, channel, topic, rosa, outcome, note, subject_key,
                                subject_masked)
       VALUES ($1, $2, 'Servicecenter', 'anna.guide', 'besok', $3, 2, 'besvarad', 'Tolvan frågade om bygglov', $4, $5)`,
      [ids.contact, OREBRO, topic, subject.key, masked],
    );
    await pool.query(
      `INSERT INTO hub.query_outcome (query_id, agency, at, purpose, organisation, unit, status)
       VALUES ($1, 'fk', now(), 'vagledning', $2, 'Servicecenter', 'ok')`,
      [ids.query, OREBRO],
    );
    await pool.query(
      `INSERT INTO hub.staff_session (id_hash, staff_user, created_at, expires_at)
       VALUES ($1, $2, now() - interval '2 hours', now() - interval '1 hour')`,
      [ids.session, JSON.stringify(USERS.guide)],
    );
    await pool.query(
      `INSERT INTO hub.citizen_session (id_hash, subject_keys, subject_masked, loa, created_at, expires_at)
       VALUES ($1, $2, '19121212-****', 'http://id.elegnamnden.se/loa/1.0/loa3', now() - interval '2 hours',
               now() - interval '1 hour')`,
      [ids.citizenSession, subject.keys],
    );

    const entry = {
      kind: 'query',
      actorKind: 'staff',
      actor: 'anna.guide',
      organisation: OREBRO,
      outcome: 'ok',
    } as const;
    await audit.append({ ...entry, subjectKey: subject.key, correlationId: correlation.now });
    await audit.loadSubjectKeys({ periods: [pastYear] });
    const pastKey = audit.subjectKey(PERSON, new Date(`${pastYear}-06-01T00:00:00Z`));
    await audit.append({ ...entry, subjectKey: pastKey, correlationId: correlation.past });
  });

  afterAll(async () => {
    // what the job left (the open referral and errand, the anonymised contact): no other suite's figures count them
    await pool.query(`DELETE FROM hub.referral_event WHERE referral_id = ANY($1::uuid[])`, [
      [ids.closedReferral, ids.openReferral],
    ]);
    await pool.query(`DELETE FROM hub.referral WHERE id = ANY($1::uuid[])`, [[ids.closedReferral, ids.openReferral]]);
    await pool.query(`DELETE FROM hub.errand_event WHERE errand_id = ANY($1::uuid[])`, [
      [ids.closedErrand, ids.openErrand],
    ]);
    await pool.query(`DELETE FROM hub.errand WHERE id = ANY($1::uuid[])`, [[ids.closedErrand, ids.openErrand]]);
    await pool.query(`DELETE FROM hub.contact WHERE id = $1`, [ids.contact]);
    await hub?.close();
    await pool.end();
  });

  it('finds the person under every year’s key before anything is shredded', async () => {
    const keys = subjects.subjectKeysOf(PERSON);
    expect(keys).toContain(subjects.parse(PERSON).key);
    expect(keys).toContain(audit.subjectKey(PERSON, new Date(`${pastYear}-06-01T00:00:00Z`)));
    expect(await reportedCorrelations()).toEqual(expect.arrayContaining([correlation.now, correlation.past]));
  });

  it('lets the municipality’s admin set its periods, audited, and refuses what cannot be a period', async () => {
    const defaults = await hub.call('GET', '/api/retention', { as: USERS.municipalityAdmin });
    expect(defaults.status).toBe(200);
    expect(defaults.body).toMatchObject({ organisation: OREBRO, defaults: DEFAULT_RETENTION });
    for (const body of [{ consentMonths: 0 }, { referralYears: 51 }, { sessionDays: 'many' }, { surprise: 1 }]) {
      const refused = await hub.call('PUT', '/api/retention', { as: USERS.municipalityAdmin, body });
      expect(refused.status).toBe(400);
    }
    expect((await hub.call('PUT', '/api/retention', { as: USERS.guide, body: { consentMonths: 6 } })).status).toBe(403);
    const set = await hub.call('PUT', '/api/retention', {
      as: USERS.municipalityAdmin,
      body: { consentMonths: 24, referralYears: 2, errandYears: 2 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ consentMonths: 24, updatedBy: USERS.municipalityAdmin.id });
    const audited = await pool.query(
      `SELECT outcome, organisation, details FROM audit.entry WHERE kind = 'retention' AND actor = $1
        ORDER BY seq DESC LIMIT 1`,
      [USERS.municipalityAdmin.id],
    );
    expect(audited.rows[0]).toMatchObject({ organisation: OREBRO, details: { after: { consentMonths: 24 } } });
  });

  it('moves the clock only for an operator of the hub', async () => {
    expect((await hub.call('POST', '/api/retention/run', { as: USERS.municipalityAdmin, body: {} })).status).toBe(403);
    expect((await run({ asOf: 'tomorrow' })).status).toBe(400);
  });

  it('does nothing today that is not yet due', async () => {
    const today = await run();
    expect(today.status).toBe(200);
    expect(today.body.ran).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM hub.consent WHERE id = $1`, [ids.consent])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM hub.referral WHERE id = $1`, [ids.closedReferral])).toBe(1);
  });

  it('waits while another run holds the lock', async () => {
    const other = await pool.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('hub-retention-job'))`);
      const refused = await run({ asOf: asOf(4) });
      expect(refused.body).toMatchObject({ ran: false, reason: 'running-elsewhere' });
      expect(await count(`SELECT count(*) AS n FROM hub.consent WHERE id = $1`, [ids.consent])).toBe(1);
    } finally {
      await other.query(`SELECT pg_advisory_unlock(hashtext('hub-retention-job'))`);
      other.release();
    }
  });

  it('deletes or anonymises what is due four years on, once however many runs start together, audited', async () => {
    const at = asOf(4);
    const service = hub.app.get(RetentionService);
    const runs = await Promise.all([
      run({ asOf: at }).then((r) => r.body),
      service.run({ asOf: new Date(at), batchSize: 1 }),
      run({ asOf: at }).then((r) => r.body),
    ]);
    const ran = runs.filter((r) => r.ran);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    for (const r of runs.filter((r) => !r.ran)) expect(r.reason).toBe('running-elsewhere');
    // every row is taken by exactly one run
    const total = (kind: string) =>
      ran.reduce((sum, r) => sum + (r.counts as Record<string, { rows: number }>)[kind]!.rows, 0);
    expect(total('referrals')).toBeGreaterThanOrEqual(1);
    expect(
      await count(`SELECT count(*) AS n FROM hub.referral WHERE id = ANY($1::uuid[])`, [[ids.closedReferral]]),
    ).toBe(0);

    expect(await count(`SELECT count(*) AS n FROM hub.consent WHERE id = $1`, [ids.consent])).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM hub.referral_event WHERE referral_id = $1`, [ids.closedReferral]),
    ).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM hub.referral WHERE id = $1`, [ids.openReferral])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM hub.errand WHERE id = $1`, [ids.closedErrand])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM hub.errand_event WHERE errand_id = $1`, [ids.closedErrand])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM hub.errand WHERE id = $1`, [ids.openErrand])).toBe(1);
    const contact = await pool.query(`SELECT subject_key, subject_masked, note, topic FROM hub.contact WHERE id = $1`, [
      ids.contact,
    ]);
    expect(contact.rows).toEqual([{ subject_key: null, subject_masked: null, note: null, topic: expect.any(String) }]);
    expect(await count(`SELECT count(*) AS n FROM hub.query_outcome WHERE query_id = $1`, [ids.query])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM hub.staff_session WHERE id_hash = $1`, [ids.session])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM hub.citizen_session WHERE id_hash = $1`, [ids.citizenSession])).toBe(
      0,
    );

    for (const r of ran) {
      const entries = await pool.query(
        `SELECT outcome, subject_key, details FROM audit.entry WHERE kind = 'retention' AND correlation_id = $1
          ORDER BY seq`,
        [`retention-run-${r.runId}`],
      );
      expect(entries.rows.map((e) => e.details.what)).toEqual([
        'contacts',
        'consents',
        'referrals',
        'errands',
        'query-outcomes',
        'sessions',
        'subject-keys',
      ]);
      expect(entries.rows.every((e) => e.subject_key === null)).toBe(true);
      expect(JSON.stringify(entries.rows)).not.toMatch(/19121212|Tolvan/);
    }
  });

  it('finds nothing more to do when run again', async () => {
    const again = await run({ asOf: asOf(4) });
    expect(again.body.ran).toBe(true);
    for (const kind of Object.keys(again.body.counts)) expect(again.body.counts[kind]).toEqual({ rows: 0, related: 0 });
    expect(again.body.shredded).toEqual([]);
  });

  it('has shredded the past year’s key: the chain verifies, says so, and the person’s lookups skip that year', async () => {
    const periods = await audit.subjectPeriods();
    expect(periods.find((p) => p.period === pastYear)?.shreddedAt).toEqual(expect.any(String));
    expect(periods.find((p) => p.period === String(new Date().getUTCFullYear()))?.shreddedAt).toBeNull();

    const verified = await hub.call('GET', '/api/audit/verify', { as: USERS.auditor });
    expect(verified.body).toMatchObject({ ok: true });
    expect(verified.body.subjectPeriods).toEqual(
      expect.arrayContaining([expect.objectContaining({ period: pastYear, shreddedAt: expect.any(String) })]),
    );
    const chain = await verifyAuditChain(DATABASE_URL);
    expect(chain.ok).toBe(true);
    expect(describeVerification(chain)).toContain(`${pastYear}: SHREDDED`);

    const keys = subjects.subjectKeysOf(PERSON);
    expect(keys).toContain(subjects.parse(PERSON).key);
    expect(() => audit.subjectKey(PERSON, new Date(`${pastYear}-06-01T00:00:00Z`))).toThrow(/shredded/);
    const reported = await reportedCorrelations();
    expect(reported).toContain(correlation.now);
    expect(reported).not.toContain(correlation.past);
    // the entry is still there, under a key nobody can make again
    expect(await count(`SELECT count(*) AS n FROM audit.entry WHERE correlation_id = $1`, [correlation.past])).toBe(1);
  });

  it('never brings a shredded key back', async () => {
    await expect(
      pool.query(`UPDATE audit.subject_period_key SET seed = $2, shredded_at = NULL WHERE period = $1`, [
        pastYear,
        randomBytes(32),
      ]),
    ).rejects.toThrow(/only ever shredded/);
    await expect(pool.query(`DELETE FROM audit.subject_period_key WHERE period = $1`, [pastYear])).rejects.toThrow(
      /append-only/,
    );
  });
});
