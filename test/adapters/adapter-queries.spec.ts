import { catalogueOf, type RunningAdapter } from '@hub/adapter-kit';
import { EXCHANGES, queueName, routingKeys, type QueryReplyV1 } from '@hub/contracts';
import type { GatherResult, MessagingClient } from '@hub/messaging';
import {
  REGISTER_FIELDS,
  REGISTERS,
  unknownSubject,
  type ExamplePeople,
  type Person,
  type Population,
} from '@hub/registers';
import {
  ADAPTERS,
  AGENCY_STAFF,
  agreementAnnouncement,
  agreementKept,
  announceAgreement,
  callAdapter,
  consentFor,
  query,
  registerExamples,
  SERVICECENTER,
  startTestAdapter,
} from '../support/adapters.js';
import { drainQueue, messagingFor, rawChannel, testPool, waitFor } from '../support/env.js';
import { tokenFor } from '../support/hub.js';

type Agency = keyof typeof ADAPTERS;

/** Who has something in every category of the agency's register. */
const SUBJECT_OF: Record<Agency, (p: ExamplePeople) => Person> = {
  fk: (p) => p.withAllFk,
  af: (p) => p.jobSeekerInProgramme,
  skv: (p) => p.withFTax,
};

const JUSTIFICATION = 'Utredning av rätt till ekonomiskt bistånd enligt begäran från personen';

const SPEC_CLASSES: Record<string, string> = {
  'fk.utbetalningar': 'consent',
  'fk.pagaende-arenden': 'consent',
  'fk.bostadsbidrag': 'legal-basis',
  'fk.medicinskt-underlag': 'never',
  'af.inskrivning': 'consent',
  'af.program': 'consent',
  'af.handlaggare': 'public',
  'skv.folkbokforing': 'consent',
  'skv.inkomst': 'legal-basis',
  'skv.f-skatt': 'public',
};

