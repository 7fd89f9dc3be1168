import { jest } from '@jest/globals';
import { HttpException, Logger } from '@nestjs/common';
import type { AuditLog } from '@hub/audit';
import { EXCHANGES, routingKeys } from '@hub/contracts';
import type { Queryable, Transactions } from '@hub/database';
import { UnroutableMessageError, type MessagingClient } from '@hub/messaging';
import { CatalogueIndex, swedishDay } from '@hub/policy';
import { CATALOGUES } from '../../../../libs/policy/src/policy.fixtures.js';
import type { StaffUser } from '../auth/staff-user.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { Subjects } from '../core/subjects.js';
import type { RecordConsentDto } from './consent.dto.js';
import type { ConsentRecord, ConsentRepository, PolicyFacts } from './consent.repository.js';
import { ConsentService } from './consent.service.js';

beforeAll(() => Logger.overrideLogger(false));

const KEY = 'b'.repeat(64);
const GUIDE: StaffUser = {
  id: 'anna.guide',
  name: 'Anna',
  organisation: '2120001967',
  unit: 'Servicecenter',
  roles: ['guide'],
};

/** `YYYY-MM-DD` the given number of days and years after today (Swedish day). */
function day(days = 0, years = 0): string {
  const [y, m, d] = swedishDay(new Date()).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d + days)).toISOString().slice(0, 10);
}

const stored = (overrides: Partial<ConsentRecord> = {}): ConsentRecord => ({
  id: '6f1f7c1e-0d4b-4a39-9b4e-2f4a8f0c9a11',
  subjectKey: KEY,
  organisation: GUIDE.organisation,
  unit: GUIDE.unit!,
  purposes: ['vagledning'],
  agencies: ['fk'],
  categories: ['fk.utbetalningar'],
  method: 'in-person-written',
  recordedBy: 'anna.guide',
  validFrom: day(-10),
  validUntil: day(100),
  revokedAt: null,
  revokedBy: null,
  createdAt: new Date('2025-06-01T08:00:00Z'),
  ...overrides,
});

