import { randomUUID } from 'node:crypto';
import { swedishDay } from '@hub/policy';
import type { ExamplePeople } from '@hub/registers';
import { FollowUpRepository } from '../../apps/hub/src/follow-up/follow-up.repository.js';
import { suppressedQueries, suppressedReferrals } from '../../apps/hub/src/follow-up/follow-up.service.js';
import { FOLLOW_UP_TIME_ZONE, parsePeriod } from '../../apps/hub/src/follow-up/period.js';
import { ADAPTERS, AGENCY_STAFF, callAdapter, registerExamples } from '../support/adapters.js';
import { testPool, waitFor } from '../support/env.js';
import { tokenFor, USERS, type TestUser } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';

/** A unit of Örebro kommun that only this suite writes to, with rows at instants chosen around midnight and DST. */
const TEST_UNIT = 'Uppföljningstest';
const ORGANISATION = USERS.manager.organisation;
const SUBJECT_KEY = 'ab'.repeat(32);

describe('follow-up (uppföljning) of queries and referrals, for managers', () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;
  const today = () => swedishDay(new Date());

  /** `as: null` asks without a token. */
  const summary = (query = '', as: TestUser | null = USERS.manager) =>
    system.hub.call('GET', `/api/follow-up/summary${query}`, { as: as ?? undefined });
  /**
   * The summary's counts before small numbers are suppressed: the repository's SQL, as the endpoint runs it, so that
   * counts of 1 to 4 can be checked exactly; the endpoint's suppression of them is checked against this.
   */
  const repository = new FollowUpRepository(pool);
  const exact = async (query = '', as: TestUser = USERS.manager): Promise<{ status: number; body: any }> => {
    const parsed = parsePeriod(Object.fromEntries(new URLSearchParams(query)), new Date());
    if (!parsed.ok) throw new Error(parsed.problem);
    const unit = as.unit ?? null;
    const [queries, referrals, overdue] = await Promise.all([
      repository.queries(as.organisation, unit, parsed.period),
      repository.referrals(as.organisation, unit, parsed.period),
      repository.overdue(as.organisation, unit, new Date()),
    ]);
    return {
      status: 200,
      body: {
        period: { ...parsed.period, timeZone: FOLLOW_UP_TIME_ZONE },
        scope: { organisation: as.organisation, unit },
        queries,
        referrals: { ...referrals, overdue },
      },
    };
  };
  const ask = (body: Record<string, unknown>) => system.hub.call('POST', '/api/queries', { as: USERS.guide, body });
  const consentTo = async (subject: string, agencies: string[], categories: string[]) => {
    const { status, body } = await system.hub.call('POST', '/api/consents', {
      as: USERS.guide,
      body: {
        subject,
        purposes: ['vagledning'],
        agencies,
        categories,
        method: 'in-person-verbal',
        validUntil: '2027-06-30',
      },
    });
    expect(status).toBe(201);
    return body.id as string;
  };
  const sendReferral = async (body: Record<string, unknown>) => {
    const sent = await system.hub.call('POST', '/api/referrals', {
      as: USERS.guide,
      body: { purpose: 'vagledning', message: 'Vill bli kontaktad.', contactPreference: 'phone', ...body },
    });
    expect(sent.status).toBe(201);
    return sent.body.id as string;
  };
  const referral = async (id: string) =>
    (await system.hub.call('GET', `/api/referrals/${id}`, { as: USERS.guide })).body;
  const waitForStatus = (id: string, status: string) =>
    waitFor(async () => (await referral(id)).status === status, 10_000, `referral ${id} to be ${status}`);
  const caseworkerMoves = async (agency: 'af' | 'fk', id: string, statuses: string[]) => {
    const token = await tokenFor(AGENCY_STAFF[agency].caseworker);
    for (const status of statuses) {
      const moved = await callAdapter(system.adapters[agency], 'POST', `/api/referrals/${id}/status`, {
        token,
        body: { status },
      });
      expect(moved.status).toBe(200);
      await waitForStatus(id, status);
    }
  };

  const realReferrals: Record<'closed' | 'declined' | 'waiting', string> = { closed: '', declined: '', waiting: '' };
  let latencies: Record<string, number[]>;

  beforeAll(async () => {
    system = await startSystem();
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    // outcomes of earlier suites would be counted with ours (startSystem clears the referrals, not these)
    await pool.query('TRUNCATE hub.query_outcome');

    const answers = [
      await ask({
        subject: people.ordinary.subject,
        purpose: 'vagledning',
        agencies: ['fk', 'af', 'skv'],
        categories: ['fk.utbetalningar', 'af.handlaggare', 'skv.f-skatt'],
      }),
      await ask({
        subject: people.jobSeeker.subject,
        purpose: 'vagledning',
        agencies: ['fk', 'af', 'skv'],
        categories: ['fk.utbetalningar', 'af.handlaggare', 'skv.f-skatt'],
      }),
      await ask({ subject: people.ordinary.subject, purpose: 'etablering', agencies: ['fk', 'skv'] }),
    ];
    latencies = { af: [], skv: [] };
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      for (const result of answer.body.results) {
        if (result.latencyMs !== undefined) latencies[result.agency].push(Math.round(result.latencyMs));
      }
    }

    const jobSeekerConsent = await consentTo(people.jobSeeker.subject, ['af'], ['af.inskrivning']);
    realReferrals.closed = await sendReferral({
      subject: people.jobSeeker.subject,
      agency: 'af',
      referralType: 'af.inskrivning-arbetssokande',
      consentId: jobSeekerConsent,
    });
    const programmeConsent = await consentTo(people.jobSeekerInProgramme.subject, ['af'], ['af.program']);
    realReferrals.declined = await sendReferral({
      subject: people.jobSeekerInProgramme.subject,
      agency: 'af',
      referralType: 'af.inskrivning-arbetssokande',
      consentId: programmeConsent,
    });
    const fkConsent = await consentTo(people.withAllFk.subject, ['fk'], ['fk.pagaende-arenden']);
    realReferrals.waiting = await sendReferral({
      subject: people.withAllFk.subject,
      agency: 'fk',
      referralType: 'fk.sjukpenning-kontakt',
      consentId: fkConsent,
    });
    for (const id of Object.values(realReferrals)) await waitForStatus(id, 'received');
    await caseworkerMoves('af', realReferrals.closed, ['accepted', 'in-progress', 'closed']);
    await caseworkerMoves('af', realReferrals.declined, ['declined']);
  }, 120_000);

  afterAll(async () => {
    await pool.query('DELETE FROM hub.query_outcome WHERE unit = $1', [TEST_UNIT]).catch(() => undefined);
    await system?.close();
    await pool.end();
  });

  it('counts the queries asked today per day, purpose, agency and outcome, with denial reasons and answer times', async () => {
    const { status, body } = await exact();
    expect(status).toBe(200);
    const day = today();
    expect(body.period).toEqual({
      from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      to: day,
      days: 30,
      timeZone: 'Europe/Stockholm',
    });
    expect(body.scope).toEqual({ organisation: ORGANISATION, unit: 'Servicecenter' });
    const { queries } = body;
    expect(queries.total).toEqual({ queries: 3, agencyResults: 8 });
    expect(queries.daily).toHaveLength(30);
    expect(queries.daily.at(-1)).toEqual({ day, queries: 3, agencyResults: 8 });
    expect(queries.daily.slice(0, -1).every((d: { queries: number }) => d.queries === 0)).toBe(true);
    expect(queries.perDay).toEqual([
      { day, purpose: 'etablering', agency: 'fk', status: 'denied', count: 1 },
      { day, purpose: 'etablering', agency: 'skv', status: 'denied', count: 1 },
      { day, purpose: 'vagledning', agency: 'af', status: 'ok', count: 2 },
      { day, purpose: 'vagledning', agency: 'fk', status: 'denied', count: 2 },
      { day, purpose: 'vagledning', agency: 'skv', status: 'ok', count: 2 },
    ]);
    expect(queries.byPurpose).toEqual([
      { purpose: 'vagledning', queries: 2, count: 6 },
      { purpose: 'etablering', queries: 1, count: 2 },
    ]);
    expect(queries.byAgency).toEqual([
      { agency: 'fk', count: 3 },
      { agency: 'skv', count: 3 },
      { agency: 'af', count: 2 },
    ]);
    expect(queries.byStatus).toEqual([
      { status: 'denied', count: 4 },
      { status: 'ok', count: 4 },
    ]);
    expect(queries.denialReasons).toEqual([
      { agency: 'fk', reason: 'consent-missing', count: 2 },
      { agency: 'fk', reason: 'purpose-not-covered', count: 1 },
      { agency: 'skv', reason: 'purpose-not-covered', count: 1 },
    ]);
    // percentile_cont between two answers: the median is their mean, p95 95 % of the way up (shown to 0.1 ms)
    expect(queries.latency.map((l: { agency: string }) => l.agency)).toEqual(['af', 'skv']);
    for (const shown of queries.latency) {
      const [low, high] = [...latencies[shown.agency]].sort((a, b) => a - b);
      expect(shown.samples).toBe(2);
      expect(Math.abs(shown.p50Ms - (low + high) / 2)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Math.abs(shown.p95Ms - (low + 0.95 * (high - low)))).toBeLessThanOrEqual(0.05 + 1e-9);
    }
  });

  it('counts the referrals sent today by status, with turnaround per agency, from the agencies’ events', async () => {
    const { body } = await exact();
    const day = today();
    const { referrals } = body;
    expect(referrals.total).toBe(3);
    expect(referrals.daily.at(-1)).toEqual({ day, count: 3 });
    expect(referrals.perDay).toEqual([
      { day, purpose: 'vagledning', agency: 'af', status: 'closed', count: 1 },
      { day, purpose: 'vagledning', agency: 'af', status: 'declined', count: 1 },
      { day, purpose: 'vagledning', agency: 'fk', status: 'received', count: 1 },
    ]);
    expect(referrals.byAgency).toEqual([
      { agency: 'af', count: 2 },
      { agency: 'fk', count: 1 },
    ]);
    expect(referrals.byPurpose).toEqual([{ purpose: 'vagledning', count: 3 }]);
    expect(referrals.byStatus).toEqual([
      { status: 'closed', count: 1 },
      { status: 'declined', count: 1 },
      { status: 'received', count: 1 },
    ]);

    const hoursUntil = async (id: string, statuses: string[]) => {
      const { timeline } = await referral(id);
      const at = (wanted: string[]) =>
        Date.parse(timeline.find((e: { status: string }) => wanted.includes(e.status)).at);
      return (at(statuses) - at(['sent'])) / 3_600_000;
    };
    const answers = [
      await hoursUntil(realReferrals.closed, ['accepted']),
      await hoursUntil(realReferrals.declined, ['declined']),
    ];
    const [af, fk] = referrals.turnaround;
    expect(af).toMatchObject({ agency: 'af', answered: 2, closed: 1 });
    expect(af.answerMedianHours).toBeCloseTo((answers[0] + answers[1]) / 2, 3);
    expect(af.closeMedianHours).toBeCloseTo(await hoursUntil(realReferrals.closed, ['closed']), 3);
    expect(fk).toEqual({
      agency: 'fk',
      answered: 0,
      answerMedianHours: null,
      answerP90Hours: null,
      closed: 0,
      closeMedianHours: null,
      closeP90Hours: null,
    });
    expect(referrals.overdue).toEqual({ count: 0, referrals: [] });
  });

  it('shows no count of 1 to 4 and no answer time of fewer than 5, as the figures do', async () => {
    const { status, body } = await summary();
    expect(status).toBe(200);
    const counted = await exact();
    expect(body.smallNumberThreshold).toBe(5);
    expect(body.queries).toEqual(suppressedQueries(counted.body.queries));
    expect(body.referrals).toEqual({ ...suppressedReferrals(counted.body.referrals), overdue: body.referrals.overdue });
    expect(body.queries.total).toEqual({ queries: null, agencyResults: 8 });
    expect(body.referrals.total).toBeNull();
    expect(body.queries.latency.every((l: { p50Ms: number | null }) => l.p50Ms === null)).toBe(true);
  });

  it('lists the referrals overdue now, with id, agency, type and respondBy', async () => {
    const id = realReferrals.waiting;
    await pool.query(
      `UPDATE hub.referral SET respond_by = date_trunc('milliseconds', now() - interval '2 hours') WHERE id = $1`,
      [id],
    );
    const { body } = await summary();
    const shown = await referral(id);
    expect(body.referrals.overdue.count).toBe(1);
    expect(body.referrals.overdue.referrals).toEqual([
      {
        id,
        agency: 'fk',
        referralType: 'fk.sjukpenning-kontakt',
        purpose: 'vagledning',
        status: 'received',
        createdAt: shown.createdAt,
        respondBy: shown.respondBy,
        hoursOverdue: expect.any(Number),
      },
    ]);
    expect(body.referrals.overdue.referrals[0].hoursOverdue).toBeCloseTo(2, 0);
    expect(shown.overdue).toBe(true);
  });

  it('names no citizen, not even by the keyed hash', async () => {
    const { body } = await summary();
    const text = JSON.stringify(body);
    const { rows } = await pool.query<{ subject_key: string }>('SELECT subject_key FROM hub.referral');
    for (const person of [people.ordinary, people.jobSeeker, people.jobSeekerInProgramme, people.withAllFk]) {
      expect(text).not.toContain(person.subject);
      expect(text).not.toContain(person.subject.slice(2));
    }
    for (const { subject_key } of rows) expect(text).not.toContain(subject_key);
    expect(text).not.toMatch(/\*\*\*\*/);
  });

  describe('with rows at chosen instants (unit Uppföljningstest, around the start of summer time 2026-03-29)', () => {
    const manager = { ...USERS.manager, unit: TEST_UNIT };
    const PERIOD = '?from=2026-03-28&to=2026-03-30';
    const overdue = { sentOnly: '', received: '' };

    beforeAll(async () => {
      const outcome = (
        query: string,
        agency: string,
        at: string,
        status: string,
        latency: number | null,
        unit = TEST_UNIT,
      ) => [query, agency, at, ORGANISATION, unit, status, status === 'denied' ? 'consent-missing' : null, latency];
      const ids = Array.from({ length: 8 }, () => randomUUID());
      const rows = [
        outcome(ids[0], 'fk', '2026-03-27T22:59:59Z', 'ok', 1), // 23:59:59 on the 27th in Stockholm: before
        outcome(ids[1], 'fk', '2026-03-28T22:59:59Z', 'ok', 10), // 23:59:59 CET on the 28th
        outcome(ids[1], 'af', '2026-03-28T22:59:59Z', 'ok', 20),
        outcome(ids[2], 'fk', '2026-03-28T23:00:00Z', 'ok', 30), // midnight: the 29th
        outcome(ids[3], 'fk', '2026-03-29T21:59:00Z', 'ok', 40), // 23:59 CEST on the 29th
        outcome(ids[4], 'fk', '2026-03-29T22:00:00Z', 'denied', null), // midnight CEST: the 30th
        outcome(ids[5], 'fk', '2026-03-30T22:00:00Z', 'ok', 1), // midnight CEST: the 31st, after
        outcome(ids[6], 'skv', '2026-03-29T12:00:00Z', 'ok', 5, 'Servicecenter'), // another unit
      ];
      for (const row of rows) {
        await pool.query(
          `INSERT INTO hub.query_outcome (query_id, agency, at, purpose, organisation, unit, status, reason, latency_ms)
           VALUES ($1, $2, $3, 'vagledning', $4, $5, $6, $7, $8)`,
          row,
        );
      }

      const insertReferral = async (
        agency: string,
        createdAt: string,
        respondBy: string,
        events: Array<[status: string, at: string]>,
      ) => {
        const id = randomUUID();
        const [status, statusAt] = events.at(-1)!;
        await pool.query(
          `INSERT INTO hub.referral (id, subject_key, subject_masked, agency, referral_type, purpose, message,
             contact_preference, agreement_id, agreement_version, organisation, unit, created_by, created_at,
             respond_by, status, status_at)
           VALUES ($1, $2, '19121212-****', $3, $4, 'vagledning', 'Test', 'phone', $5, 1, $6, $7, 'anna.guide', $8,
             $9, $10, $11)`,
          [
            id,
            SUBJECT_KEY,
            agency,
            `${agency}.testtyp`,
            randomUUID(),
            ORGANISATION,
            TEST_UNIT,
            createdAt,
            respondBy,
            status,
            statusAt,
          ],
        );
        for (const [eventStatus, at] of events) {
          await pool.query(
            `INSERT INTO hub.referral_event (referral_id, status, at, actor) VALUES ($1, $2, $3, '{"organisation": "x"}')`,
            [id, eventStatus, at],
          );
        }
        return id;
      };
      await insertReferral('af', '2026-03-28T10:00:00Z', '2026-03-31T10:00:00Z', [
        ['sent', '2026-03-28T10:00:00Z'],
        ['received', '2026-03-28T10:05:00Z'],
        ['accepted', '2026-03-28T12:00:00Z'], // 2 h
        ['in-progress', '2026-03-28T13:00:00Z'],
        ['closed', '2026-03-29T10:00:00Z'], // 24 h
      ]);
      await insertReferral('af', '2026-03-29T08:00:00Z', '2026-04-01T08:00:00Z', [
        ['sent', '2026-03-29T08:00:00Z'],
        ['received', '2026-03-29T08:01:00Z'],
        ['declined', '2026-03-29T12:00:00Z'], // 4 h
      ]);
      await insertReferral('af', '2026-03-30T08:00:00Z', '2026-04-02T08:00:00Z', [
        ['sent', '2026-03-30T08:00:00Z'],
        ['received', '2026-03-30T08:00:01Z'],
        ['accepted', '2026-03-30T14:00:00Z'], // 6 h, past respondBy would not matter: answered
      ]);
      overdue.sentOnly = await insertReferral('fk', '2026-03-30T09:00:00Z', '2026-04-02T09:00:00Z', [
        ['sent', '2026-03-30T09:00:00Z'],
      ]);
      // sent before the period, so not counted in it, but overdue now all the same
      overdue.received = await insertReferral('fk', '2026-03-27T12:00:00Z', '2026-03-30T12:00:00Z', [
        ['sent', '2026-03-27T12:00:00Z'],
        ['received', '2026-03-27T12:30:00Z'],
      ]);
    });

    it('buckets queries by Swedish calendar day across midnight and the change to summer time', async () => {
      const { status, body } = await exact(PERIOD, manager);
      expect(status).toBe(200);
      expect(body.period).toEqual({ from: '2026-03-28', to: '2026-03-30', days: 3, timeZone: 'Europe/Stockholm' });
      expect(body.scope).toEqual({ organisation: ORGANISATION, unit: TEST_UNIT });
      expect(body.queries.total).toEqual({ queries: 4, agencyResults: 5 });
      expect(body.queries.daily).toEqual([
        { day: '2026-03-28', queries: 1, agencyResults: 2 },
        { day: '2026-03-29', queries: 2, agencyResults: 2 },
        { day: '2026-03-30', queries: 1, agencyResults: 1 },
      ]);
      expect(body.queries.perDay).toEqual([
        { day: '2026-03-28', purpose: 'vagledning', agency: 'af', status: 'ok', count: 1 },
        { day: '2026-03-28', purpose: 'vagledning', agency: 'fk', status: 'ok', count: 1 },
        { day: '2026-03-29', purpose: 'vagledning', agency: 'fk', status: 'ok', count: 2 },
        { day: '2026-03-30', purpose: 'vagledning', agency: 'fk', status: 'denied', count: 1 },
      ]);
      // fk answered in 10, 30 and 40 ms: the median is 30, p95 lies 90 % of the way from 30 to 40
      expect(body.queries.latency).toEqual([
        { agency: 'af', samples: 1, p50Ms: 20, p95Ms: 20 },
        { agency: 'fk', samples: 3, p50Ms: 30, p95Ms: 39 },
      ]);
      expect(body.queries.denialReasons).toEqual([{ agency: 'fk', reason: 'consent-missing', count: 1 }]);
    });

    it('gives turnaround in hours, median and p90, and the overdue referrals whenever they were sent', async () => {
      const { body } = await exact(PERIOD, manager);
      expect(body.referrals.total).toBe(4);
      expect(body.referrals.daily).toEqual([
        { day: '2026-03-28', count: 1 },
        { day: '2026-03-29', count: 1 },
        { day: '2026-03-30', count: 2 },
      ]);
      // answers after 2, 4 and 6 hours: median 4, p90 80 % of the way from 4 to 6
      expect(body.referrals.turnaround).toEqual([
        {
          agency: 'af',
          answered: 3,
          answerMedianHours: 4,
          answerP90Hours: 5.6,
          closed: 1,
          closeMedianHours: 24,
          closeP90Hours: 24,
        },
        {
          agency: 'fk',
          answered: 0,
          answerMedianHours: null,
          answerP90Hours: null,
          closed: 0,
          closeMedianHours: null,
          closeP90Hours: null,
        },
      ]);
      expect(body.referrals.overdue.count).toBe(2);
      expect(body.referrals.overdue.referrals).toEqual([
        expect.objectContaining({
          id: overdue.received,
          agency: 'fk',
          referralType: 'fk.testtyp',
          status: 'received',
          createdAt: '2026-03-27T12:00:00.000Z',
          respondBy: '2026-03-30T12:00:00.000Z',
        }),
        expect.objectContaining({ id: overdue.sentOnly, status: 'sent', respondBy: '2026-04-02T09:00:00.000Z' }),
      ]);
    });

    it('covers the whole organisation for a manager without a unit, and nothing of another organisation', async () => {
      const organisationWide = await exact(PERIOD, { ...USERS.manager, unit: undefined });
      expect(organisationWide.body.scope).toEqual({ organisation: ORGANISATION, unit: null });
      expect(organisationWide.body.queries.total).toEqual({ queries: 5, agencyResults: 6 });
      expect(organisationWide.body.queries.byAgency).toContainEqual({ agency: 'skv', count: 1 });
      const otherMunicipality = await summary(PERIOD, { ...USERS.manager, organisation: '2120000001' });
      expect(otherMunicipality.status).toBe(200);
      expect(otherMunicipality.body.queries.total).toEqual({ queries: 0, agencyResults: 0 });
      expect(otherMunicipality.body.referrals.total).toBe(0);
      expect(otherMunicipality.body.referrals.overdue).toEqual({ count: 0, referrals: [] });
    });
  });

  it('is for managers and auditors only', async () => {
    expect((await summary('', USERS.auditor)).status).toBe(200);
    expect(await summary('', USERS.guide)).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
    expect((await summary('', USERS.municipalityAdmin)).status).toBe(403);
    expect(await summary('', null)).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
  });

  it.each([
    ['?from=2026-11-02&to=2026-11-01', /from \(2026-11-02\) is after to \(2026-11-01\)/],
    ['?from=2025-01-01&to=2026-01-02', /367 days; at most 366/],
    ['?from=2026-02-30', /from must be a calendar day/],
    ['?to=yesterday', /to must be a calendar day/],
  ])('refuses the period %s with invalid-period', async (query, message) => {
    const { status, body } = await summary(query);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid-period', message: expect.stringMatching(message) });
  });

  it('refuses parameters it does not know', async () => {
    expect(await summary('?unit=Socialkontoret')).toMatchObject({ status: 400, body: { error: 'invalid-request' } });
  });
});

