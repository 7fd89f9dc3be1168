import { jest } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import type { Queryable, Transactions } from '@hub/database';
import type { AgreementService, TerminatedVersion } from '../agreements/agreement.service.js';
import type { StaffUser } from '../auth/staff-user.js';
import type { TrustedAgencies } from '../messaging/trusted-agencies.js';
import type { OrganisationRepository } from './organisation.repository.js';
import { OrganisationService } from './organisation.service.js';
import type { Organisation } from './organisation.types.js';
import type { UnitRepository } from './unit.repository.js';

const DIGG = '2021006883';
const OPERATOR: StaffUser = { id: 'olle.operator', name: 'Olle', organisation: DIGG, roles: ['operator'] };
const KARLSKOGA = '2120001991';

/** What the hub terminated when the party closed, as AgreementService reports it. */
const TERMINATED: TerminatedVersion[] = [{ agreementId: '5d7c1c7e-3f0a-4b8e-9c61-0f2b7a9e4d11', version: 1 }];

const organisation = (over: Partial<Organisation> = {}): Organisation => ({
  number: KARLSKOGA,
  name: 'Karlskoga kommun',
  kind: 'municipality',
  agencyCode: null,
  brokerAccount: null,
  registeredAt: new Date('2026-12-07T10:00:00Z'),
  registeredBy: 'olle.operator',
  closedAt: null,
  closedBy: null,
  reportAddress: null,
  phoneConsentDays: null,
  ...over,
});

