import { REGISTERS, type ExamplePeople } from '@hub/registers';
import { ADAPTERS, AGENCY_STAFF, callAdapter, registerExamples } from '../support/adapters.js';
import { testPool } from '../support/env.js';
import { tokenFor, USERS, type TestUser } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';

const JUSTIFICATION = 'Personen har bett om hjälp med sin ansökan om bostadsbidrag, utredning pågår';

const format = (personnummer: string) => `${personnummer.slice(0, 8)}-${personnummer.slice(8)}`;

describe('multi-agency query over HTTP, with the hub and all three adapters running', () => {
  const pool = testPool();
  let system: RunningSystem;
  let people: ExamplePeople;

  const ask = (body: Record<string, unknown>, as: TestUser = USERS.guide) =>
    system.hub.call('POST', '/api/queries', { as, body });
  const consent = async (subject: string, categories: string[], agencies = ['fk', 'af', 'skv']) => {
    const { status, body } = await system.hub.call('POST', '/api/consents', {
      as: USERS.guide,
      body: {
        subject,
        purposes: ['vagledning'],
        agencies,
        categories,
        method: 'in-person-written',
        validUntil: '2027-06-30',
      },
    });
    expect(status).toBe(201);
    return body.id as string;
  };
  const setFaults = async (agency: 'fk' | 'af' | 'skv', faults: Record<string, unknown>) => {
    const token = await tokenFor(AGENCY_STAFF[agency].admin);
    const response = await callAdapter(system.adapters[agency], 'PUT', '/api/faults', { token, body: faults });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    system = await startSystem();
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
  }, 90_000);

  afterAll(async () => {
    await system?.close();
    await pool.end();
  });

  it('answers with one result per agency and the registers’ data, and audits each', async () => {
    const subject = people.withAllFk.subject;
    const consentId = await consent(format(subject), ['fk.utbetalningar', 'af.inskrivning', 'skv.folkbokforing']);
    const { status, body } = await ask({
      subject: format(subject),
      purpose: 'vagledning',
      agencies: ['fk', 'af', 'skv'],
      categories: ['fk.utbetalningar', 'fk.bostadsbidrag', 'af.inskrivning', 'af.handlaggare', 'skv.folkbokforing'],
      consentId,
    });
    expect(status).toBe(200);
    expect(body.subject).toBe(`${subject.slice(0, 8)}-****`);
    expect(body.protectedIdentity).toBe(false);
    expect(body.results.map((r: { agency: string }) => r.agency)).toEqual(['fk', 'af', 'skv']);
    const [fk, af, skv] = body.results;
    const stored = await REGISTERS.fk.lookup(pool, 'fk', subject);
    expect(fk).toMatchObject({ status: 'ok', found: true, agreement: { id: system.agreements.fk, version: 1 } });
    expect(fk.released).toEqual([
      { category: 'fk.utbetalningar', data: { records: stored!.categories['fk.utbetalningar'] } },
    ]);
    expect(fk.denied).toEqual([{ category: 'fk.bostadsbidrag', reason: 'legal-basis-missing' }]);
    expect(af.status).toBe('ok');
    expect(af.released.map((r: { category: string }) => r.category)).toEqual(['af.inskrivning', 'af.handlaggare']);
    const folk = await REGISTERS.skv.lookup(pool, 'skv', subject);
    expect(skv.released).toEqual([
      { category: 'skv.folkbokforing', data: { records: folk!.categories['skv.folkbokforing'] } },
    ]);

    const audited = await pool.query(
      `SELECT outcome, details->>'agency' AS agency, categories_released FROM audit.entry
        WHERE kind = 'query' AND correlation_id = $1 ORDER BY details->>'agency'`,
      [body.queryId],
    );
    expect(audited.rows.map((r) => [r.agency, r.outcome])).toEqual([
      ['af', 'ok'],
      ['fk', 'ok'],
      ['skv', 'ok'],
    ]);
    const text = JSON.stringify(
      (await pool.query(`SELECT * FROM audit.entry WHERE correlation_id = $1`, [body.queryId])).rows,
    );
    expect(text).not.toContain(subject);
  });

  it('answers at the deadline with the agency that does not answer timed out and the others answered', async () => {
    await setFaults('af', { down: true });
    try {
      const started = Date.now();
      const { body } = await ask({
        subject: people.ordinary.subject,
        purpose: 'vagledning',
        agencies: ['fk', 'af', 'skv'],
        categories: ['af.handlaggare', 'skv.f-skatt', 'fk.utbetalningar'],
        deadlineMs: 800,
      });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(750);
      const byAgency = Object.fromEntries(body.results.map((r: { agency: string }) => [r.agency, r]));
      expect(byAgency.af).toMatchObject({ status: 'timeout', reason: 'deadline-exceeded', released: [] });
      expect(byAgency.skv).toMatchObject({ status: 'ok', found: true });
      expect(byAgency.fk).toMatchObject({
        status: 'denied',
        reason: 'consent-missing',
        denied: [{ category: 'fk.utbetalningar', reason: 'consent-missing' }],
      });
    } finally {
      await setFaults('af', { down: false });
    }
  });

  it('reports an agency that fails as error and still answers for the others', async () => {
    await setFaults('skv', { errorRate: 1 });
    try {
      const { body } = await ask({
        subject: people.ordinary.subject,
        purpose: 'vagledning',
        agencies: ['af', 'skv'],
        categories: ['af.handlaggare', 'skv.f-skatt'],
      });
      expect(body.results).toMatchObject([
        { agency: 'af', status: 'ok' },
        { agency: 'skv', status: 'error', reason: 'agency-unavailable' },
      ]);
    } finally {
      await setFaults('skv', { errorRate: 0 });
    }
  });

  it('denies a purpose the agreement lacks, and a role it does not allow, without asking the agency', async () => {
    const { body } = await ask({ subject: people.ordinary.subject, purpose: 'etablering', agencies: ['fk', 'skv'] });
    expect(body.results).toMatchObject([
      { agency: 'fk', status: 'denied', reason: 'purpose-not-covered', released: [] },
      { agency: 'skv', status: 'denied', reason: 'purpose-not-covered', released: [] },
    ]);
    const manager = await ask(
      { subject: people.ordinary.subject, purpose: 'vagledning', agencies: ['skv'] },
      { ...USERS.guide, id: 'max.manager', roles: ['manager'] },
    );
    expect(manager.status).toBe(403);
    const caseworker = await ask(
      {
        subject: people.ordinary.subject,
        purpose: 'ekonomiskt-bistand',
        agencies: ['skv'],
        categories: ['skv.inkomst'],
      },
      USERS.caseworker,
    );
    expect(caseworker.body.results[0]).toMatchObject({ status: 'ok', released: [{ category: 'skv.inkomst' }] });
  });

  it('learns protected identity from SKV and keeps every agency’s address and location fields in', async () => {
    const subject = people.protected.subject;
    const consentId = await consent(subject, ['af.inskrivning', 'skv.folkbokforing'], ['af', 'skv']);
    const first = await ask({
      subject,
      purpose: 'vagledning',
      agencies: ['af', 'skv'],
      categories: ['af.handlaggare', 'skv.folkbokforing', 'skv.f-skatt'],
      consentId,
    });
    expect(first.body.protectedIdentity).toBe(true);
    expect(first.body.handlingInstruction).toMatch(/skyddade personuppgifter/);
    for (const result of first.body.results) {
      expect(result).toMatchObject({ status: 'denied', reason: 'justification-missing', released: [] });
    }
    const known = await pool.query('SELECT reported_by FROM hub.protected_subject');
    expect(known.rows).toContainEqual({ reported_by: 'skv' });

    const justified = await ask({
      subject,
      purpose: 'vagledning',
      agencies: ['af', 'skv'],
      categories: ['af.handlaggare', 'skv.folkbokforing', 'skv.f-skatt'],
      consentId,
      justification: JUSTIFICATION,
    });
    const text = JSON.stringify(justified.body);
    for (const field of ['"address"', '"municipality"', '"municipalityCode"', '"office"', '"dwellingAddress"']) {
      expect(text).not.toContain(field);
    }
    const skv = justified.body.results.find((r: { agency: string }) => r.agency === 'skv');
    expect(skv.status).toBe('ok');
    expect(skv.released.map((r: { category: string }) => r.category)).toEqual(['skv.folkbokforing', 'skv.f-skatt']);
    const audited = await pool.query(`SELECT DISTINCT protected_identity FROM audit.entry WHERE correlation_id = $1`, [
      justified.body.queryId,
    ]);
    expect(audited.rows).toEqual([{ protected_identity: true }]);
  });

  it('streams each agency’s result as it arrives (Server-Sent Events)', async () => {
    await setFaults('fk', { latencyMedianMs: 400, latencyP99Ms: 450 });
    try {
      const response = await fetch(`${system.hub.url}/api/queries/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await tokenFor(USERS.guide)}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subject: people.ordinary.subject,
          purpose: 'vagledning',
          agencies: ['fk', 'af'],
          categories: ['fk.pagaende-arenden', 'af.handlaggare'],
        }),
      });
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      const events: Array<{ event: string; data: any; at: number }> = [];
      const started = Date.now();
      const reader = response.body!.getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += new TextDecoder().decode(value);
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)![1];
          events.push({ event, data: JSON.parse(/^data: (.*)$/m.exec(block)![1]), at: Date.now() - started });
        }
      }
      expect(events.map((e) => e.event)).toEqual(['query', 'result', 'result', 'done']);
      // fk is denied at the hub (no consent) and shown at once; af answers quickly
      expect(events[1].data.agency).toBe('fk');
      expect(events[2].data).toMatchObject({ agency: 'af', status: 'ok' });
      expect(events[3].data.results).toHaveLength(2);
    } finally {
      await setFaults('fk', { latencyMedianMs: 0, latencyP99Ms: 0 });
    }
  });

  it('refuses bad input with a clear 400 and a machine-readable error', async () => {
    const base = { subject: people.ordinary.subject, purpose: 'vagledning', agencies: ['skv'] };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, subject: '19121212-1213' }, 'invalid-personnummer'],
      [{ ...base, purpose: 'nyfikenhet' }, 'invalid-request'],
      [{ ...base, categories: ['fk.utbetalningar'] }, 'category-agency-not-named'],
      [{ ...base, extra: true }, 'invalid-request'],
      [{ ...base, agencies: [] }, 'invalid-request'],
    ];
    for (const [body, error] of cases) {
      const response = await ask(body);
      expect(response).toMatchObject({ status: 400, body: { error } });
    }
    const huge = await ask({ ...base, justification: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
  });
});
