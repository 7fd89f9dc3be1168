import { jest } from '@jest/globals';
import type { AuditLog } from '@hub/audit';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import type { ConsentView } from '../consents/consent.dto.js';
import type { ConsentService } from '../consents/consent.service.js';
import type { Citizen } from './citizen-session.store.js';
import type { AccessLogRow, CitizenReferralRow, CitizenRepository, PartyNames } from './citizen.repository.js';
import { CitizenService } from './citizen.service.js';

const KEYS = ['a'.repeat(64), 'b'.repeat(64)];
const CITIZEN: Citizen = { subjectKeys: KEYS, subjectMasked: '19121212-****', name: 'Tolvan Tolvansson', loa: 'loa3' };
const EXPIRES = new Date('2030-01-01T10:00:00Z');
const OREBRO = '2120001967';

const consent = (over: Partial<ConsentView> = {}): ConsentView => ({
  id: '6f1f7c1e-0d4b-4a39-9b4e-2f4a8f0c9a11',
  organisation: OREBRO,
  unit: 'Servicecenter',
  purposes: ['vagledning'],
  agencies: ['fk'],
  categories: ['fk.utbetalningar'],
  method: 'telefon',
  recordedBy: 'anna.guide',
  validFrom: '2026-12-01',
  validUntil: '2026-12-31',
  status: 'active',
  createdAt: '2026-12-01T09:00:00.000Z',
  ...over,
});

const referral = (): CitizenReferralRow => ({
  id: 'r1',
  agency: 'af',
  referralType: 'af.inskrivning-arbetssokande',
  purpose: 'vagledning',
  message: 'Hjälp med inskrivning',
  organisation: OREBRO,
  organisationName: 'Örebro kommun',
  unit: 'Servicecenter',
  unitName: 'Servicecenter',
  createdAt: new Date('2026-12-01T09:05:00Z'),
  respondBy: new Date('2026-12-06T09:05:00Z'),
  status: 'cancelled',
  statusAt: new Date('2026-12-02T10:00:00Z'),
  timeline: [
    { status: 'sent', at: '2026-12-01T09:05:00Z', actor: { organisation: OREBRO, name: 'Anna' }, note: null },
    {
      status: 'cancelled',
      at: '2026-12-02T10:00:00Z',
      actor: { organisation: '2021002114', service: 'adapter-af' },
      note: 'Makulerad: samtycket har återkallats',
    },
  ],
});

const entry = (seq: number, over: Partial<AccessLogRow> = {}): AccessLogRow => ({
  seq: String(seq),
  at: new Date(Date.UTC(2026, 11, 1, 9, 0, seq)),
  kind: 'query',
  actorKind: 'staff',
  organisation: OREBRO,
  organisationName: 'Örebro kommun',
  unit: 'Servicecenter',
  unitName: 'Servicecenter',
  purpose: 'vagledning',
  categoriesRequested: ['fk.utbetalningar', 'fk.pagaende-arenden'],
  categoriesReleased: ['fk.utbetalningar'],
  categoriesDenied: [{ category: 'fk.pagaende-arenden', reason: 'consent-missing' }],
  outcome: 'ok',
  correlationId: 'q1',
  protectedIdentity: false,
  details: { agency: 'fk' },
  ...over,
});

function setup() {
  const steps: string[] = [];
  const names: PartyNames = {
    organisations: new Map([[OREBRO, 'Örebro kommun']]),
    units: new Map([[`${OREBRO}/Servicecenter`, 'Servicecenter Örebro']]),
  };
  const repository = {
    referrals: jest.fn(async (_keys: readonly string[]) => [referral()]),
    errands: jest.fn(async (_keys: readonly string[]) => []),
    accessLog: jest.fn(async (_keys: readonly string[], _before: string | null, _limit: number) => {
      steps.push('read');
      return [entry(3), entry(2), entry(1)];
    }),
    names: jest.fn(async () => names),
  };
  const consents = {
    listOfCitizen: jest.fn(async (_keys: readonly string[]) => [consent()]),
    revokeByCitizen: jest.fn(async (_id: string, _keys: readonly string[]) =>
      consent({ status: 'revoked', revokedAt: '2026-12-02T09:59:00.000Z', revokedBy: 'citizen' }),
    ),
  };
  const catalogues = {
    catalogues: () => [
      {
        agency: 'fk',
        name: 'Försäkringskassan',
        categories: [
          { code: 'fk.utbetalningar', description: 'Utbetalningar' },
          { code: 'fk.pagaende-arenden', description: 'Pågående ärenden' },
        ],
        referralTypes: [],
      },
      {
        agency: 'af',
        name: 'Arbetsförmedlingen',
        categories: [],
        referralTypes: [{ code: 'af.inskrivning-arbetssokande', description: 'Inskrivning som arbetssökande' }],
      },
    ],
  };
  const audited: Array<Record<string, any>> = [];
  const audit = {
    append: jest.fn(async (e: Record<string, any>) => {
      steps.push('audit');
      audited.push(e);
    }),
  };
  const service = new CitizenService(
    repository as unknown as CitizenRepository,
    consents as unknown as ConsentService,
    catalogues as unknown as CatalogueService,
    audit as unknown as AuditLog,
  );
  return { service, repository, consents, audit, audited, steps };
}

