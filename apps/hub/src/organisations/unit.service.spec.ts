import { jest } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import type { Queryable, Transactions } from '@hub/database';
import type { AgreementService, TerminatedVersion } from '../agreements/agreement.service.js';
import type { StaffUser } from '../auth/staff-user.js';
import type { OrganisationRepository } from './organisation.repository.js';
import type { Organisation, Unit } from './organisation.types.js';
import type { UnitRepository } from './unit.repository.js';
import { UnitService } from './unit.service.js';

const DIGG = '2021006883';
const KARLSKOGA = '2120001991';
const OREBRO = '2120001967';
const FK = '2021005521';
const UNIT_ID = '0b9c3f6e-8d2a-4f51-9a3e-2c4b5d6e7f80';

/** What the hub terminated when the party closed, as AgreementService reports it. */
const TERMINATED: TerminatedVersion[] = [{ agreementId: '5d7c1c7e-3f0a-4b8e-9c61-0f2b7a9e4d11', version: 1 }];

const staff = (organisation: string, roles: StaffUser['roles'], id = 'someone'): StaffUser => ({
  id,
  name: id,
  organisation,
  roles,
});
const KARLSKOGA_ADMIN = staff(KARLSKOGA, ['admin'], 'karin.admin');
const OREBRO_ADMIN = staff(OREBRO, ['admin'], 'maria.admin');
const OPERATOR = staff(DIGG, ['operator'], 'olle.operator');

const organisation = (number: string, kind: Organisation['kind'] = 'municipality'): Organisation => ({
  number,
  name: number,
  kind,
  agencyCode: kind === 'agency' ? 'fk' : null,
  brokerAccount: null,
  registeredAt: new Date(),
  registeredBy: 'migration',
  closedAt: null,
  closedBy: null,
  reportAddress: null,
  phoneConsentDays: null,
});

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