/** The error code an HTTP exception carries, and its status. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; error: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HttpException) {
      return { status: err.getStatus(), error: (err.getResponse() as { error: string }).error };
    }
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('OrganisationService', () => {
  const tx = {} as Queryable;
  let stored: Map<string, Organisation>;
  let appended: AuditEntryInput[];
  let organisations: { [K in keyof OrganisationRepository]: jest.Mock<any> };
  let units: Pick<{ [K in keyof UnitRepository]: jest.Mock<any> }, 'closeAll'>;
  let service: OrganisationService;
  let trusted: { reload: jest.Mock<() => Promise<void>> };
  let agreements: { terminateForClosedParty: jest.Mock<any>; announceTerminated: jest.Mock<any> };
  let steps: string[];

  beforeEach(() => {
    stored = new Map([[DIGG, organisation({ number: DIGG, name: 'Digg', kind: 'agency' })]]);
    appended = [];
    organisations = {
      list: jest.fn(async () => [...stored.values()]),
      find: jest.fn(async (n: string) => stored.get(n)),
      lock: jest.fn(async (n: string) => stored.get(n)),
      findByAgencyCode: jest.fn(async (code: string) => [...stored.values()].find((o) => o.agencyCode === code)),
      insert: jest.fn(async (o: Organisation) => {
        const row = { ...o, registeredAt: new Date(), closedAt: null, closedBy: null };
        stored.set(o.number, row);
        return row;
      }),
      notifyChanged: jest.fn(async () => undefined),
      rename: jest.fn(async (n: string, name: string) => void stored.set(n, { ...stored.get(n)!, name })),
      setReportAddress: jest.fn(
        async (n: string, reportAddress: string | null) => void stored.set(n, { ...stored.get(n)!, reportAddress }),
      ),
      setPhoneConsentDays: jest.fn(
        async (n: string, phoneConsentDays: number | null) =>
          void stored.set(n, { ...stored.get(n)!, phoneConsentDays }),
      ),
      close: jest.fn(
        async (n: string, by: string) => void stored.set(n, { ...stored.get(n)!, closedAt: new Date(), closedBy: by }),
      ),
    } as never;
    units = { closeAll: jest.fn(async () => ['Servicecenter']) };
    trusted = { reload: jest.fn(async () => undefined) };
    steps = [];
    agreements = {
      terminateForClosedParty: jest.fn(async () => {
        steps.push('terminate');
        return TERMINATED;
      }),
      announceTerminated: jest.fn(async () => void steps.push('announce')),
    };
    service = new OrganisationService(
      organisations as unknown as OrganisationRepository,
      units as unknown as UnitRepository,
      {
        run: async (work: (q: Queryable) => Promise<unknown>) => {
          const result = await work(tx);
          steps.push('commit');
          return result;
        },
      } as unknown as Transactions,
      { append: async (entry: AuditEntryInput) => void appended.push(entry) } as unknown as AuditLog,
      trusted as unknown as TrustedAgencies,
      agreements as unknown as AgreementService,
      { operatorOrganisation: DIGG },
    );
  });

  it('registers a municipality with a valid organisationsnummer, written either way, and audits it', async () => {
    const view = await service.register(
      { number: '212000-1991', name: 'Karlskoga kommun', kind: 'municipality' },
      OPERATOR,
    );
    expect(view).toMatchObject({ number: KARLSKOGA, name: 'Karlskoga kommun', kind: 'municipality' });
    expect(view.agencyCode).toBeUndefined();
    expect(appended).toEqual([
      expect.objectContaining({
        kind: 'organisation',
        actor: 'olle.operator',
        organisation: DIGG,
        outcome: 'registered',
        details: { number: KARLSKOGA, name: 'Karlskoga kommun', kind: 'municipality' },
      }),
    ]);
  });

  it('refuses a wrong check digit with invalid-organisationsnummer, before anything is stored', async () => {
    await expect(
      refusal(service.register({ number: '212000-1992', name: 'Karlskoga kommun', kind: 'municipality' }, OPERATOR)),
    ).resolves.toEqual({ status: 400, error: 'invalid-organisationsnummer' });
    expect(organisations.insert).not.toHaveBeenCalled();
    expect(appended).toEqual([]);
  });

  it('gives an agency its code and the broker account adapter-<code>, and refuses any other account', async () => {
    const pm = await service.register(
      { number: '2021005489', name: 'Testmyndigheten', kind: 'agency', agencyCode: 'pm' },
      OPERATOR,
    );
    expect(pm).toMatchObject({ agencyCode: 'pm', brokerAccount: 'adapter-pm' });
    // every hub instance trusts its adapter from now on
    expect(organisations.notifyChanged).toHaveBeenCalledWith('2021005489', tx);
    expect(trusted.reload).toHaveBeenCalledTimes(1);
    expect(appended[0].details).toMatchObject({ agencyCode: 'pm', brokerAccount: 'adapter-pm' });
    await expect(
      refusal(
        service.register(
          { number: '2021004748', name: 'X', kind: 'agency', agencyCode: 'xx', brokerAccount: 'adapter-fk' },
          OPERATOR,
        ),
      ),
    ).resolves.toEqual({ status: 400, error: 'invalid-broker-account' });
  });

  it('wants an agency code for an agency and none for anyone else', async () => {
    await expect(
      refusal(service.register({ number: '2021005489', name: 'Testmyndigheten', kind: 'agency' }, OPERATOR)),
    ).resolves.toEqual({ status: 400, error: 'agency-code-required' });
    await expect(
      refusal(
        service.register({ number: KARLSKOGA, name: 'Karlskoga kommun', kind: 'region', agencyCode: 'kk' }, OPERATOR),
      ),
    ).resolves.toEqual({ status: 400, error: 'agency-code-not-allowed' });
  });

  it('refuses a number or an agency code that is taken', async () => {
    await service.register(
      { number: '2021005489', name: 'Testmyndigheten', kind: 'agency', agencyCode: 'pm' },
      OPERATOR,
    );
    await expect(
      refusal(service.register({ number: '2021005489', name: 'Igen', kind: 'region' }, OPERATOR)),
    ).resolves.toEqual({ status: 409, error: 'organisation-exists' });
    await expect(
      refusal(service.register({ number: KARLSKOGA, name: 'K', kind: 'agency', agencyCode: 'pm' }, OPERATOR)),
    ).resolves.toEqual({ status: 409, error: 'agency-code-taken' });
  });

  it('takes the role operator only from staff of the organisation that runs the hub', async () => {
    const impostor: StaffUser = { ...OPERATOR, organisation: '2120001967' };
    await expect(
      refusal(service.register({ number: KARLSKOGA, name: 'Karlskoga kommun', kind: 'municipality' }, impostor)),
    ).resolves.toEqual({ status: 403, error: 'not-hub-operator' });
    await expect(refusal(service.change(DIGG, { name: 'X' }, impostor))).resolves.toEqual({
      status: 403,
      error: 'not-hub-operator',
    });
  });

  it('renames and closes, closing its units too, each audited; a closed organisation stays closed', async () => {
    stored.set(KARLSKOGA, organisation());
    const renamed = await service.change(KARLSKOGA, { name: 'Karlskoga kommun (ny)' }, OPERATOR);
    expect(renamed.name).toBe('Karlskoga kommun (ny)');
    const closed = await service.change(KARLSKOGA, { closed: true }, OPERATOR);
    expect(closed.closedAt).toBeDefined();
    expect(units.closeAll).toHaveBeenCalledWith(KARLSKOGA, 'olle.operator', tx);
    expect(appended.map((e) => [e.outcome, e.details])).toEqual([
      ['renamed', expect.objectContaining({ name: 'Karlskoga kommun (ny)', previousName: 'Karlskoga kommun' })],
      ['closed', expect.objectContaining({ unitsClosed: ['Servicecenter'] })],
    ]);
    await expect(refusal(service.change(KARLSKOGA, { name: 'Igen' }, OPERATOR))).resolves.toEqual({
      status: 409,
      error: 'organisation-closed',
    });
  });

  it('ends a closing organisation’s agreements in the same transaction, and announces them after commit', async () => {
    stored.set(KARLSKOGA, organisation());
    await service.change(KARLSKOGA, { name: 'Karlskoga kommun (ny)' }, OPERATOR);
    expect(agreements.terminateForClosedParty).not.toHaveBeenCalled();
    expect(steps).toEqual(['commit']);
    await service.change(KARLSKOGA, { closed: true }, OPERATOR);
    expect(agreements.terminateForClosedParty).toHaveBeenCalledWith({ organisation: KARLSKOGA }, tx);
    expect(agreements.announceTerminated).toHaveBeenCalledWith(TERMINATED);
    expect(steps).toEqual(['commit', 'terminate', 'commit', 'announce']);
  });

  it("lets the organisation's own admin set its report address, audited, and nothing else", async () => {
    stored.set(KARLSKOGA, organisation());
    const admin: StaffUser = { id: 'kalle.admin', name: 'Kalle', organisation: KARLSKOGA, roles: ['admin'] };
    const set = await service.change(KARLSKOGA, { reportAddress: 'uppfoljning@karlskoga.se' }, admin);
    expect(set.reportAddress).toBe('uppfoljning@karlskoga.se');
    expect(appended.map((e) => [e.outcome, e.actor, e.details])).toEqual([
      [
        'report-address-changed',
        'kalle.admin',
        expect.objectContaining({ reportAddress: 'uppfoljning@karlskoga.se', previousReportAddress: null }),
      ],
    ]);
    await expect(refusal(service.change(KARLSKOGA, { name: 'X', reportAddress: null }, admin))).resolves.toEqual({
      status: 403,
      error: 'not-hub-operator',
    });
    const otherAdmin: StaffUser = { ...admin, organisation: '2120001967' };
    await expect(refusal(service.change(KARLSKOGA, { reportAddress: 'x@y.se' }, otherAdmin))).resolves.toEqual({
      status: 403,
      error: 'not-hub-operator',
    });
    const cleared = await service.change(KARLSKOGA, { reportAddress: null }, OPERATOR);
    expect(cleared.reportAddress).toBeUndefined();
    const guide: StaffUser = { id: 'g', name: 'G', organisation: '2120001967', roles: ['guide'] };
    await service.change(KARLSKOGA, { reportAddress: 'uppfoljning@karlskoga.se' }, admin);
    expect((await service.show(KARLSKOGA, guide)).reportAddress).toBeUndefined();
    expect((await service.show(KARLSKOGA, admin)).reportAddress).toBe('uppfoljning@karlskoga.se');
  });

  it('lets a municipality’s own admin set how long a consent by phone is valid, audited; the default is 30 days', async () => {
    stored.set(KARLSKOGA, organisation());
    const admin: StaffUser = { id: 'kalle.admin', name: 'Kalle', organisation: KARLSKOGA, roles: ['admin'] };
    expect((await service.show(KARLSKOGA, admin)).phoneConsentDays).toBe(30);
    const set = await service.change(KARLSKOGA, { phoneConsentDays: 14 }, admin);
    expect(set.phoneConsentDays).toBe(14);
    expect(appended.map((e) => [e.outcome, e.details])).toEqual([
      ['phone-consent-days-changed', expect.objectContaining({ phoneConsentDays: 14, previousPhoneConsentDays: null })],
    ]);
    expect((await service.change(KARLSKOGA, { phoneConsentDays: null }, admin)).phoneConsentDays).toBe(30);
    const otherGuide: StaffUser = { id: 'g', name: 'G', organisation: '2120001967', roles: ['guide'] };
    expect((await service.show(KARLSKOGA, otherGuide)).phoneConsentDays).toBeUndefined();
    stored.set(DIGG, organisation({ number: DIGG, name: 'Digg', kind: 'agency', agencyCode: 'digg' }));
    await expect(refusal(service.change(DIGG, { phoneConsentDays: 10 }, OPERATOR))).resolves.toEqual({
      status: 400,
      error: 'invalid-request',
    });
  });

  it('answers 404 for an unknown organisation and 400 for a change with nothing in it', async () => {
    await expect(refusal(service.show('2021005489', OPERATOR))).resolves.toEqual({ status: 404, error: 'not-found' });
    await expect(refusal(service.change('2021005489', { name: 'X' }, OPERATOR))).resolves.toEqual({
      status: 404,
      error: 'not-found',
    });
    await expect(refusal(service.change(KARLSKOGA, {}, OPERATOR))).resolves.toEqual({
      status: 400,
      error: 'invalid-request',
    });
  });

  it('shows other staff who an organisation is, and only operators who registered it', async () => {
    const guide: StaffUser = { id: 'anna.guide', name: 'Anna', organisation: '2120001967', roles: ['guide'] };
    const [forGuide] = await service.list(guide);
    expect(forGuide).toEqual({ number: DIGG, name: 'Digg', kind: 'agency' });
    const [forOperator] = await service.list(OPERATOR);
    expect(forOperator).toMatchObject({ registeredBy: 'olle.operator' });
  });
});
