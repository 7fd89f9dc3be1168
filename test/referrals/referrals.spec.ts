import { PgOutbox } from '@hub/messaging';
import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, AGENCY_STAFF, callAdapter, registerExamples } from '../support/adapters.js';
import { testPool, waitFor } from '../support/env.js';
import { tokenFor, USERS } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';

const FAST_CASEWORKER = {
  CASEWORKER: 'simulated',
  CASEWORKER_ACCEPT_AFTER_MS: '150',
  CASEWORKER_START_AFTER_MS: '150',
  CASEWORKER_CLOSE_AFTER_MS: '150',
  CASEWORKER_DECLINE_RATE: '0',
};

describe('referrals from the front office to the agencies, end to end', () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;

  const call = (method: string, path: string, body?: unknown, as = USERS.guide) =>
    system.hub.call(method, path, { as, body });
  const consentTo = async (subject: string, agencies: string[], categories: string[]) => {
    const { status, body } = await call('POST', '/api/consents', {
      subject,
      purposes: ['vagledning'],
      agencies,
      categories,
      method: 'in-person-verbal',
      validUntil: '2027-06-30',
    });
    expect(status).toBe(201);
    return body.id as string;
  };
  const send = (overrides: Record<string, unknown>) =>
    call('POST', '/api/referrals', {
      subject: people.jobSeeker.subject,
      agency: 'af',
      referralType: 'af.inskrivning-arbetssokande',
      purpose: 'vagledning',
      message: 'Personen har blivit uppsagd och vill skriva in sig. Behöver tolk på arabiska.',
      contactPreference: 'phone',
      ...overrides,
    });
  const statusOf = async (id: string) => (await call('GET', `/api/referrals/${id}`)).body.status;
  const timeline = async (id: string) =>
    (await call('GET', `/api/referrals/${id}`)).body.timeline.map((e: { status: string }) => e.status);

  beforeAll(async () => {
    system = await startSystem({ af: FAST_CASEWORKER });
    ({ people } = await registerExamples(pool, ADAPTERS.af));
  }, 90_000);

  afterAll(async () => {
    await system?.close();
    await pool.end();
  });

  it('sends a referral that the agency receives, accepts, works on and closes, with the whole timeline', async () => {
    const consentId = await consentTo(people.jobSeeker.subject, ['af'], ['af.inskrivning']);
    const sent = await send({ consentId });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ agency: 'af', consentId, overdue: false });
    // the referral as committed; the agency's answers come after
    expect(sent.body).toMatchObject({ status: 'sent', timeline: [{ status: 'sent' }] });
    expect(sent.body.subject).toMatch(/-\*\*\*\*$/);
    expect(Date.parse(sent.body.respondBy) - Date.parse(sent.body.createdAt)).toBe(72 * 3_600_000);
    const id = sent.body.id;
    await waitFor(async () => (await statusOf(id)) === 'closed', 15_000, 'the referral to be closed');
    expect(await timeline(id)).toEqual(['sent', 'received', 'accepted', 'in-progress', 'closed']);
    const shown = (await call('GET', `/api/referrals/${id}`)).body;
    expect(shown.timeline[1].actor).toEqual({ organisation: ADAPTERS.af.organisation, service: 'adapter-af' });

    const audited = await pool.query(
      `SELECT outcome FROM audit.entry WHERE kind = 'referral' AND correlation_id = $1 ORDER BY seq`,
      [id],
    );
    expect(audited.rows.map((r) => r.outcome)).toEqual(['sent', 'received', 'accepted', 'in-progress', 'closed']);
    const listed = await call('GET', '/api/referrals?status=closed&agency=af');
    expect(listed.body.map((r: { id: string }) => r.id)).toContain(id);
  });

  it('cancels a pending referral when the citizen revokes the consent it relied on', async () => {
    const subject = people.withAllFk.subject;
    const consentId = await consentTo(subject, ['fk'], ['fk.utbetalningar']);
    const sent = await send({
      subject,
      agency: 'fk',
      referralType: 'fk.bostadsbidrag-ansokan',
      consentId,
    });
    expect(sent.status).toBe(201);
    const id = sent.body.id;
    await waitFor(async () => (await statusOf(id)) === 'received', 10_000, 'the referral to be received');
    const revoked = await call('POST', `/api/consents/${consentId}/revoke`, {});
    expect(revoked.status).toBe(200);
    await waitFor(async () => (await statusOf(id)) === 'cancelled', 10_000, 'the referral to be cancelled');
    const shown = (await call('GET', `/api/referrals/${id}`)).body;
    expect(shown.timeline.at(-1)).toMatchObject({
      status: 'cancelled',
      actor: { service: 'adapter-fk' },
      note: expect.stringMatching(/samtycket har återkallats/),
    });
  });

  it('lets the front office withdraw a referral, and the agency learns it', async () => {
    const subject = people.withAllFk.subject;
    const consentId = await consentTo(subject, ['fk'], ['fk.pagaende-arenden']);
    const id = (await send({ subject, agency: 'fk', referralType: 'fk.sjukpenning-kontakt', consentId })).body.id;
    await waitFor(async () => (await statusOf(id)) === 'received');
    const cancelled = await call('POST', `/api/referrals/${id}/cancel`, { note: 'Personen har löst det själv.' });
    expect(cancelled.body.status).toBe('cancelled');
    const token = await tokenFor(AGENCY_STAFF.fk.caseworker);
    await waitFor(async () => {
      const { body } = await callAdapter(system.adapters.fk, 'GET', `/api/referrals/${id}`, { token });
      return body.status === 'cancelled';
    });
    await waitFor(async () => (await timeline(id)).filter((s: string) => s === 'cancelled').length === 2);
    const again = await call('POST', `/api/referrals/${id}/cancel`, {});
    expect(again).toMatchObject({ status: 409, body: { error: 'referral-finished' } });
  });

  it('refuses a referral the policy does not allow, with the reason, and audits it', async () => {
    const noConsent = await send({ subject: people.ordinary.subject });
    expect(noConsent).toMatchObject({ status: 403, body: { error: 'consent-missing' } });
    const wrongType = await send({ referralType: 'af.okand-typ' });
    expect(wrongType).toMatchObject({ status: 403, body: { error: 'referral-type-unknown' } });
    const wrongPurpose = await send({ purpose: 'etablering' });
    expect(wrongPurpose).toMatchObject({ status: 403, body: { error: 'purpose-not-covered' } });
    const badSubject = await send({ subject: '19121212-1213' });
    expect(badSubject).toMatchObject({ status: 400, body: { error: 'invalid-personnummer' } });
    const denied = await pool.query(
      `SELECT count(*)::int AS n FROM audit.entry WHERE kind = 'referral' AND outcome = 'denied'`,
    );
    expect(denied.rows[0].n).toBeGreaterThanOrEqual(3);
  });

  it('loses nothing when the hub stops between storing a referral and publishing it', async () => {
    const outbox = system.hub.app.get(PgOutbox);
    await outbox.stop();
    const consentId = await consentTo(people.jobSeekerInProgramme.subject, ['af'], ['af.program']);
    const id = (await send({ subject: people.jobSeekerInProgramme.subject, consentId })).body.id;
    const waiting = await pool.query(`SELECT count(*)::int AS n FROM hub.outbox`);
    expect(waiting.rows[0].n).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await statusOf(id)).toBe('sent');
    // a restarted hub's relay publishes what was committed but never sent
    await outbox.start();
    await waitFor(async () => (await statusOf(id)) !== 'sent', 10_000, 'the referral to reach the agency');
    expect((await pool.query(`SELECT count(*)::int AS n FROM hub.outbox`)).rows[0].n).toBe(0);
  });

  it('records status events when more arrive at once than the hub has database connections', async () => {
    // each event is recorded in a transaction that also appends to the audit log: with the audit log drawing on
    // the same pool, a burst of events held every connection and waited for one for ever
    const consentId = await consentTo(people.formerJobSeeker.subject, ['af'], ['af.inskrivning']);
    const sent = await Promise.all(
      Array.from({ length: 40 }, () => send({ subject: people.formerJobSeeker.subject, consentId })),
    );
    expect(sent.map((r) => r.status)).toEqual(Array(40).fill(201));
    const ids = sent.map((r) => r.body.id as string);
    await waitFor(
      async () => {
        const { rows } = await pool.query(
          `SELECT count(*)::int AS n FROM hub.referral WHERE id = ANY($1::uuid[]) AND status = 'closed'`,
          [ids],
        );
        return rows[0].n === ids.length;
      },
      60_000,
      'all 40 referrals to be closed at the hub',
    );
  }, 90_000);

  it('stores referrals sent together, and one that the database refuses fails no other', async () => {
    const consentId = await consentTo(people.jobSeeker.subject, ['af'], ['af.inskrivning']);
    await pool.query(`
      CREATE OR REPLACE FUNCTION hub.refuse_test_referral() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.message LIKE 'REFUSE%' THEN RAISE EXCEPTION 'refused by the test'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_test_referral BEFORE INSERT ON hub.referral
        FOR EACH ROW EXECUTE FUNCTION hub.refuse_test_referral();`);
    try {
      const messages = Array.from({ length: 12 }, (_, i) => `${i === 5 ? 'REFUSE' : 'Ärende'} nummer ${i}`);
      const answers = await Promise.all(messages.map((message) => send({ consentId, message })));
      expect(answers.map((a) => a.status)).toEqual(messages.map((m) => (m.startsWith('REFUSE') ? 500 : 201)));
      const stored = await pool.query<{ message: string }>(
        'SELECT message FROM hub.referral WHERE id = ANY($1::uuid[])',
        [answers.filter((a) => a.status === 201).map((a) => a.body.id)],
      );
      expect(stored.rows.map((r) => r.message).sort()).toEqual(messages.filter((m) => !m.startsWith('REFUSE')).sort());
      const refused = await pool.query(`SELECT 1 FROM hub.referral WHERE message LIKE 'REFUSE%'`);
      expect(refused.rowCount).toBe(0);
    } finally {
      await pool.query('DROP TRIGGER refuse_test_referral ON hub.referral; DROP FUNCTION hub.refuse_test_referral()');
    }
  });

  it('shows referrals only to the unit that sent them', async () => {
    const ours = await call('GET', '/api/referrals');
    expect(ours.body.length).toBeGreaterThan(0);
    const other = await call('GET', '/api/referrals', undefined, { ...USERS.guide, unit: 'Socialkontoret' });
    expect(other.body).toEqual([]);
    const shown = await call('GET', `/api/referrals/${ours.body[0].id}`, undefined, {
      ...USERS.guide,
      unit: 'Socialkontoret',
    });
    expect(shown.status).toBe(404);
  });
});