describe('UnitService', () => {
  const tx = {} as Queryable;
  let orgs: Map<string, Organisation>;
  let stored: Unit[];
  let appended: AuditEntryInput[];
  let units: { [K in keyof UnitRepository]: jest.Mock<any> };
  let service: UnitService;
  let agreements: { terminateForClosedParty: jest.Mock<any>; announceTerminated: jest.Mock<any> };
  let steps: string[];

  beforeEach(() => {
    orgs = new Map([
      [KARLSKOGA, organisation(KARLSKOGA)],
      [OREBRO, organisation(OREBRO)],
      [FK, organisation(FK, 'agency')],
    ]);
    stored = [];
    appended = [];
    const find = async (o: string, id: string) => stored.find((u) => u.organisation === o && u.id === id);
    units = {
      list: jest.fn(async (o: string) => stored.filter((u) => u.organisation === o)),
      find: jest.fn(find),
      lock: jest.fn(find),
      insert: jest.fn(async (u: Unit) => {
        if (stored.some((s) => s.organisation === u.organisation && s.name === u.name)) return undefined;
        const row = { ...u, id: UNIT_ID, registeredAt: new Date(), closedAt: null, closedBy: null };
        stored.push(row);
        return row;
      }),
      rename: jest.fn(async (o: string, id: string, displayName: string) => {
        Object.assign((await find(o, id))!, { displayName });
      }),
      close: jest.fn(async (o: string, id: string, by: string) => {
        Object.assign((await find(o, id))!, { closedAt: new Date(), closedBy: by });
      }),
      closeAll: jest.fn(),
    } as never;
    const organisations = {
      find: jest.fn(async (n: string) => orgs.get(n)),
      lock: jest.fn(async (n: string) => orgs.get(n)),
    };
    steps = [];
    agreements = {
      terminateForClosedParty: jest.fn(async () => {
        steps.push('terminate');
        return TERMINATED;
      }),
      announceTerminated: jest.fn(async () => void steps.push('announce')),
    };
    service = new UnitService(
      units as unknown as UnitRepository,
      organisations as unknown as OrganisationRepository,
      {
        run: async (work: (q: Queryable) => Promise<unknown>) => {
          const result = await work(tx);
          steps.push('commit');
          return result;
        },
      } as unknown as Transactions,
      { append: async (entry: AuditEntryInput) => void appended.push(entry) } as unknown as AuditLog,
      agreements as unknown as AgreementService,
      { operatorOrganisation: DIGG },
    );
  });

  const register = (user: StaffUser, number = KARLSKOGA, name = 'Medborgarkontor Väster') =>
    service.register(number, { name, kind: 'medborgarkontor' }, user);

  it('lets a municipality’s admin register a unit, named for good, shown by its display name, audited', async () => {
    const unit = await register(KARLSKOGA_ADMIN);
    expect(unit).toMatchObject({
      organisation: KARLSKOGA,
      name: 'Medborgarkontor Väster',
      displayName: 'Medborgarkontor Väster',
      kind: 'medborgarkontor',
    });
    expect(appended).toEqual([
      expect.objectContaining({
        kind: 'unit',
        actor: 'karin.admin',
        organisation: KARLSKOGA,
        outcome: 'registered',
        details: expect.objectContaining({ organisation: KARLSKOGA, name: 'Medborgarkontor Väster' }),
      }),
    ]);
    await expect(refusal(register(KARLSKOGA_ADMIN))).resolves.toEqual({ status: 409, error: 'unit-exists' });
  });

  it('answers 404 to another organisation’s admin, whether they read or write', async () => {
    await register(KARLSKOGA_ADMIN);
    const notFound = { status: 404, error: 'not-found' };
    await expect(refusal(register(OREBRO_ADMIN))).resolves.toEqual(notFound);
    await expect(refusal(service.list(KARLSKOGA, OREBRO_ADMIN))).resolves.toEqual(notFound);
    await expect(refusal(service.show(KARLSKOGA, UNIT_ID, OREBRO_ADMIN))).resolves.toEqual(notFound);
    await expect(refusal(service.change(KARLSKOGA, UNIT_ID, { closed: true }, OREBRO_ADMIN))).resolves.toEqual(
      notFound,
    );
    // nor does asking under their own organisation find it
    await expect(refusal(service.show(OREBRO, UNIT_ID, OREBRO_ADMIN))).resolves.toEqual(notFound);
    expect(stored[0].closedAt).toBeNull();
  });

  it('lets the organisation’s other staff read its units, and only its admin change them', async () => {
    await register(KARLSKOGA_ADMIN);
    const guide = staff(KARLSKOGA, ['guide']);
    await expect(service.list(KARLSKOGA, guide)).resolves.toHaveLength(1);
    await expect(refusal(register(guide, KARLSKOGA, 'Annan'))).resolves.toEqual({
      status: 403,
      error: 'role-not-allowed',
    });
  });

  it('lets an operator of the hub register units of any municipality, but not an operator of anyone else', async () => {
    await expect(register(OPERATOR)).resolves.toMatchObject({ organisation: KARLSKOGA });
    await expect(refusal(register(staff(OREBRO, ['operator']), KARLSKOGA, 'Annan'))).resolves.toEqual({
      status: 404,
      error: 'not-found',
    });
  });

  it('gives units to municipalities only, and none to a closed one', async () => {
    await expect(refusal(register(OPERATOR, FK))).resolves.toEqual({ status: 409, error: 'not-a-municipality' });
    orgs.set(KARLSKOGA, { ...organisation(KARLSKOGA), closedAt: new Date() });
    await expect(refusal(register(KARLSKOGA_ADMIN))).resolves.toEqual({ status: 409, error: 'organisation-closed' });
  });

  it('renames the display name only, so history under the name stays readable, then closes the unit for good', async () => {
    await register(KARLSKOGA_ADMIN);
    const renamed = await service.change(
      KARLSKOGA,
      UNIT_ID,
      { displayName: 'Medborgarkontor Centrum' },
      KARLSKOGA_ADMIN,
    );
    expect(renamed).toMatchObject({ name: 'Medborgarkontor Väster', displayName: 'Medborgarkontor Centrum' });
    const closed = await service.change(KARLSKOGA, UNIT_ID, { closed: true }, KARLSKOGA_ADMIN);
    expect(closed.closedAt).toBeDefined();
    expect(closed.closedBy).toBe('karin.admin');
    expect(appended.map((e) => e.outcome)).toEqual(['registered', 'renamed', 'closed']);
    expect(appended[1].details).toMatchObject({ previousDisplayName: 'Medborgarkontor Väster' });
    await expect(
      refusal(service.change(KARLSKOGA, UNIT_ID, { displayName: 'Igen' }, KARLSKOGA_ADMIN)),
    ).resolves.toEqual({ status: 409, error: 'unit-closed' });
    // still readable
    await expect(service.show(KARLSKOGA, UNIT_ID, KARLSKOGA_ADMIN)).resolves.toMatchObject({
      name: 'Medborgarkontor Väster',
    });
  });

  it('ends a closing unit’s agreements, found by its name, in the same transaction, announced after commit', async () => {
    await register(KARLSKOGA_ADMIN);
    await service.change(KARLSKOGA, UNIT_ID, { displayName: 'Medborgarkontor Centrum' }, KARLSKOGA_ADMIN);
    expect(agreements.terminateForClosedParty).not.toHaveBeenCalled();
    expect(agreements.announceTerminated).not.toHaveBeenCalled();
    steps = [];
    await service.change(KARLSKOGA, UNIT_ID, { closed: true }, KARLSKOGA_ADMIN);
    expect(agreements.terminateForClosedParty).toHaveBeenCalledWith(
      { organisation: KARLSKOGA, unit: 'Medborgarkontor Väster' },
      tx,
    );
    expect(agreements.announceTerminated).toHaveBeenCalledWith(TERMINATED);
    expect(steps).toEqual(['terminate', 'commit', 'announce']);
  });

  it('refuses a bad organisationsnummer in the path with 400', async () => {
    await expect(refusal(service.list('2120001992', KARLSKOGA_ADMIN))).resolves.toEqual({
      status: 400,
      error: 'invalid-organisationsnummer',
    });
  });
});