describe('CitizenService.summary', () => {
  it('reads by every subject key of the person, audits the reading with the citizen as actor, in Swedish', async () => {
    const t = setup();
    const summary = await t.service.summary(CITIZEN, EXPIRES);
    expect(t.consents.listOfCitizen).toHaveBeenCalledWith(KEYS);
    expect(t.repository.referrals).toHaveBeenCalledWith(KEYS);
    expect(t.repository.errands).toHaveBeenCalledWith(KEYS);
    expect(t.audited).toEqual([
      {
        kind: 'access-report',
        actorKind: 'citizen',
        actor: 'citizen',
        subjectKey: KEYS[0],
        outcome: 'reported',
        details: { view: 'summary', loa: 'loa3', consents: 1, referrals: 1, errands: 0 },
      },
    ]);
    expect(summary.me).toEqual({
      subject: '19121212-****',
      name: 'Tolvan Tolvansson',
      loa: 'loa3',
      sessionExpiresAt: EXPIRES.toISOString(),
    });
    expect(summary.consents[0]).toMatchObject({
      organisationName: 'Örebro kommun',
      unitName: 'Servicecenter Örebro',
      agencies: [{ code: 'fk', name: 'Försäkringskassan' }],
      categories: [{ code: 'fk.utbetalningar', name: 'Utbetalningar' }],
      methodText: 'muntligt per telefon',
      statusText: 'Gäller',
      confirmation: expect.stringContaining('i telefon samtyckte'),
    });
    expect(summary.referrals[0]).toMatchObject({
      agency: { code: 'af', name: 'Arbetsförmedlingen' },
      referralType: { name: 'Inskrivning som arbetssökande' },
      statusText: 'Makulerad',
      timeline: [
        { status: 'sent', by: 'Örebro kommun' },
        { status: 'cancelled', by: 'Arbetsförmedlingen', note: 'Makulerad: samtycket har återkallats' },
      ],
    });
    // no officer's name reaches the citizen
    expect(JSON.stringify(summary.referrals)).not.toContain('Anna');
  });

  it('answers nothing when the reading cannot be audited', async () => {
    const t = setup();
    t.audit.append.mockRejectedValueOnce(new Error('audit down'));
    await expect(t.service.summary(CITIZEN, EXPIRES)).rejects.toThrow('audit down');
  });

  it('asks for no confirmation of a consent not given by phone', async () => {
    const t = setup();
    t.consents.listOfCitizen.mockResolvedValueOnce([consent({ method: 'e-legitimation' })]);
    const [view] = (await t.service.summary(CITIZEN, EXPIRES)).consents;
    expect(view!.confirmation).toBeUndefined();
    expect(view!.methodText).toBe('signerat av dig med e-legitimation');
  });
});

describe('CitizenService.accessLog', () => {
  it('reads one more than a page to know of the next, audits first, and writes each entry in Swedish', async () => {
    const t = setup();
    const page = await t.service.accessLog(CITIZEN, '10', 2);
    expect(t.repository.accessLog).toHaveBeenCalledWith(KEYS, '10', 3);
    expect(t.steps).toEqual(['read', 'audit']);
    expect(t.audited[0]).toMatchObject({
      actorKind: 'citizen',
      details: { view: 'access-log', before: '10', entries: 2 },
    });
    expect(page.nextBefore).toBe('2');
    expect(page.entries.map((e) => e.id)).toEqual(['3', '2']);
    expect(page.entries[0]).toMatchObject({
      organisationName: 'Örebro kommun',
      unitName: 'Servicecenter',
      purposeName: 'Vägledning',
      agencies: [{ code: 'fk', name: 'Försäkringskassan' }],
      released: [{ code: 'fk.utbetalningar', name: 'Utbetalningar' }],
      denied: [
        {
          code: 'fk.pagaende-arenden',
          name: 'Pågående ärenden',
          reason: 'consent-missing',
          reasonText: 'det fanns inget samtycke från dig som täckte det',
        },
      ],
      outcomeText: 'Uppgifter lämnades ut',
      text: expect.stringContaining('Servicecenter i Örebro kommun frågade Försäkringskassan'),
    });
  });

  it('has no next page after the last, and leaves out nothing of a person with protected identity', async () => {
    const t = setup();
    t.repository.accessLog.mockResolvedValueOnce([entry(1, { protectedIdentity: true })]);
    const page = await t.service.accessLog(CITIZEN, undefined);
    expect(t.repository.accessLog).toHaveBeenCalledWith(KEYS, null, 51);
    expect(page.nextBefore).toBeUndefined();
    expect(page.entries).toEqual([expect.objectContaining({ protectedIdentity: true, released: expect.any(Array) })]);
  });
});

describe('CitizenService.export', () => {
  it('pages through the whole access log and audits the download', async () => {
    const t = setup();
    const full = Array.from({ length: 1000 }, (_, i) => entry(2000 - i));
    t.repository.accessLog.mockResolvedValueOnce(full).mockResolvedValueOnce([entry(5)]);
    const data = await t.service.export(CITIZEN, 'pdf');
    expect(t.repository.accessLog.mock.calls.map((c) => c[1])).toEqual([null, '1001']);
    expect(data.accessLog).toHaveLength(1001);
    expect(t.audited[0]).toMatchObject({ details: { view: 'export-pdf', entries: 1001 } });
    expect(data).toMatchObject({ subject: '19121212-****', name: 'Tolvan Tolvansson' });
  });
});

describe('CitizenService.revoke', () => {
  it('revokes by the person’s keys, and answers the consent as the citizen reads it', async () => {
    const t = setup();
    const view = await t.service.revoke(CITIZEN, 'some-id');
    expect(t.consents.revokeByCitizen).toHaveBeenCalledWith('some-id', KEYS);
    expect(view).toMatchObject({ status: 'revoked', statusText: 'Återkallat', revokedByYou: true });
  });
});
