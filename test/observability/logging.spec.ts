import { Logger, type LoggerService } from '@nestjs/common';
import type { ExamplePeople } from '@hub/registers';
import { createLogger, PinoNestLogger } from '@hub/observability';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import { testPool, waitFor } from '../support/env.js';
import { tokenFor, USERS, type TestUser } from '../support/hub.js';
import { startSystem, type RunningSystem } from '../support/system.js';

type LogLine = Record<string, unknown> & { msg?: string; correlationId?: string; context?: string };

/** Every way the person's number could be written into a line. */
const spellings = (twelve: string) => [
  twelve,
  `${twelve.slice(0, 8)}-${twelve.slice(8)}`,
  twelve.slice(2),
  `${twelve.slice(2, 8)}-${twelve.slice(8)}`,
];

describe('logs: JSON lines with the correlation id of each query and referral, and no personnummer', () => {
  const pool = testPool();
  const raw: string[] = [];
  const lines = () => raw.map((line) => JSON.parse(line) as LogLine);
  let system: RunningSystem;
  let people: ExamplePeople;
  let nestLogger: LoggerService | undefined;

  const post = async (
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
    as: TestUser = USERS.guide,
  ) => {
    const response = await fetch(`${system.hub.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await tokenFor(as)}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    system = await startSystem({
      af: { CASEWORKER: 'simulated', CASEWORKER_ACCEPT_AFTER_MS: '100', CASEWORKER_DECLINE_RATE: '0' },
    });
    ({ people } = await registerExamples(pool, ADAPTERS.af));
    // the hub and the adapters run in this process: their Nest loggers all write through this one
    nestLogger = (Logger as unknown as { staticInstanceRef?: LoggerService }).staticInstanceRef;
    Logger.overrideLogger(
      new PinoNestLogger(createLogger({ service: 'test', level: 'debug', destination: { write: (l) => raw.push(l) } })),
    );
  }, 90_000);

  afterAll(async () => {
    if (nestLogger) Logger.overrideLogger(nestLogger);
    await system?.close();
    await pool.end();
  });

  it('a query carries its id through the hub and every agency, and the request id comes back', async () => {
    const person = people.jobSeeker.subject;
    const requestId = 'front-desk-7f3a2c19';
    const asked = await post(
      '/api/queries',
      {
        subject: `${person.slice(0, 8)}-${person.slice(8)}`,
        purpose: 'ekonomiskt-bistand',
        agencies: ['fk', 'af', 'skv'],
        categories: ['fk.utbetalningar', 'af.inskrivning', 'skv.folkbokforing'],
        justification: 'Ansökan om ekonomiskt bistånd',
      },
      { 'x-correlation-id': requestId },
      USERS.caseworker,
    );
    expect(asked.status).toBe(200);
    expect(asked.headers.get('x-correlation-id')).toBe(requestId);
    const queryId = asked.body.queryId as string;

    await waitFor(
      () => lines().filter((l) => l.correlationId === queryId && l.context === 'messages').length >= 3,
      5_000,
      'the three adapters to log the query',
    );
    const ofQuery = lines().filter((l) => l.correlationId === queryId);
    const summary = ofQuery.find((l) => l.context === 'queries');
    expect(summary).toMatchObject({ level: 'info', requestId });
    expect(summary?.msg).toMatch(/fk ok, af ok, skv ok/);
    expect(ofQuery.filter((l) => l.context === 'messages')).toHaveLength(3);
    // whatever the hub and the adapters wrote about queries and messages, they wrote it under a correlation id
    for (const line of lines().filter((l) => l.context === 'queries' || l.context === 'messages')) {
      expect(line.correlationId).toEqual(expect.any(String));
    }
    for (const spelling of spellings(person)) expect(raw.join('')).not.toContain(spelling);
  });

  it('a malformed X-Correlation-Id is replaced by a fresh one', async () => {
    const asked = await post('/api/queries', { subject: 'x' }, { 'x-correlation-id': 'no good\t{"forged":true}' });
    expect(asked.status).toBe(400);
    expect(asked.headers.get('x-correlation-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f-]{27}$/);
  });

  it('a referral carries its id from the hub to the agency and back with its status events', async () => {
    const person = people.jobSeeker.subject;
    const consent = await post('/api/consents', {
      subject: person,
      purposes: ['vagledning'],
      agencies: ['af'],
      categories: ['af.inskrivning'],
      method: 'in-person-verbal',
      validUntil: '2027-06-30',
    });
    expect(consent.status).toBe(201);
    const sent = await post('/api/referrals', {
      subject: person.slice(2),
      agency: 'af',
      referralType: 'af.inskrivning-arbetssokande',
      purpose: 'vagledning',
      message: `Gäller ${person.slice(2, 8)}-${person.slice(8)}, vill skriva in sig.`,
      contactPreference: 'phone',
      consentId: consent.body.id,
    });
    expect(sent.status).toBe(201);
    const referralId = sent.body.id as string;
    await waitFor(
      () => lines().some((l) => l.correlationId === referralId && l.context === 'messages'),
      10_000,
      'the agency to log the referral',
    );
    const ofReferral = lines().filter((l) => l.correlationId === referralId);
    expect(ofReferral.find((l) => l.context === 'referrals')?.msg).toMatch(/referral to af/);
    expect(ofReferral.find((l) => l.context === 'messages')?.msg).toMatch(/received/);
    for (const spelling of spellings(person)) expect(raw.join('')).not.toContain(spelling);
  });

  it('a careless line with the personnummer in it still reaches the log without it', () => {
    const person = people.jobSeeker.subject;
    const before = raw.length;
    new Logger('careless').warn(`looked up ${person.slice(2, 8)}-${person.slice(8)}`, { subject: person });
    expect(raw.length).toBe(before + 1);
    expect(raw[before]).toContain('[personnummer]');
    for (const spelling of spellings(person)) expect(raw[before]).not.toContain(spelling);
  });
});
