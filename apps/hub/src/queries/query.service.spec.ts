import { jest } from '@jest/globals';
import { BadRequestException, ForbiddenException, Logger } from '@nestjs/common';
import type { AuditLog } from '@hub/audit';
import type { QueryReplyV1 } from '@hub/contracts';
import type { GatherResult, MessagingClient } from '@hub/messaging';
import type { Consent } from '@hub/policy';
import {
  AGREEMENTS,
  CATALOGUES,
  consent,
  GUIDE,
  JUSTIFICATION,
  NOW,
  SUBJECT,
} from '../../../../libs/policy/src/policy.fixtures.js';
import type { AgreementService } from '../agreements/agreement.service.js';
import type { StaffUser } from '../auth/staff-user.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { ConsentService } from '../consents/consent.service.js';
import type { Subjects } from '../core/subjects.js';
import type { HubMetrics } from '../metrics/hub-metrics.js';
import type { ContactService } from '../contacts/contact.service.js';
import type { AgencyResultView, MultiAgencyQueryDto } from './query.dto.js';
import type { QueryOutcome, QueryRepository } from './query.repository.js';
import { QueryService } from './query.service.js';

const KEY = 'a'.repeat(64);
const GUIDE_USER: StaffUser = { id: 'anna.guide', name: 'Anna', ...GUIDE, roles: [...GUIDE.roles] };
const CASEWORKER_USER: StaffUser = { ...GUIDE_USER, id: 'karin.caseworker', roles: ['caseworker'] };

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

beforeAll(() => Logger.overrideLogger(false));

/** Lets every promise that can settle, settle. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

type Records = Record<string, unknown>[];

const reply = (
  agency: string,
  released: Record<string, Records>,
  options: { protectedIdentity?: boolean; latencyMs?: number } = {},
): GatherResult<QueryReplyV1> => ({
  target: agency,
  status: 'ok',
  latencyMs: options.latencyMs ?? 12.4,
  reply: {
    payload: {
      agency,
      status: 'ok',
      found: true,
      protectedIdentity: options.protectedIdentity ?? false,
      released: Object.entries(released).map(([category, records]) => ({ category, data: { records } })),
      denied: [],
    },
  } as never,
});

const FK = { 'fk.utbetalningar': [{ benefit: 'sjukpenning', amount: 100, period: '2025-05' }] };
const SKV = {
  'skv.folkbokforing': [{ address: 'Storgatan 1', postalCode: '70210', municipality: 'Örebro', civilStatus: 'ogift' }],
};

function setup(facts: { consents?: Consent[]; knownProtected?: boolean } = {}) {
  const answers = new Map<string, Deferred<GatherResult<QueryReplyV1>>>();
  const answer = (agency: string) => {
    if (!answers.has(agency)) answers.set(agency, deferred());
    return answers.get(agency)!;
  };
  const messaging = {
    request: jest.fn((target: { name: string }, _deadlineMs: number) => answer(target.name).promise),
  };
  const audited: Array<Record<string, any>> = [];
  const audit = {
    append: jest.fn(async (entry: Record<string, any>) => {
      audited.push(entry);
    }),
  };
  const repository = {
    addOutcome: jest.fn(async (_outcome: QueryOutcome) => undefined),
    rememberProtected: jest.fn(async (_subjectKey: string, _reportedBy: string) => undefined),
  };
  const consents = {
    policyFacts: jest.fn(async (_subject: { key: string; keys: readonly string[] }) => ({
      consents: facts.consents ?? [consent({ subject: KEY })],
      knownProtected: facts.knownProtected ?? false,
    })),
  };
  const metrics = { recordQueryResults: jest.fn() };
  const service = new QueryService(
    { parse: () => ({ personnummer: SUBJECT, key: KEY, keys: [KEY] }) } as unknown as Subjects,
    { policyIndex: () => AGREEMENTS } as unknown as AgreementService,
    { index: () => CATALOGUES } as unknown as CatalogueService,
    consents as unknown as ConsentService,
    messaging as unknown as MessagingClient,
    audit as unknown as AuditLog,
    repository as unknown as QueryRepository,
    metrics as unknown as HubMetrics,
    { assertLinkable: jest.fn() } as unknown as ContactService,
  );
  const query = async (dto: Partial<MultiAgencyQueryDto>, user = GUIDE_USER) =>
    service.prepare({ subject: '19121212-1212', purpose: 'vagledning', agencies: ['fk', 'skv'], ...dto }, user, NOW);
  return { service, query, answer, messaging, audit, audited, repository, consents, metrics };
}

/** Runs a streamed query, noting each result as the service shows it. */
function stream(t: ReturnType<typeof setup>, prepared: Awaited<ReturnType<ReturnType<typeof setup>['query']>>) {
  const shown: AgencyResultView[] = [];
  const done = t.service.execute(prepared, (result) => shown.push(result));
  return { shown, done };
}