/** What a refusal answers: its status and body. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; body: any }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HttpException)) throw new Error(`expected an HTTP refusal, got ${String(err)}`);
  return { status: err.getStatus(), body: err.getResponse() };
}

function setup() {
  const tx = { query: jest.fn() } as unknown as Queryable;
  const inTransaction: string[] = [];
  const repository = {
    insert: jest.fn(async (_consent: ConsentRecord, db?: Queryable) => {
      if (db === tx) inTransaction.push('insert');
    }),
    listOfUnit: jest.fn(async (..._args: unknown[]): Promise<ConsentRecord[]> => []),
    findForUpdate: jest.fn(async (_id: string, db: Queryable): Promise<ConsentRecord | undefined> => {
      if (db === tx) inTransaction.push('findForUpdate');
      return stored();
    }),
    markRevoked: jest.fn(async (_id: string, _at: Date, _by: string, db?: Queryable) => {
      if (db === tx) inTransaction.push('markRevoked');
    }),
    policyFacts: jest.fn(async (_subject: unknown): Promise<PolicyFacts> => ({ consents: [], knownProtected: true })),
    phoneConsentDays: jest.fn(async (_organisation: string): Promise<number | null> => null),
    listOfSubjects: jest.fn(async (_keys: readonly string[]): Promise<ConsentRecord[]> => []),
  };
  const transactions = { run: jest.fn((work: (tx: Queryable) => Promise<unknown>) => work(tx)) };
  const audited: Array<Record<string, any>> = [];
  const audit = {
    append: jest.fn(async (entry: Record<string, any>) => {
      audited.push(entry);
    }),
  };
  const messaging = { publish: jest.fn(async (..._args: unknown[]): Promise<string> => 'message-1') };
  const service = new ConsentService(
    repository as unknown as ConsentRepository,
    transactions as unknown as Transactions,
    { index: () => new CatalogueIndex(CATALOGUES) } as unknown as CatalogueService,
    audit as unknown as AuditLog,
    messaging as unknown as MessagingClient,
    { parse: () => ({ personnummer: '191212121212', key: KEY, keys: [KEY] }) } as unknown as Subjects,
  );
  return { service, repository, transactions, audit, audited, messaging, inTransaction };
}

const body = (overrides: Partial<RecordConsentDto> = {}): RecordConsentDto => ({
  subject: '19121212-1212',
  purposes: ['vagledning'],
  agencies: ['fk', 'af'],
  categories: ['fk.utbetalningar', 'af.inskrivning'],
  method: 'in-person-written',
  validUntil: day(0, 1),
  ...overrides,
});

const NO_UNIT = {
  status: 403,
  body: { error: 'no-unit', message: 'consents are given to a municipality unit, and your token names none' },
};

describe('ConsentService.record', () => {
  it('stores the consent and its audit entry in one transaction, and answers it masked and active', async () => {
    const t = setup();
    const view = await t.service.record(body(), GUIDE);
    expect(t.inTransaction).toEqual(['insert']);
    const consent = t.repository.insert.mock.calls[0]![0];
    expect(consent).toMatchObject({
      subjectKey: KEY,
      organisation: GUIDE.organisation,
      unit: 'Servicecenter',
      recordedBy: 'anna.guide',
      validFrom: day(),
      validUntil: day(0, 1),
      revokedAt: null,
    });
    expect(t.audited).toEqual([
      expect.objectContaining({
        kind: 'consent',
        actor: 'anna.guide',
        subjectKey: KEY,
        purpose: null,
        outcome: 'recorded',
        details: expect.objectContaining({ consentId: consent.id, categories: body().categories }),
      }),
    ]);
    expect(view).toMatchObject({ id: consent.id, subject: '19121212-****', status: 'active', validFrom: day() });
    expect(view.revokedAt).toBeUndefined();
  });

  it('answers a consent that starts later as pending', async () => {
    const t = setup();
    const view = await t.service.record(body({ validFrom: day(5), validUntil: day(5, 1) }), GUIDE);
    expect(view.status).toBe('pending');
  });

  it('fails, so that the transaction rolls back, when the audit entry cannot be written', async () => {
    const t = setup();
    t.audit.append.mockRejectedValueOnce(new Error('audit down'));
    await expect(t.service.record(body(), GUIDE)).rejects.toThrow('audit down');
    expect(t.transactions.run).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['invalid-date', { validUntil: '2025-02-30' }],
    ['valid-from-in-past', { validFrom: day(-1) }],
    ['invalid-validity', { validFrom: day(10), validUntil: day(9) }],
    ['consent-too-long', { validUntil: day(1, 1) }],
    ['unknown-agency', { agencies: ['fk', 'xyz'], categories: ['fk.utbetalningar'] }],
    ['unknown-category', { agencies: ['fk'], categories: ['fk.finns-inte'] }],
    ['category-agency-not-named', { agencies: ['fk'], categories: ['fk.utbetalningar', 'af.inskrivning'] }],
    ['category-never', { agencies: ['fk'], categories: ['fk.medicinskt-underlag'] }],
    ['agency-without-category', { agencies: ['fk', 'af'], categories: ['fk.utbetalningar'] }],
  ] as const)('refuses %s with a 400 and stores nothing', async (error, overrides) => {
    const t = setup();
    const refused = await refusal(t.service.record(body(overrides as Partial<RecordConsentDto>), GUIDE));
    expect(refused).toMatchObject({ status: 400, body: { error } });
    expect(t.transactions.run).not.toHaveBeenCalled();
    expect(t.audit.append).not.toHaveBeenCalled();
  });

  it('refuses a token that names no unit', async () => {
    const t = setup();
    const { unit: _unit, ...agencyStaff } = GUIDE;
    expect(await refusal(t.service.record(body(), agencyStaff))).toEqual(NO_UNIT);
  });

  it.each([
    ['e-signature', 'consent-method-retired', /retired for new consents/],
    ['e-legitimation', 'consent-method-needs-signing', /POST \/api\/consent-signings/],
  ] as const)('refuses the method %s with a 400 naming the way instead', async (method, error, message) => {
    const t = setup();
    const refused = await refusal(t.service.record(body({ method }), GUIDE));
    expect(refused).toMatchObject({ status: 400, body: { error, message: expect.stringMatching(message) } });
    expect(t.transactions.run).not.toHaveBeenCalled();
  });
});

describe('ConsentService.record by phone (telefon)', () => {
  it('stores a consent given by phone within the default 30 days, audited with the method', async () => {
    const t = setup();
    const view = await t.service.record(body({ method: 'telefon', validUntil: day(30) }), GUIDE);
    expect(t.repository.phoneConsentDays).toHaveBeenCalledWith(GUIDE.organisation);
    expect(view).toMatchObject({ method: 'telefon', status: 'active', validUntil: day(30) });
    expect(t.audited).toEqual([
      expect.objectContaining({ outcome: 'recorded', details: expect.objectContaining({ method: 'telefon' }) }),
    ]);
  });

  it('refuses one valid longer than the default with a 400 that names the latest day, and stores nothing', async () => {
    const t = setup();
    const refused = await refusal(t.service.record(body({ method: 'telefon', validUntil: day(31) }), GUIDE));
    expect(refused).toEqual({
      status: 400,
      body: {
        error: 'telefon-consent-too-long',
        message: `a consent given by phone is valid for at most 30 days in your municipality: validUntil may be at most ${day(30)}`,
        details: { maxDays: 30, latestValidUntil: day(30) },
      },
    });
    expect(t.transactions.run).not.toHaveBeenCalled();
  });

  it('caps by the days the municipality set, counted from a later first day', async () => {
    const t = setup();
    t.repository.phoneConsentDays.mockResolvedValue(7);
    await expect(
      refusal(t.service.record(body({ method: 'telefon', validFrom: day(3), validUntil: day(11) }), GUIDE)),
    ).resolves.toMatchObject({ status: 400, body: { error: 'telefon-consent-too-long', details: { maxDays: 7 } } });
    const view = await t.service.record(body({ method: 'telefon', validFrom: day(3), validUntil: day(10) }), GUIDE);
    expect(view).toMatchObject({ validFrom: day(3), validUntil: day(10), status: 'pending' });
  });

  it('leaves other methods at 12 months', async () => {
    const t = setup();
    await t.service.record(body({ method: 'in-person-verbal', validUntil: day(0, 1) }), GUIDE);
    expect(t.repository.phoneConsentDays).not.toHaveBeenCalled();
  });
});

describe('ConsentService.revokeByCitizen', () => {
  it('revokes the citizen’s own consent by the staff’s path: the agencies told, audited with the citizen as actor', async () => {
    const t = setup();
    const view = await t.service.revokeByCitizen(stored().id, ['c'.repeat(64), KEY]);
    expect(t.inTransaction).toEqual(['findForUpdate', 'markRevoked']);
    expect(t.repository.markRevoked.mock.calls[0]![2]).toBe('citizen');
    expect(t.messaging.publish).toHaveBeenCalledWith(
      EXCHANGES.event,
      routingKeys.consentRevoked(),
      expect.objectContaining({ payload: expect.objectContaining({ consentId: stored().id, revokedBy: 'citizen' }) }),
      { broadcast: true },
    );
    expect(t.audited).toEqual([
      expect.objectContaining({
        kind: 'consent',
        actorKind: 'citizen',
        actor: 'citizen',
        subjectKey: KEY,
        outcome: 'revoked',
        details: expect.objectContaining({ messageId: 'message-1' }),
      }),
    ]);
    expect(view).toMatchObject({ status: 'revoked', revokedBy: 'citizen' });
  });

  it('answers 404 for someone else’s consent, as for one that does not exist, and changes nothing', async () => {
    const t = setup();
    const refused = await refusal(t.service.revokeByCitizen(stored().id, ['c'.repeat(64)]));
    expect(refused).toEqual({
      status: 404,
      body: { error: 'not-found', message: `you have no consent ${stored().id}` },
    });
    expect(t.repository.markRevoked).not.toHaveBeenCalled();
    expect(t.messaging.publish).not.toHaveBeenCalled();
  });

  it('lists the citizen’s consents to every unit by all their keys', async () => {
    const t = setup();
    t.repository.listOfSubjects.mockResolvedValueOnce([stored(), stored({ id: 'x', unit: 'Vivalla' })]);
    const views = await t.service.listOfCitizen([KEY, 'c'.repeat(64)]);
    expect(t.repository.listOfSubjects).toHaveBeenCalledWith([KEY, 'c'.repeat(64)]);
    expect(views.map((v) => v.unit)).toEqual(['Servicecenter', 'Vivalla']);
  });
});

describe('ConsentService.list', () => {
  it("reads the subject's consents of the caller's unit and answers each with today's status", async () => {
    const t = setup();
    t.repository.listOfUnit.mockResolvedValueOnce([
      stored({ id: 'pending', validFrom: day(1) }),
      stored({ id: 'active' }),
      stored({ id: 'expired', validFrom: day(-30), validUntil: day(-1) }),
      stored({ id: 'revoked', revokedAt: new Date('2025-06-02T10:00:00Z'), revokedBy: 'olle' }),
    ]);
    const views = await t.service.list('19121212-1212', GUIDE);
    expect(t.repository.listOfUnit).toHaveBeenCalledWith([KEY], GUIDE.organisation, 'Servicecenter');
    expect(views.map((v) => [v.id, v.status])).toEqual([
      ['pending', 'pending'],
      ['active', 'active'],
      ['expired', 'expired'],
      ['revoked', 'revoked'],
    ]);
    expect(views[3]).toMatchObject({
      subject: '19121212-****',
      revokedAt: '2025-06-02T10:00:00.000Z',
      revokedBy: 'olle',
      createdAt: '2025-06-01T08:00:00.000Z',
    });
  });

  it('refuses a token that names no unit', async () => {
    const t = setup();
    const { unit: _unit, ...agencyStaff } = GUIDE;
    expect(await refusal(t.service.list('19121212-1212', agencyStaff))).toEqual(NO_UNIT);
    expect(t.repository.listOfUnit).not.toHaveBeenCalled();
  });
});

describe('ConsentService.revoke', () => {
  it('locks, revokes, tells the adapters and audits, all in one transaction', async () => {
    const t = setup();
    const view = await t.service.revoke(stored().id, GUIDE);
    expect(t.inTransaction).toEqual(['findForUpdate', 'markRevoked']);
    const [, revokedAt, revokedBy] = t.repository.markRevoked.mock.calls[0]!;
    expect(revokedBy).toBe('anna.guide');
    expect(t.messaging.publish).toHaveBeenCalledWith(
      EXCHANGES.event,
      routingKeys.consentRevoked(),
      {
        type: 'consent.revoked.v1',
        payload: {
          consentId: stored().id,
          subjectKey: KEY,
          organisation: GUIDE.organisation,
          unit: 'Servicecenter',
          revokedAt: revokedAt.toISOString(),
          revokedBy: 'anna.guide',
        },
      },
      { broadcast: true },
    );
    expect(t.audited).toEqual([
      expect.objectContaining({ outcome: 'revoked', details: expect.objectContaining({ messageId: 'message-1' }) }),
    ]);
    expect(view).toMatchObject({ status: 'revoked', revokedAt: revokedAt.toISOString(), revokedBy: 'anna.guide' });
    expect(view.subject).toBeUndefined();
  });

  it.each([
    ['missing', undefined],
    ['of another unit', stored({ unit: 'Socialkontoret' })],
    ['of another municipality', stored({ organisation: '2120001835' })],
  ])('answers 404 for a consent %s, and changes nothing', async (_case, found) => {
    const t = setup();
    t.repository.findForUpdate.mockResolvedValueOnce(found);
    const refused = await refusal(t.service.revoke(stored().id, GUIDE));
    expect(refused).toEqual({
      status: 404,
      body: { error: 'not-found', message: `no consent ${stored().id} given to your unit` },
    });
    expect(t.repository.markRevoked).not.toHaveBeenCalled();
    expect(t.messaging.publish).not.toHaveBeenCalled();
  });

  it('answers 409 for a consent already revoked', async () => {
    const t = setup();
    t.repository.findForUpdate.mockResolvedValueOnce(
      stored({ revokedAt: new Date('2025-06-02T10:00:00Z'), revokedBy: 'olle' }),
    );
    expect(await refusal(t.service.revoke(stored().id, GUIDE))).toEqual({
      status: 409,
      body: { error: 'already-revoked', message: 'the consent was revoked at 2025-06-02T10:00:00.000Z' },
    });
    expect(t.repository.markRevoked).not.toHaveBeenCalled();
  });

  it('revokes when no adapter subscribes, with no message id in the audit entry', async () => {
    const t = setup();
    t.messaging.publish.mockRejectedValueOnce(new UnroutableMessageError('hub.event', 'consent.revoked'));
    const view = await t.service.revoke(stored().id, GUIDE);
    expect(view.status).toBe('revoked');
    expect(t.audited[0]!.details.messageId).toBeNull();
  });

  it('fails with 503, so that the revocation rolls back, when the broker does not confirm', async () => {
    const t = setup();
    t.messaging.publish.mockRejectedValueOnce(new Error('channel closed'));
    expect(await refusal(t.service.revoke(stored().id, GUIDE))).toEqual({
      status: 503,
      body: {
        error: 'broker-unavailable',
        message: 'the agencies could not be told, so the consent was not revoked; try again',
      },
    });
    expect(t.audit.append).not.toHaveBeenCalled();
  });

  it('refuses a token that names no unit', async () => {
    const t = setup();
    const { unit: _unit, ...agencyStaff } = GUIDE;
    expect(await refusal(t.service.revoke(stored().id, agencyStaff))).toEqual(NO_UNIT);
    expect(t.transactions.run).not.toHaveBeenCalled();
  });
});

describe('ConsentService.policyConsents', () => {
  it('reads the policy facts afresh, for every query', async () => {
    const t = setup();
    await t.service.policyConsents({ key: KEY, keys: [KEY] });
    await t.service.policyConsents({ key: KEY, keys: [KEY] });
    expect(t.repository.policyFacts).toHaveBeenCalledTimes(2);
    expect(await t.service.policyFacts({ key: KEY, keys: [KEY] })).toEqual({ consents: [], knownProtected: true });
  });
});
