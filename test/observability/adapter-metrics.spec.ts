import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, AGENCY_STAFF, registerExamples } from '../support/adapters.js';
import { testPool, waitFor } from '../support/env.js';
import { tokenFor, USERS, type TestUser } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';

/** One sample's value from the Prometheus text format, by name and exact labels as written. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const SCRAPE_TOKEN = 'adapter-scrape-token-for-tests-0001';

describe("an adapter's own Prometheus metrics", () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;

  const scrape = async (as?: TestUser) => {
    const response = await fetch(`${system.adapters.af.url}/metrics`, {
      headers: as ? { authorization: `Bearer ${await tokenFor(as)}` } : {},
    });
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    system = await startSystem({ af: { METRICS_TOKEN: SCRAPE_TOKEN } });
    ({ people } = await registerExamples(pool, ADAPTERS.af));
  }, 90_000);

  afterAll(async () => {
    await system?.close();
    await pool.end();
  });

  it('counts the queries it answered, their answer time, and its inbox by status, after real traffic', async () => {
    const subject = people.jobSeeker.subject;
    const asked = await system.hub.call('POST', '/api/queries', {
      as: USERS.caseworker,
      body: {
        subject,
        purpose: 'ekonomiskt-bistand',
        agencies: ['af'],
        categories: ['af.inskrivning'],
        justification: 'Ansökan om ekonomiskt bistånd',
      },
    });
    expect(asked.body.results[0].status).toBe('ok');
    const consent = await system.hub.call('POST', '/api/consents', {
      as: USERS.guide,
      body: {
        subject,
        purposes: ['vagledning'],
        agencies: ['af'],
        categories: ['af.inskrivning'],
        method: 'in-person-verbal',
        validUntil: '2027-06-30',
      },
    });
    const sent = await system.hub.call('POST', '/api/referrals', {
      as: USERS.guide,
      body: {
        subject,
        agency: 'af',
        referralType: 'af.inskrivning-arbetssokande',
        purpose: 'vagledning',
        message: 'Vill skriva in sig.',
        contactPreference: 'phone',
        consentId: consent.body.id,
      },
    });
    expect(sent.status).toBe(201);
    await waitFor(
      async () =>
        sample((await scrape(AGENCY_STAFF.af.admin)).text, 'samtjanst_adapter_referrals{status="received"}') === 1,
      10_000,
      'the referral in the inbox',
    );

    const { status, text } = await scrape(AGENCY_STAFF.af.admin);
    expect(status).toBe(200);
    expect(sample(text, 'samtjanst_adapter_queries_total{outcome="ok"}')).toBe(1);
    expect(sample(text, 'samtjanst_adapter_answer_seconds_count')).toBe(1);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(text).not.toContain(subject.slice(2));
  });

  it("is for the agency's own admins", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape(AGENCY_STAFF.af.caseworker)).status).toBe(403);
    expect((await scrape(AGENCY_STAFF.fk.admin)).status).toBe(403);
    expect((await scrape(USERS.municipalityAdmin)).status).toBe(403);
  });

  it('takes the static METRICS_TOKEN that Prometheus sends, on /metrics only', async () => {
    const get = (path: string, token: string) =>
      fetch(`${system.adapters.af.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const scraped = await get('/metrics', SCRAPE_TOKEN);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('samtjanst_adapter_queries_total');
    expect((await get('/metrics', `${SCRAPE_TOKEN}x`)).status).toBe(401);
    expect((await get('/api/inbox', SCRAPE_TOKEN)).status).toBe(401);
    // an adapter configured without a scrape token takes none
    const fk = await fetch(`${system.adapters.fk.url}/metrics`, {
      headers: { authorization: `Bearer ${SCRAPE_TOKEN}` },
    });
    expect(fk.status).toBe(401);
  });
});