describe.each(['fk', 'af', 'skv'] as const)('%s adapter: queries over RabbitMQ', (agency) => {
  const definition = ADAPTERS[agency];
  const pool = testPool();
  const catalogueQueue = queueName('hub', `test-catalogue-${agency}`);
  const agreement = agreementAnnouncement(agency);
  const ref = { id: agreement.agreementId, version: 1 };
  let hub: MessagingClient;
  let adapter: RunningAdapter;
  let broker: Awaited<ReturnType<typeof rawChannel>>;
  let people: ExamplePeople;
  let population: Population;
  let subject: string;
  let unknown: string;

  const all = definition.categories.map((c) => c.code);
  const ask = (payload: Parameters<typeof query>[3], purpose: Parameters<typeof query>[4] = 'vagledning') =>
    query(hub, agency, ref, payload, purpose);
  const replyOf = (result: GatherResult<QueryReplyV1>): QueryReplyV1 => {
    if (result.status !== 'ok') throw new Error(`the adapter answered ${result.status}`);
    return result.reply.payload;
  };
  const registered = async (who: string, code: string) =>
    (await REGISTERS[agency].lookup(pool, agency, who))!.categories[code];

  /** A protected person whose records hold address or location fields, where the register has one. */
  const protectedPersonWithHiddenFields = async (): Promise<string> => {
    const hidden = new Set<string>(
      Object.values(REGISTER_FIELDS)
        .flat()
        .filter((f) => f.kind !== 'other')
        .map((f) => f.name),
    );
    for (const p of population.people.filter((x) => x.protectedIdentity !== null)) {
      const stored = await REGISTERS[agency].lookup(pool, agency, p.subject);
      const rows = Object.values(stored?.categories ?? {}).flat();
      if (rows.some((row) => Object.keys(row).some((f) => hidden.has(f)))) return p.subject;
    }
    return people.protected.subject;
  };

  beforeAll(async () => {
    broker = await rawChannel('hub');
    await broker.channel.deleteQueue(catalogueQueue).catch(() => undefined);
    await broker.channel.assertQueue(catalogueQueue, { durable: false });
    await broker.channel.bindQueue(catalogueQueue, EXCHANGES.event, routingKeys.catalogueAnnounced(agency));
    hub = messagingFor('hub');
    await hub.connect();
    adapter = await startTestAdapter(definition);
    await adapter.announced;
    ({ people, population } = await registerExamples(pool, definition));
    subject = SUBJECT_OF[agency](people).subject;
    unknown = unknownSubject(population);
    await announceAgreement(hub, agreement);
    await agreementKept(adapter, agency, agreement.agreementId, 10_000);
  }, 60_000);

  afterAll(async () => {
    await broker?.channel.deleteQueue(catalogueQueue).catch(() => undefined);
    await broker?.close();
    await adapter?.close();
    await hub?.close();
    await pool.end();
  });

  it('announces its catalogue at start with the codes and secrecy classes of SPEC section 3', async () => {
    const [message] = await drainQueue(broker.channel, catalogueQueue);
    expect(message.properties.userId).toBe(definition.service);
    const announced = JSON.parse(message.content.toString());
    expect(announced.payload).toEqual(catalogueOf(definition));
    const classes = Object.fromEntries(
      announced.payload.categories.map((c: { code: string; secrecyClass: string }) => [c.code, c.secrecyClass]),
    );
    expect(classes).toEqual(Object.fromEntries(Object.entries(SPEC_CLASSES).filter(([c]) => c.startsWith(agency))));
    for (const c of announced.payload.categories) {
      expect(c.fields).toEqual(REGISTER_FIELDS[c.code as keyof typeof REGISTER_FIELDS]);
    }
  });

  it('releases a public category on the agreement alone, with the register’s data', async () => {
    const publicCodes = definition.categories.filter((c) => c.secrecyClass === 'public').map((c) => c.code);
    if (publicCodes.length === 0) return;
    const reply = replyOf(await ask({ subject, categories: publicCodes }));
    expect(reply).toMatchObject({ agency, status: 'ok', found: true, protectedIdentity: false, denied: [] });
    for (const code of publicCodes) {
      expect(reply.released.find((r) => r.category === code)?.data).toEqual({
        records: await registered(subject, code),
      });
    }
  });

  it('releases a consent category only with a consent that covers it', async () => {
    const codes = definition.categories.filter((c) => c.secrecyClass === 'consent').map((c) => c.code);
    const without = replyOf(await ask({ subject, categories: codes }));
    expect(without.status).toBe('denied');
    expect(without.released).toEqual([]);
    expect(without.denied).toEqual(codes.map((category) => ({ category, reason: 'consent-missing' })));

    const consent = consentFor(agency, codes);
    const withConsent = replyOf(await ask({ subject, categories: codes, consentId: consent.id, consent }));
    expect(withConsent).toMatchObject({ status: 'ok', found: true, denied: [] });
    for (const code of codes) {
      const released = withConsent.released.find((r) => r.category === code);
      expect(released?.data).toEqual({ records: await registered(subject, code) });
    }
    expect(withConsent.released.some((r) => (r.data.records as unknown[]).length > 0)).toBe(true);

    const partial = consentFor(agency, codes.slice(0, 1));
    const onePart = replyOf(await ask({ subject, categories: codes, consentId: partial.id, consent: partial }));
    expect(onePart.released.map((r) => r.category)).toEqual(codes.slice(0, 1));
    expect(onePart.denied.map((d) => d.reason)).toEqual(codes.slice(1).map(() => 'consent-missing'));
  });

  it('releases a legal-basis category only where the agreement cites a legal basis, never on consent alone', async () => {
    const codes = definition.categories.filter((c) => c.secrecyClass === 'legal-basis').map((c) => c.code);
    if (codes.length === 0) return;
    const consent = consentFor(agency, codes);
    const onConsent = replyOf(await ask({ subject, categories: codes, consentId: consent.id, consent }));
    expect(onConsent.denied).toEqual(codes.map((category) => ({ category, reason: 'legal-basis-missing' })));
    const caseworker = { ...SERVICECENTER, staffId: 'sam.soc', roles: ['caseworker' as const] };
    const onLegalBasis = replyOf(
      await ask(
        { subject, categories: codes, requester: caseworker, legalBasis: { reference: 'SFS 2001:453 11 kap. 11 §' } },
        'ekonomiskt-bistand',
      ),
    );
    expect(onLegalBasis).toMatchObject({ status: 'ok', denied: [] });
    for (const code of codes) {
      const records = onLegalBasis.released.find((r) => r.category === code)?.data.records;
      expect(records).toEqual(await registered(subject, code));
    }
  });

  it('never releases a never category, whatever the consent', async () => {
    const codes = definition.categories.filter((c) => c.secrecyClass === 'never').map((c) => c.code);
    if (codes.length === 0) return;
    const consent = consentFor(agency, codes);
    const reply = replyOf(await ask({ subject, categories: codes, consentId: consent.id, consent }));
    expect(reply.released).toEqual([]);
    expect(reply.denied).toEqual(codes.map((category) => ({ category, reason: 'category-never' })));
  });

  it('answers found: false for a person it does not know, as a normal answer', async () => {
    const consent = consentFor(agency, all);
    const reply = replyOf(await ask({ subject: unknown, categories: all, consentId: consent.id, consent }));
    expect(reply).toMatchObject({ agency, status: 'ok', found: false, protectedIdentity: false, released: [] });
  });

  it('keeps address and location fields of a protected person inside the adapter and says so', async () => {
    const person = await protectedPersonWithHiddenFields();
    const consent = consentFor(agency, all);
    const noJustification = replyOf(await ask({ subject: person, categories: all, consentId: consent.id, consent }));
    expect(noJustification).toMatchObject({ status: 'denied', reason: 'justification-missing', released: [] });
    expect(noJustification.protectedIdentity).toBe(true);

    const reply = replyOf(
      await ask({ subject: person, categories: all, consentId: consent.id, consent, justification: JUSTIFICATION }),
    );
    expect(reply.protectedIdentity).toBe(true);
    expect(reply.handlingInstruction).toMatch(/skyddade personuppgifter/);
    const hidden = new Set<string>(
      Object.values(REGISTER_FIELDS)
        .flat()
        .filter((f) => f.kind !== 'other')
        .map((f) => f.name),
    );
    for (const released of reply.released) {
      for (const record of released.data.records as Array<Record<string, unknown>>) {
        for (const field of Object.keys(record)) expect(hidden.has(field)).toBe(false);
      }
    }
    const serialised = JSON.stringify(reply);
    const stored = await REGISTERS[agency].lookup(pool, agency, person);
    for (const rows of Object.values(stored!.categories)) {
      for (const row of rows) {
        for (const [field, value] of Object.entries(row)) {
          if (hidden.has(field) && typeof value === 'string') expect(serialised).not.toContain(value);
        }
      }
    }
    if (agency === 'skv') {
      const folk = reply.released.find((r) => r.category === 'skv.folkbokforing');
      expect(folk?.data.records).toEqual([
        { civilStatus: (stored!.categories['skv.folkbokforing'][0] as { civilStatus: string }).civilStatus },
      ]);
    }
  });

  it('treats the subject as protected when the hub says so, even if its own register does not', async () => {
    const consent = consentFor(agency, all);
    const reply = replyOf(
      await ask({ subject, categories: all, consentId: consent.id, consent, protectedIdentityKnown: true }),
    );
    expect(reply).toMatchObject({ status: 'denied', reason: 'justification-missing', protectedIdentity: true });
  });

  it('denies by itself a query under an expired agreement sent straight to the exchange, bypassing the hub', async () => {
    // The hub never marked it expired (say it was down at midnight): the status still says active.
    const expired = agreementAnnouncement(agency, {
      parties: [{ ...SERVICECENTER, unit: 'Medborgarkontoret' }, { organisation: definition.organisation }],
      validFrom: '2025-01-01',
      validTo: '2025-12-31',
    });
    await announceAgreement(hub, expired);
    await agreementKept(adapter, agency, expired.agreementId);
    const consent = consentFor(agency, all, { unit: 'Medborgarkontoret' });
    const result = await query(
      hub,
      agency,
      { id: expired.agreementId, version: 1 },
      {
        subject,
        categories: all,
        consentId: consent.id,
        consent,
        requester: { ...SERVICECENTER, unit: 'Medborgarkontoret', staffId: 'olle.mk', roles: ['guide'] },
      },
    );
    const reply = replyOf(result);
    expect(reply).toMatchObject({ status: 'denied', reason: 'agreement-inactive', found: false, released: [] });

    const noAgreement = replyOf(
      await ask({
        subject,
        categories: all,
        requester: { ...SERVICECENTER, unit: 'Socialkontoret', staffId: 'olle.soc', roles: ['guide'] },
      }),
    );
    expect(noAgreement).toMatchObject({ status: 'denied', reason: 'no-agreement', released: [] });
  });

  it('denies a role or purpose the agreement does not allow, and a revoked consent', async () => {
    const codes = definition.categories.filter((c) => c.secrecyClass === 'consent').map((c) => c.code);
    const consent = consentFor(agency, codes);
    const manager = { ...SERVICECENTER, staffId: 'max.manager', roles: ['manager' as const] };
    expect(
      replyOf(await ask({ subject, categories: codes, consentId: consent.id, consent, requester: manager })),
    ).toMatchObject({ status: 'denied', reason: 'role-not-allowed' });
    expect(
      replyOf(await ask({ subject, categories: codes, consentId: consent.id, consent }, 'etablering')),
    ).toMatchObject({ status: 'denied', reason: 'purpose-not-covered' });

    await hub.publish(
      EXCHANGES.event,
      routingKeys.consentRevoked(),
      {
        type: 'consent.revoked.v1',
        payload: {
          consentId: consent.id,
          subjectKey: 'a'.repeat(64),
          ...SERVICECENTER,
          revokedAt: new Date().toISOString(),
          revokedBy: 'anna.guide',
        },
      },
      { broadcast: true },
    );
    await waitFor(
      async () => {
        const reply = replyOf(await ask({ subject, categories: codes, consentId: consent.id, consent }));
        return reply.status === 'denied' && reply.denied.every((d) => d.reason === 'consent-missing');
      },
      10_000,
      'the revocation to take effect',
    );
  });

  it('plays down, failing and slow on purpose, as its agency-admin sets it', async () => {
    const admin = await tokenFor(AGENCY_STAFF[agency].admin);
    const set = (body: object) => callAdapter(adapter, 'PUT', '/api/faults', { token: admin, body });
    const quick = () => query(hub, agency, ref, { subject, categories: all }, 'vagledning', 400);
    try {
      expect((await set({ down: true })).body).toMatchObject({ down: true });
      expect((await quick()).status).toBe('timeout');
      await set({ down: false, errorRate: 1 });
      expect(await quick()).toMatchObject({ status: 'error' });
      const slow = await set({ errorRate: 0, latencyMedianMs: 600, latencyP99Ms: 700 });
      expect(slow.body).toEqual({ down: false, errorRate: 0, latencyMedianMs: 600, latencyP99Ms: 700 });
      expect((await quick()).status).toBe('timeout');
      expect((await set({ latencyMedianMs: 50, latencyP99Ms: 10 })).status).toBe(400);
    } finally {
      await set({ down: false, errorRate: 0, latencyMedianMs: 0, latencyP99Ms: 0 });
    }
    expect((await quick()).status).toBe('ok');
  });
});