/** Issue 18: the figures of a unit that only this describe writes to, at chosen instants, and its targets. */
describe('follow-up figures and targets (issue 18)', () => {
  const pool = testPool();
  let system: RunningSystem;
  const FIGURES_UNIT = 'Siffertest';
  const manager = { ...USERS.manager, unit: FIGURES_UNIT };
  const admin = USERS.municipalityAdmin;
  // 2026-03-02 (Monday) to 2026-03-08; the previous week is 2026-02-23 to 2026-03-01
  const PERIOD = '?from=2026-03-02&to=2026-03-08';
  const figures = (query = PERIOD, as: TestUser | null = manager) =>
    system.hub.call('GET', `/api/follow-up/figures${query}`, { as: as ?? undefined });
  const setTargets = (body: Record<string, unknown>, as: TestUser = admin) =>
    system.hub.call('PUT', '/api/follow-up/targets', { as, body });

  const insertContacts = async (
    n: number,
    at: string,
    fields: { channel?: string; topic?: string; rosa?: number; outcome?: string; waiting?: number | null } = {},
  ) => {
    await pool.query(
      `INSERT INTO hub.contact (organisation, unit, created_by, created_at, channel, topic, rosa, outcome,
         waiting_seconds, handling_seconds)
       SELECT $1, $2, 'anna.guide', $3::timestamptz + i * interval '1 second', $4, $5, $6, $7, $8, 60 + i
         FROM generate_series(1, $9) i`,
      [
        ORGANISATION,
        FIGURES_UNIT,
        at,
        fields.channel ?? 'besok',
        fields.topic ?? 'gata-park.snorojning',
        fields.rosa ?? 1,
        fields.outcome ?? 'besvarad',
        fields.waiting === undefined ? 30 : fields.waiting,
        n,
      ],
    );
  };
  const insertErrands = async (
    n: number,
    createdAt: string,
    hoursToAnswer: number | null,
    responseHours: number,
    department = 'Tekniska förvaltningen',
  ) => {
    await pool.query(
      `INSERT INTO hub.errand (id, organisation, unit, department, topic, secrecy_sensitive, message, citizen,
         preferred_channel, created_by, created_at, respond_by, status, status_at, answered_at)
       SELECT gen_random_uuid(), $1, $2, $3, 'gata-park.gatubelysning', false, 'Lampan', '{}', 'phone', 'anna.guide',
              $4::timestamptz, $4::timestamptz + $6 * interval '1 hour',
              CASE WHEN $5::float8 IS NULL THEN 'sent' ELSE 'answered' END, $4::timestamptz,
              $4::timestamptz + $5::float8 * interval '1 hour'
         FROM generate_series(1, $7) i`,
      [ORGANISATION, FIGURES_UNIT, department, createdAt, hoursToAnswer, responseHours, n],
    );
  };

  beforeAll(async () => {
    system = await startSystem();
    await pool.query(`INSERT INTO hub.unit (organisation, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      ORGANISATION,
      FIGURES_UNIT,
    ]);
    await pool.query(`DELETE FROM hub.follow_up_target WHERE organisation = $1`, [ORGANISATION]);
    // Monday 2 March 09:00 CET (08:00 UTC): 20 resolved visits about snow clearing, each waiting 30 s
    await insertContacts(20, '2026-03-02T08:00:00Z');
    // Monday 2 March 23:30 UTC is Tuesday 00:30 in Stockholm: 6 phone calls forwarded
    await insertContacts(6, '2026-03-02T23:30:00Z', { channel: 'telefon', outcome: 'vidarebefordrad', rosa: 3 });
    // Friday 6 March 14:00 CET: 3 chats not resolved about a topic with no article, waiting not recorded
    await insertContacts(3, '2026-03-06T13:00:00Z', {
      channel: 'chatt',
      topic: 'skola.skolskjuts',
      outcome: 'ej-lost',
      rosa: 2,
      waiting: null,
    });
    // the previous week: 10 contacts, all resolved; outside both periods: 7
    await insertContacts(10, '2026-02-25T09:00:00Z');
    await insertContacts(7, '2026-03-09T09:00:00Z');
    // errands: 6 answered after 2 h of a 24 h response time, 2 after 30 h, 3 open and long overdue
    await insertErrands(6, '2026-03-03T08:00:00Z', 2, 24);
    await insertErrands(2, '2026-03-03T08:00:00Z', 30, 24);
    await insertErrands(3, '2026-03-04T08:00:00Z', null, 24);
    await insertErrands(2, '2026-03-04T08:00:00Z', 1, 24, 'Socialförvaltningen');
    // survey answers: 6 this week all 8 (NKI 77.8), 5 the week before all 7 (NKI 66.7)
    await pool.query(
      `INSERT INTO hub.survey_answer (organisation, unit, channel, day, overall, expectations, ideal)
       SELECT $1, $2, 'besok', d.day, d.score, d.score, d.score
         FROM (VALUES ('2026-03-04'::date, 8, 6), ('2026-02-26'::date, 7, 5)) d(day, score, n),
              generate_series(1, d.n)`,
      [ORGANISATION, FIGURES_UNIT],
    );
  }, 120_000);

  afterAll(async () => {
    await pool.query('DELETE FROM hub.contact WHERE unit = $1', [FIGURES_UNIT]).catch(() => undefined);
    await pool.query('DELETE FROM hub.errand WHERE unit = $1', [FIGURES_UNIT]).catch(() => undefined);
    await pool.query('DELETE FROM hub.survey_answer WHERE unit = $1', [FIGURES_UNIT]).catch(() => undefined);
    await pool.query('DELETE FROM hub.follow_up_target WHERE organisation = $1', [ORGANISATION]);
    await system?.close();
    await pool.end();
  });

  it('counts the unit’s contacts by channel, topic, ROSA level and outcome, small counts suppressed', async () => {
    const { status, body } = await figures();
    expect(status).toBe(200);
    expect(body.scope).toEqual({ organisation: ORGANISATION, unit: FIGURES_UNIT });
    expect(body.previousPeriod).toMatchObject({ from: '2026-02-23', to: '2026-03-01', days: 7 });
    expect(body.smallNumberThreshold).toBe(5);
    const { contacts } = body;
    expect(contacts.total).toEqual({ count: 29, suppressed: false });
    expect(contacts.resolvedAtFirstContact).toEqual({ part: 20, base: 29, percent: 69, suppressed: false });
    // beside the total (29), the 3 chats would be 29 − 20 − 6: the next smallest, the 6 calls, is hidden too
    expect(contacts.byChannel).toEqual([
      { channel: 'besok', count: 20, suppressed: false },
      { channel: 'telefon', count: null, suppressed: true, secondary: true },
      { channel: 'chatt', count: null, suppressed: true },
    ]);
    expect(contacts.byTopic).toEqual([
      expect.objectContaining({ topic: 'gata-park.snorojning', category: 'gata-park', count: null, secondary: true }),
      expect.objectContaining({ topic: 'skola.skolskjuts', category: 'skola', count: null, suppressed: true }),
    ]);
    expect(contacts.byTopic[0].topicName).toMatch(/Snöröjning/);
    expect(contacts.byRosa).toEqual([
      { rosa: 1, count: 20, suppressed: false },
      { rosa: 2, count: null, suppressed: true },
      { rosa: 3, count: null, suppressed: true, secondary: true },
    ]);
    expect(contacts.byOutcome).toEqual([
      { outcome: 'besvarad', count: 20, suppressed: false },
      { outcome: 'vidarebefordrad', count: null, suppressed: true, secondary: true },
      { outcome: 'ej-lost', count: null, suppressed: true },
    ]);
  });

  it('places the peaks by weekday and hour in Swedish time', async () => {
    const { body } = await figures();
    const cell = (weekday: number, hour: number) =>
      body.contacts.heatMap.find((c: { weekday: number; hour: number }) => c.weekday === weekday && c.hour === hour);
    expect(body.contacts.heatMap).toHaveLength(168);
    expect(cell(1, 9)).toEqual({ weekday: 1, hour: 9, count: 20, suppressed: false });
    // the 6 calls hidden with the 3 chats, lest 29 − 20 − 6 give them back
    expect(cell(2, 0)).toEqual({ weekday: 2, hour: 0, count: null, suppressed: true, secondary: true });
    expect(cell(5, 14)).toEqual({ weekday: 5, hour: 14, count: null, suppressed: true });
    expect(cell(1, 8)).toEqual({ weekday: 1, hour: 8, count: 0, suppressed: false });
  });

  it('gives waiting and handling times of the contacts that recorded them', async () => {
    const { body } = await figures();
    expect(body.contacts.waiting).toEqual({
      samples: { count: 26, suppressed: false },
      medianSeconds: 30,
      p90Seconds: 30,
    });
    expect(body.contacts.handling.samples).toEqual({ count: 29, suppressed: false });
  });

  it('takes a waiting and handling time with a contact, and refuses impossible ones', async () => {
    const logged = await system.hub.call('POST', '/api/contacts', {
      as: USERS.guide,
      body: {
        channel: 'telefon',
        topic: 'gata-park.snorojning',
        rosa: 1,
        outcome: 'besvarad',
        waitingSeconds: 95,
        handlingSeconds: 180,
      },
    });
    expect(logged.status).toBe(201);
    expect(logged.body).toMatchObject({ waitingSeconds: 95, handlingSeconds: 180 });
    await pool.query('DELETE FROM hub.contact WHERE id = $1', [logged.body.id]);
    for (const wrong of [{ waitingSeconds: -1 }, { handlingSeconds: 86_401 }, { waitingSeconds: 1.5 }]) {
      const refused = await system.hub.call('POST', '/api/contacts', {
        as: USERS.guide,
        body: { channel: 'telefon', topic: 'gata-park.snorojning', rosa: 1, outcome: 'besvarad', ...wrong },
      });
      expect(refused).toMatchObject({ status: 400, body: { error: 'invalid-request' } });
    }
  });

  it('suggests the topics not resolved at first contact that have no knowledge-base article', async () => {
    const { body } = await figures();
    // a suite that starts the whole system seeds the demo articles, one for each topic, into the shared database
    const hasArticle = async (topic: string) =>
      (await pool.query(`SELECT 1 FROM hub.article WHERE organisation = $1 AND topic = $2`, [ORGANISATION, topic]))
        .rowCount! > 0;
    const suggested = (topic: string) =>
      body.contacts.unresolvedWithoutArticle.find((t: { topic: string }) => t.topic === topic);
    if (await hasArticle('skola.skolskjuts')) expect(suggested('skola.skolskjuts')).toBeUndefined();
    else expect(suggested('skola.skolskjuts')).toMatchObject({ hasArticle: false, count: null, suppressed: true });
    if (await hasArticle('gata-park.snorojning')) expect(suggested('gata-park.snorojning')).toBeUndefined();
    else expect(suggested('gata-park.snorojning')).toMatchObject({ count: 6 });
  });

  it('gives the errands per department with turnaround, overdue and the share answered in time', async () => {
    const { body } = await figures();
    const technical = body.errands.byDepartment.find(
      (d: { department: string }) => d.department === 'Tekniska förvaltningen',
    );
    // 6 answers after 2 h and 2 after 30 h: the median is 2 h, the 90th percentile (between the 7th and 8th) 30 h;
    // its counts and share would be the total's minus Socialförvaltningen's small ones, so they are hidden too
    expect(technical).toEqual({
      department: 'Tekniska förvaltningen',
      forwarded: { count: null, suppressed: true, secondary: true },
      answered: { count: null, suppressed: true, secondary: true },
      medianHours: 2,
      p90Hours: 30,
      overdue: { count: null, suppressed: true },
      answeredInTime: { part: null, base: null, percent: null, suppressed: true, secondary: true },
    });
    const social = body.errands.byDepartment.find(
      (d: { department: string }) => d.department === 'Socialförvaltningen',
    );
    expect(social).toMatchObject({ forwarded: { count: null, suppressed: true }, medianHours: null });
    expect(body.errands.total).toMatchObject({
      forwarded: { count: 13, suppressed: false },
      answeredInTime: { part: 8, base: 13, percent: 61.5 },
    });
  });

  it('sets a target (admin, audited) and shows each figure against it with the trend', async () => {
    const municipal = await setTargets({ firstContactResolvedPercent: 60, nki: 75, errandsInTimePercent: 90 });
    expect(municipal.status).toBe(200);
    expect(municipal.body).toMatchObject({ unit: null, firstContactResolvedPercent: 60, nki: 75, updatedBy: admin.id });
    const own = await setTargets({ unit: FIGURES_UNIT, firstContactResolvedPercent: 75 });
    expect(own.status).toBe(200);
    const { rows } = await pool.query(
      `SELECT actor, outcome, details FROM audit.entry WHERE kind = 'follow-up-target' AND organisation = $1 ORDER BY seq`,
      [ORGANISATION],
    );
    expect(rows.slice(-2).map((r) => [r.actor, r.details.scope, r.details.after.firstContactResolvedPercent])).toEqual([
      [admin.id, 'kommunen', 60],
      [admin.id, FIGURES_UNIT, 75],
    ]);

    const { body } = await figures();
    const target = (measure: string) => body.targets.find((t: { measure: string }) => t.measure === measure);
    // 20 of 29 now, 10 of 10 the week before
    expect(target('first-contact-resolved')).toEqual({
      measure: 'first-contact-resolved',
      target: 75,
      targetOf: 'unit',
      value: 69,
      previous: 100,
      change: -31,
      status: 'missed',
    });
    // the survey's NKI of the unit and the week: 6 answers now, 5 the week before
    expect(target('nki')).toEqual({
      measure: 'nki',
      target: 75,
      targetOf: 'municipality',
      value: 77.8,
      previous: 66.7,
      change: 11.1,
      status: 'met',
    });
    expect(target('errands-in-time')).toMatchObject({ target: 90, value: 61.5, status: 'missed' });
    expect(target('referrals-in-time')).toMatchObject({ target: null, status: 'no-target' });

    await setTargets({ unit: FIGURES_UNIT, firstContactResolvedPercent: 65 });
    const after = await figures();
    expect(after.body.targets[0]).toMatchObject({ target: 65, status: 'met' });

    const listed = await system.hub.call('GET', '/api/follow-up/targets', { as: manager });
    expect(listed.body.map((t: { unit: string | null }) => t.unit)).toEqual([null, FIGURES_UNIT]);
  });

  it('refuses targets out of range, units not of the municipality, and anyone but its admin', async () => {
    expect(await setTargets({ nki: 101 })).toMatchObject({ status: 400, body: { error: 'invalid-request' } });
    expect(await setTargets({ firstContactResolvedPercent: 70.25 })).toMatchObject({ status: 400 });
    expect(await setTargets({ unit: 'Kontaktcenter Kumla', nki: 70 })).toMatchObject({
      status: 404,
      body: { error: 'not-found' },
    });
    expect(await setTargets({ unit: 'Tekniska förvaltningen', nki: 70 })).toMatchObject({ status: 404 });
    expect(await setTargets({ nki: 70 }, manager)).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
    const otherAdmin = { ...admin, organisation: '2120001991', unit: undefined };
    expect(await setTargets({ unit: FIGURES_UNIT, nki: 70 }, otherAdmin)).toMatchObject({ status: 404 });
    const theirs = await system.hub.call('GET', '/api/follow-up/targets', { as: otherAdmin });
    expect(theirs).toMatchObject({ status: 200, body: [] });
  });

  it('shows another municipality nothing of these figures', async () => {
    const { body } = await figures(PERIOD, { ...USERS.manager, organisation: '2120001991', unit: undefined });
    expect(body.contacts.total).toEqual({ count: 0, suppressed: false });
    expect(body.errands.byDepartment).toEqual([]);
    expect(body.targets.every((t: { target: number | null }) => t.target === null)).toBe(true);
  });

  it('is for managers and auditors only', async () => {
    expect((await figures(PERIOD, { ...USERS.auditor, unit: FIGURES_UNIT })).status).toBe(200);
    expect(await figures(PERIOD, USERS.guide)).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
    expect(await figures(PERIOD, null)).toMatchObject({ status: 401 });
    expect(await figures('?from=2026-03-09&to=2026-03-02')).toMatchObject({
      status: 400,
      body: { error: 'invalid-period' },
    });
  });
});