describe('QueryService.prepare', () => {
  it('refuses a token that names no unit, before reading anything', async () => {
    const t = setup();
    const { unit: _unit, ...noUnit } = GUIDE_USER;
    const refused = t.query({}, noUnit).catch((err: unknown) => err);
    const err = (await refused) as ForbiddenException;
    expect(err).toBeInstanceOf(ForbiddenException);
    expect(err.getResponse()).toEqual({
      error: 'no-unit',
      message: 'queries are asked on behalf of a municipal unit; the token names none',
    });
    expect(t.consents.policyFacts).not.toHaveBeenCalled();
  });

  it('refuses a justification that holds a personnummer, before reading anything', async () => {
    const t = setup();
    const err = (await t.query({ justification: 'Gäller 19121212-1212 i ärendet' }).catch((e: unknown) => e)) as {
      getResponse(): unknown;
    };
    expect(err.getResponse()).toMatchObject({ error: 'personnummer-in-text' });
    expect(t.consents.policyFacts).not.toHaveBeenCalled();
  });

  it('refuses a category of an agency the query does not name', async () => {
    const t = setup();
    const err = (await t.query({ agencies: ['fk'], categories: ['af.inskrivning'] }).catch((e: unknown) => e)) as
      BadRequestException | undefined;
    expect(err).toBeInstanceOf(BadRequestException);
    expect(err!.getResponse()).toMatchObject({ error: 'category-agency-not-named' });
  });

  it('decides with the consents and the protected flag the registry holds for the subject', async () => {
    const t = setup({ knownProtected: true });
    const prepared = await t.query({ agencies: ['fk'] });
    expect(t.consents.policyFacts).toHaveBeenCalledWith(expect.objectContaining({ key: KEY, keys: [KEY] }));
    expect(prepared.knownProtected).toBe(true);
    // protected and no justification: nothing is released
    expect(prepared.decision.agencies).toEqual([
      expect.objectContaining({ agency: 'fk', status: 'deny', reason: 'justification-missing' }),
    ]);
  });
});

describe('QueryService.execute', () => {
  it('answers in the order asked, with only the categories the hub released, each audited with its outcome', async () => {
    const t = setup();
    const prepared = await t.query({ agencies: ['skv', 'fk'], categories: ['fk.utbetalningar', 'skv.folkbokforing'] });
    const done = t.service.execute(prepared);
    t.answer('fk').resolve(reply('fk', { ...FK, 'fk.pagaende-arenden': [{ type: 'x' }] }));
    t.answer('skv').resolve(reply('skv', SKV));
    const answer = await done;

    expect(answer).toMatchObject({ subject: '19121212-****', purpose: 'vagledning', protectedIdentity: false });
    expect(answer.handlingInstruction).toBeUndefined();
    expect(answer.results.map((r) => r.agency)).toEqual(['skv', 'fk']);
    const fk = answer.results[1];
    expect(fk).toMatchObject({ status: 'ok', found: true, released: [{ category: 'fk.utbetalningar' }] });
    expect(answer.results[0].released[0].data).toEqual({ records: SKV['skv.folkbokforing'] });

    expect(t.audited.map((e) => [e.details.agency, e.outcome, e.protectedIdentity])).toEqual([
      ['skv', 'ok', false],
      ['fk', 'ok', false],
    ]);
    expect(t.audited[1]).toMatchObject({
      kind: 'query',
      actor: 'anna.guide',
      subjectKey: KEY,
      correlationId: answer.queryId,
      categoriesReleased: ['fk.utbetalningar'],
      details: { agency: 'fk', latencyMs: 12.4 },
    });
    expect(t.repository.addOutcome.mock.calls.map(([o]) => o)).toEqual([
      expect.objectContaining({ queryId: answer.queryId, agency: 'skv', status: 'ok', reason: null, at: NOW }),
      expect.objectContaining({ agency: 'fk', unit: GUIDE.unit, latencyMs: 12.4 }),
    ]);
    expect(t.repository.rememberProtected).not.toHaveBeenCalled();
    expect(t.metrics.recordQueryResults).toHaveBeenCalledWith(answer.results);
  });

  it('reports an agency that does not answer in time as timeout and one that fails as error', async () => {
    const t = setup();
    const done = t.service.execute(await t.query({ agencies: ['fk', 'skv'] }));
    t.answer('fk').resolve({ target: 'fk', status: 'timeout', latencyMs: 3000 });
    t.answer('skv').resolve({ target: 'skv', status: 'error', error: 'no route', latencyMs: 3 });
    const { results } = await done;
    expect(results).toEqual([
      expect.objectContaining({ agency: 'fk', status: 'timeout', reason: 'deadline-exceeded', released: [] }),
      expect.objectContaining({ agency: 'skv', status: 'error', reason: 'agency-unavailable', released: [] }),
    ]);
  });

  it('does not ask an agency the policy denies, and audits the denial', async () => {
    const t = setup();
    // the af agreement allows vägledning to guides only
    const done = t.service.execute(await t.query({ agencies: ['af', 'fk'] }, CASEWORKER_USER));
    t.answer('fk').resolve(reply('fk', FK));
    const { results } = await done;
    expect(t.messaging.request.mock.calls.map(([target]) => target.name)).toEqual(['fk']);
    expect(results[0]).toMatchObject({ agency: 'af', status: 'denied', reason: 'role-not-allowed', released: [] });
    expect(t.audited.map((e) => [e.details.agency, e.outcome])).toEqual([
      ['af', 'denied'],
      ['fk', 'ok'],
    ]);
  });

  it('tells the agencies a protected identity it already knows, and shows their answers without waiting for SKV', async () => {
    const t = setup({ knownProtected: true });
    const prepared = await t.query({ justification: JUSTIFICATION });
    const { shown, done } = stream(t, prepared);
    t.answer('fk').resolve(reply('fk', FK));
    await settle();
    expect(shown.map((r) => r.agency)).toEqual(['fk']);
    t.answer('skv').resolve(reply('skv', SKV, { protectedIdentity: true }));
    const answer = await done;
    const payloads = t.messaging.request.mock.calls.map(([target]) => (target as any).message.payload);
    expect(payloads.every((p) => p.protectedIdentityKnown === true)).toBe(true);
    expect(answer.protectedIdentity).toBe(true);
    expect(t.repository.rememberProtected).not.toHaveBeenCalled();
  });

  describe('a subject SKV reports protected', () => {
    it('holds every other agency’s result until SKV has answered, then withholds address and location fields', async () => {
      const t = setup();
      const prepared = await t.query({
        agencies: ['fk', 'skv'],
        categories: ['fk.utbetalningar', 'skv.folkbokforing'],
        justification: JUSTIFICATION,
      });
      const { shown, done } = stream(t, prepared);
      t.answer('fk').resolve(reply('fk', FK));
      await settle();
      expect(shown).toEqual([]);
      expect(t.audit.append).not.toHaveBeenCalled();

      t.answer('skv').resolve(reply('skv', SKV, { protectedIdentity: true }));
      const answer = await done;
      expect(shown.map((r) => r.agency)).toEqual(['skv', 'fk']);
      expect(answer.protectedIdentity).toBe(true);
      expect(answer.handlingInstruction).toMatch(/skyddade personuppgifter/);
      const skv = answer.results.find((r) => r.agency === 'skv')!;
      expect(skv).toMatchObject({ status: 'ok', released: [{ category: 'skv.folkbokforing' }] });
      expect(skv.released[0].data).toEqual({ records: [{ civilStatus: 'ogift' }] });
      expect(answer.results.find((r) => r.agency === 'fk')).toMatchObject({
        status: 'ok',
        released: [{ category: 'fk.utbetalningar', data: { records: FK['fk.utbetalningar'] } }],
      });
      expect(t.audited.map((e) => e.protectedIdentity)).toEqual([true, true]);
      expect(t.repository.rememberProtected).toHaveBeenCalledWith(KEY, 'skv');
    });

    it('denies what was released without a justification, as the policy does for a known protected subject', async () => {
      const t = setup();
      const done = t.service.execute(await t.query({ agencies: ['fk', 'skv'] }));
      t.answer('fk').resolve(reply('fk', FK));
      t.answer('skv').resolve(reply('skv', SKV, { protectedIdentity: true }));
      const answer = await done;
      expect(answer.protectedIdentity).toBe(true);
      for (const result of answer.results) {
        expect(result).toMatchObject({ status: 'denied', reason: 'justification-missing', released: [] });
      }
      expect(JSON.stringify(answer)).not.toContain('Storgatan');
      expect(t.audited.map((e) => [e.outcome, e.protectedIdentity])).toEqual([
        ['denied', true],
        ['denied', true],
      ]);
    });

    it('holds the hub’s own denials too, so that their audit entries say what SKV said', async () => {
      const t = setup();
      // no agreement with kfm: denied at the hub
      const prepared = await t.query({ agencies: ['kfm', 'skv'] });
      const { shown, done } = stream(t, prepared);
      await settle();
      expect(shown).toEqual([]);
      t.answer('skv').resolve({ target: 'skv', status: 'timeout', latencyMs: 3000 });
      await done;
      expect(shown.map((r) => [r.agency, r.status])).toEqual([
        ['skv', 'timeout'],
        ['kfm', 'denied'],
      ]);
      expect(t.audited.map((e) => e.protectedIdentity)).toEqual([false, false]);
    });
  });

  it('shows results at once when SKV is not asked', async () => {
    const t = setup();
    const { shown, done } = stream(t, await t.query({ agencies: ['fk'] }));
    t.answer('fk').resolve(reply('fk', FK));
    await done;
    expect(shown.map((r) => r.agency)).toEqual(['fk']);
  });

  it('shows a streamed result only once its audit entry and outcome row are written', async () => {
    const t = setup();
    const written = deferred<void>();
    t.audit.append.mockImplementation(() => written.promise);
    const { shown, done } = stream(t, await t.query({ agencies: ['fk'] }));
    t.answer('fk').resolve(reply('fk', FK));
    await settle();
    expect(t.audit.append).toHaveBeenCalledTimes(1);
    expect(shown).toEqual([]);
    written.resolve();
    await done;
    expect(shown.map((r) => r.agency)).toEqual(['fk']);
    // recorded once: the final record skips what the stream already wrote
    expect(t.audit.append).toHaveBeenCalledTimes(1);
    expect(t.repository.addOutcome).toHaveBeenCalledTimes(1);
  });

  it('answers only after the audit entries are written', async () => {
    const t = setup();
    const written = deferred<void>();
    t.audit.append.mockImplementation(() => written.promise);
    let answered = false;
    const done = t.service.execute(await t.query({ agencies: ['fk'] })).then(() => (answered = true));
    t.answer('fk').resolve(reply('fk', FK));
    await settle();
    expect(answered).toBe(false);
    written.resolve();
    await done;
    expect(answered).toBe(true);
  });

  it('fails the query when its audit entry cannot be written', async () => {
    const t = setup();
    t.audit.append.mockImplementation(async () => {
      throw new Error('audit database down');
    });
    const done = t.service.execute(await t.query({ agencies: ['fk'] }));
    t.answer('fk').resolve(reply('fk', FK));
    await expect(done).rejects.toThrow('audit database down');
  });
});
