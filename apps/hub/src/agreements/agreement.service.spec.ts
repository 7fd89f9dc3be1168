import { HttpException } from '@nestjs/common';
import { jest } from '@jest/globals';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import { ORGANISATIONS, type AgreementChangedV1, type StaffUser } from '@hub/contracts';
import type { Queryable, Transactions } from '@hub/database';
import type { MessagingClient } from '@hub/messaging';
import type { CatalogueService, StoredCatalogue } from '../catalogue/catalogue.service.js';
import type { HubConfig } from '../config/hub.config.js';
import type {
  AgreementEventRow,
  AgreementRepository,
  AgreementRow,
  AgreementVersionRow,
  NewAgreementEvent,
  NewAgreementVersion,
  StoredApproval,
} from './agreement.repository.js';
import { AgreementService } from './agreement.service.js';
import type { AgreementTermsDto, CreateAgreementDto } from './dto/agreement.dto.js';

const OREBRO = ORGANISATIONS.orebro;
const FK = ORGANISATIONS.fk;
const UNIT = 'Servicecenter';

const user = (id: string, organisation: string, role: StaffUser['roles'][number]): StaffUser => ({
  id,
  name: id,
  organisation,
  roles: [role],
  ...(organisation === OREBRO && { unit: UNIT }),
});
const maria = user('maria.admin', OREBRO, 'admin');
const fredrik = user('fredrik.fk', FK, 'agency-admin');
const anna = user('anna.guide', OREBRO, 'guide');
const alva = user('alva.af', ORGANISATIONS.af, 'agency-admin');

const CATALOGUE = {
  agency: 'fk',
  organisation: FK,
  name: 'Försäkringskassan',
  categories: [
    { code: 'fk.utbetalningar', secrecyClass: 'consent', description: '', fields: [{ name: 'amount', kind: 'other' }] },
    { code: 'fk.medicinskt-underlag', secrecyClass: 'never', description: '', fields: [] },
  ],
  referralTypes: [{ code: 'fk.bostadsbidrag-ansokan', description: '', responseTimeHours: 120 }],
  announcedAt: new Date('2026-01-01T00:00:00Z'),
  messageId: '00000000-0000-4000-8000-000000000000',
} as unknown as StoredCatalogue;

const terms = (categories = ['fk.utbetalningar'], validTo = '2099-12-31'): AgreementTermsDto => ({
  title: 'Samtjänst Servicecenter – Försäkringskassan',
  validFrom: '2026-01-01',
  validTo,
  purposes: {
    vagledning: { categories, referralTypes: ['fk.bostadsbidrag-ansokan'], roles: ['guide'], consentRequired: true },
  },
});
const createDto = (overrides: Partial<CreateAgreementDto> = {}): CreateAgreementDto => ({
  ...terms(),
  municipality: { organisation: OREBRO, unit: UNIT },
  agency: { organisation: FK },
  ...overrides,
});

/** The repository's tables in memory, so that the rules can be followed through several steps. */
function memoryRepository() {
  const agreements = new Map<string, AgreementRow>();
  const versions: AgreementVersionRow[] = [];
  const events: AgreementEventRow[] = [];
  const versionsOf = (id: string) => versions.filter((v) => v.agreementId === id).sort((a, b) => a.version - b.version);
  const repository = {
    findAgency: jest.fn(async (organisation: string) =>
      organisation === FK ? { number: FK, agencyCode: 'fk' as string | null } : undefined,
    ),
    findUnit: jest.fn(async (organisation: string, unit: string) =>
      organisation === OREBRO && unit === UNIT ? { closedAt: null } : undefined,
    ),
    partiesClosedForShare: jest.fn(
      async (_organisation: string, _unit: string, _agency: string, _db: Queryable) => false,
    ),
    find: jest.fn(async (id: string) => agreements.get(id)),
    findForUpdate: jest.fn(async (id: string, _db: Queryable) => agreements.get(id)),
    listForOrganisation: jest.fn(async (organisation: string) =>
      [...agreements.values()].filter((a) => a.municipality === organisation || a.agency === organisation).reverse(),
    ),
    listForAgency: jest.fn(async (code: string) => [...agreements.values()].filter((a) => a.agencyCode === code)),
    listAll: jest.fn(async () => [...agreements.values()]),
    insert: jest.fn(async (a: Omit<AgreementRow, 'createdAt'>, _db?: Queryable) => {
      agreements.set(a.id, { ...a, createdAt: new Date() });
    }),
    setLatestVersion: jest.fn(async (id: string, version: number, _db?: Queryable) => {
      agreements.get(id)!.latestVersion = version;
    }),
    findVersion: jest.fn(async (id: string, version: number, _db?: Queryable) =>
      versions.find((v) => v.agreementId === id && v.version === version),
    ),
    findVersionInForce: jest.fn(async (id: string, _db?: Queryable) =>
      versionsOf(id)
        .reverse()
        .find((v) => v.supersededAt === null && ['active', 'suspended'].includes(v.status)),
    ),
    listVersions: jest.fn(async (id: string) => versionsOf(id)),
    listLatestVersions: jest.fn(async (ids: readonly string[]) =>
      versions.filter((v) => ids.includes(v.agreementId) && agreements.get(v.agreementId)!.latestVersion === v.version),
    ),
    listAllVersions: jest.fn(async () => [...versions]),
    insertVersion: jest.fn(async (v: NewAgreementVersion, _db?: Queryable) => {
      versions.push({ ...v, supersededAt: null, createdAt: new Date() });
    }),
    updateVersionState: jest.fn(
      async (
        id: string,
        version: number,
        status: AgreementVersionRow['status'],
        approvals: readonly StoredApproval[],
      ) => {
        Object.assign(
          versions.find((v) => v.agreementId === id && v.version === version)!,
          {
            status,
            approvals: [...approvals],
          },
        );
      },
    ),
    supersedeBefore: jest.fn(async (id: string, version: number, at: Date, _db?: Queryable) => {
      for (const v of versionsOf(id)) if (v.version < version && v.supersededAt === null) v.supersededAt = at;
    }),
    expireBefore: jest.fn(async (today: string, _db?: Queryable) =>
      versions
        .filter((v) => ['draft', 'proposed', 'active', 'suspended'].includes(v.status) && v.validTo < today)
        .map((v) => {
          v.status = 'expired';
          return { agreementId: v.agreementId, version: v.version };
        }),
    ),
    terminateOpenOf: jest.fn(async (party: { organisation: string; unit?: string }, _db?: Queryable) =>
      versions
        .filter((v) => {
          const a = agreements.get(v.agreementId)!;
          const isParty = party.unit
            ? a.municipality === party.organisation && a.unit === party.unit
            : a.municipality === party.organisation || a.agency === party.organisation;
          return isParty && ['draft', 'proposed', 'active', 'suspended'].includes(v.status);
        })
        .map((v) => {
          v.status = 'terminated';
          return { agreementId: v.agreementId, version: v.version };
        }),
    ),
    listEvents: jest.fn(async (id: string) => events.filter((e) => e.agreementId === id)),
    insertEvent: jest.fn(async (e: NewAgreementEvent, _db?: Queryable) => {
      events.push({ ...e, id: String(events.length + 1), at: new Date() });
    }),
    notifyChanged: jest.fn(async (_id: string) => undefined),
  };
  return { repository, agreements, versions, events };
}

describe('AgreementService', () => {
  const fakeTx = { query: jest.fn() } as unknown as Queryable;
  let store: ReturnType<typeof memoryRepository>;
  let audited: AuditEntryInput[];
  let published: AgreementChangedV1[];
  let service: AgreementService;

  beforeEach(() => {
    store = memoryRepository();
    audited = [];
    published = [];
    const transactions = { run: (work: (tx: Queryable) => Promise<unknown>) => work(fakeTx) };
    const catalogues = { catalogues: () => [CATALOGUE], onAnnounced: jest.fn() };
    const audit = { append: async (entry: AuditEntryInput) => void audited.push(entry) };
    const messaging = {
      publish: async (_exchange: string, _key: string, message: { payload: AgreementChangedV1 }) =>
        void published.push(message.payload),
    };
    service = new AgreementService(
      store.repository as unknown as AgreementRepository,
      transactions as unknown as Transactions,
      catalogues as unknown as CatalogueService,
      audit as unknown as AuditLog,
      messaging as unknown as MessagingClient,
      { databaseUrl: 'postgres://unused' } as HubConfig,
    );
  });

  /** The HTTP answer a refused call gives. */
  async function refusal(call: Promise<unknown>): Promise<{ status: number; error: string }> {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof HttpException)) throw new Error(`expected a refusal, got ${String(err)}`);
    return { status: err.getStatus(), error: (err.getResponse() as { error: string }).error };
  }

  const writesOutsideTransactions = () =>
    [
      store.repository.insert,
      store.repository.insertVersion,
      store.repository.insertEvent,
      store.repository.updateVersionState,
      store.repository.setLatestVersion,
      store.repository.supersedeBefore,
    ].flatMap((fn) => fn.mock.calls.filter((call) => call[call.length - 1] !== fakeTx));

  const active = async () => {
    const { id } = await service.create(createDto(), maria);
    await service.change(id, 'propose', maria);
    await service.change(id, 'approve', fredrik);
    return id;
  };

  describe('create', () => {
    it('registers a draft by a party’s admin, in one transaction, then audits and announces it', async () => {
      const view = await service.create(createDto(), maria);

      expect(view).toMatchObject({
        version: 1,
        latestVersion: 1,
        status: 'draft',
        municipality: { organisation: OREBRO, unit: UNIT },
        agency: { organisation: FK, agency: 'fk' },
        approvals: [],
        createdBy: 'maria.admin',
      });
      expect(view.history).toEqual([
        expect.objectContaining({ change: 'created', status: 'draft', actor: 'maria.admin' }),
      ]);
      expect(store.repository.insert).toHaveBeenCalledTimes(1);
      expect(writesOutsideTransactions()).toEqual([]);
      expect(audited).toEqual([
        expect.objectContaining({
          kind: 'agreement',
          actorKind: 'staff',
          actor: 'maria.admin',
          organisation: OREBRO,
          unit: UNIT,
          agreementId: view.id,
          agreementVersion: 1,
          outcome: 'created',
          details: { status: 'draft' },
        }),
      ]);
      expect(store.repository.notifyChanged).toHaveBeenCalledWith(view.id);
      expect(published).toEqual([expect.objectContaining({ agreementId: view.id, version: 1, change: 'created' })]);
    });

    it('lets the agency’s admin register it too', async () => {
      expect((await service.create(createDto(), fredrik)).createdBy).toBe('fredrik.fk');
    });

    it.each([
      ['an unknown agency', createDto({ agency: { organisation: '2021005448' } }), maria, 400, 'unknown-party'],
      [
        'an unknown unit',
        createDto({ municipality: { organisation: OREBRO, unit: 'X' } }),
        maria,
        400,
        'unknown-party',
      ],
      ['a guide', createDto(), anna, 403, 'not-an-admin'],
      ['another agency’s admin', createDto(), alva, 403, 'not-a-party'],
      [
        'a category of secrecy class never',
        createDto(terms(['fk.medicinskt-underlag'])),
        maria,
        400,
        'invalid-agreement',
      ],
      ['an unknown category', createDto(terms(['fk.okand'])), maria, 400, 'invalid-agreement'],
      [
        'a purpose of the wrong shape',
        createDto({ purposes: { vagledning: { categories: 'fk.utbetalningar' } as never } }),
        maria,
        400,
        'invalid-request',
      ],
      [
        'a purpose whose terms are not an object',
        createDto({ purposes: { vagledning: null } as never }),
        maria,
        400,
        'invalid-request',
      ],
    ])('refuses %s and stores nothing', async (_case, dto, by, status, error) => {
      expect(await refusal(service.create(dto, by))).toEqual({ status, error });
      expect(store.agreements.size).toBe(0);
      expect(audited).toEqual([]);
      expect(published).toEqual([]);
    });

    it('refuses a party closed while the agreement was being checked: the rows are held in the transaction', async () => {
      store.repository.partiesClosedForShare.mockResolvedValueOnce(true);
      expect(await refusal(service.create(createDto(), maria))).toEqual({ status: 400, error: 'party-closed' });
      expect(store.repository.partiesClosedForShare).toHaveBeenCalledWith(OREBRO, UNIT, FK, expect.anything());
      expect(store.agreements.size).toBe(0);
      expect(published).toEqual([]);
    });

    it('gives a closed unit or a closed agency no new agreement, and stores nothing', async () => {
      store.repository.findUnit.mockResolvedValueOnce({ closedAt: new Date() } as never);
      expect(await refusal(service.create(createDto(), maria))).toEqual({ status: 400, error: 'party-closed' });
      store.repository.findAgency.mockResolvedValueOnce({
        number: FK,
        agencyCode: 'fk',
        closedAt: new Date(),
      } as never);
      expect(await refusal(service.create(createDto(), maria))).toEqual({ status: 400, error: 'party-closed' });
      expect(store.agreements.size).toBe(0);
      expect(audited).toEqual([]);
    });
  });

  describe('propose and approve', () => {
    it('makes the agreement active when the other party approves the proposal', async () => {
      const { id } = await service.create(createDto(), maria);
      expect((await service.change(id, 'propose', maria, 'please')).status).toBe('proposed');
      const view = await service.change(id, 'approve', fredrik);

      expect(view.status).toBe('active');
      expect(view.approvals.map((a) => [a.organisation, a.approvedBy])).toEqual([
        [OREBRO, 'maria.admin'],
        [FK, 'fredrik.fk'],
      ]);
      expect(view.history!.map((e) => [e.change, e.status, e.note])).toEqual([
        ['created', 'draft', undefined],
        ['propose', 'proposed', 'please'],
        ['approve', 'active', undefined],
      ]);
      expect(audited.map((e) => e.outcome)).toEqual(['created', 'proposed', 'approved']);
      expect(published.map((p) => p.change)).toEqual(['created', 'proposed', 'approved']);
      expect(writesOutsideTransactions()).toEqual([]);
      // this instance decides on the approval at once, without waiting for the notice
      expect(
        service
          .policyIndex()
          .candidates(OREBRO, UNIT, 'fk')
          .map((a) => [a.ref.version, a.approvedByBothParties]),
      ).toEqual([[1, true]]);
    });

    it('refuses approving one’s own proposal', async () => {
      const { id } = await service.create(createDto(), maria);
      await service.change(id, 'propose', maria);
      expect(await refusal(service.change(id, 'approve', maria))).toEqual({ status: 409, error: 'own-proposal' });
      expect(store.versions[0].status).toBe('proposed');
    });

    it('refuses approving a draft', async () => {
      const { id } = await service.create(createDto(), maria);
      expect(await refusal(service.change(id, 'approve', fredrik))).toEqual({
        status: 409,
        error: 'invalid-transition',
      });
    });

    it('lets only the parties’ admins change it', async () => {
      const { id } = await service.create(createDto(), maria);
      expect(await refusal(service.change(id, 'propose', anna))).toEqual({ status: 403, error: 'not-an-admin' });
    });

    it('answers 404 to anyone outside the parties, as for an agreement that does not exist', async () => {
      const { id } = await service.create(createDto(), maria);
      const absent = { status: 404, error: 'not-found' };
      expect(await refusal(service.change(id, 'propose', alva))).toEqual(absent);
      expect(await refusal(service.amend(id, terms(), alva))).toEqual(absent);
      expect(await refusal(service.show(id, alva))).toEqual(absent);
      expect(await refusal(service.version(id, 1, alva))).toEqual(absent);
      expect(await refusal(service.change('2b1b6a4e-0000-4000-8000-000000000000', 'propose', maria))).toEqual(absent);
      expect(await service.list(alva)).toEqual([]);
    });

    it('refuses changing an agreement past its last day, though expiry has not stored it yet', async () => {
      const { id } = await service.create(createDto(terms(undefined, '2026-01-31')), maria);
      expect(await refusal(service.change(id, 'propose', maria))).toEqual({ status: 409, error: 'agreement-closed' });
      expect(store.versions[0].status).toBe('draft');
    });
  });

  describe('suspend, resume and terminate', () => {
    it('suspends and resumes an active agreement, and terminates it for good', async () => {
      const id = await active();
      expect((await service.change(id, 'suspend', fredrik)).status).toBe('suspended');
      expect((await service.change(id, 'resume', maria)).status).toBe('active');
      expect((await service.change(id, 'terminate', fredrik, 'ended')).status).toBe('terminated');
      expect(published.map((p) => p.change).slice(3)).toEqual(['suspended', 'resumed', 'terminated']);

      for (const action of ['propose', 'approve', 'suspend', 'resume', 'terminate'] as const) {
        expect(await refusal(service.change(id, action, maria))).toEqual({ status: 409, error: 'agreement-closed' });
      }
      expect(await refusal(service.amend(id, terms(), maria))).toEqual({ status: 409, error: 'agreement-closed' });
    });

    it('refuses resuming an agreement that is not suspended', async () => {
      const id = await active();
      expect(await refusal(service.change(id, 'resume', maria))).toEqual({ status: 409, error: 'invalid-transition' });
    });
  });

  describe('amend', () => {
    it('adds a draft version that replaces the one in force once approved', async () => {
      const id = await active();
      const amended = await service.amend(id, { ...terms(), title: 'Ändrad' }, fredrik, 'new terms');
      expect(amended).toMatchObject({ version: 2, latestVersion: 2, status: 'draft', title: 'Ändrad' });
      expect(amended.versions!.map((v) => [v.version, v.status])).toEqual([
        [1, 'active'],
        [2, 'draft'],
      ]);
      expect(published.at(-1)).toMatchObject({ version: 2, change: 'amended' });

      await service.change(id, 'propose', fredrik);
      const approved = await service.change(id, 'approve', maria);
      expect(approved.status).toBe('active');
      expect(store.repository.supersedeBefore).toHaveBeenCalledWith(id, 2, expect.any(Date), fakeTx);
      expect(approved.versions![0].supersededAt).toEqual(expect.any(String));
      expect(writesOutsideTransactions()).toEqual([]);
    });

    it('suspends and resumes the version in force while an amendment is pending', async () => {
      const id = await active();
      await service.amend(id, terms(), maria);
      await service.change(id, 'suspend', fredrik);
      expect(store.versions.map((v) => [v.version, v.status])).toEqual([
        [1, 'suspended'],
        [2, 'draft'],
      ]);
      expect(published.at(-1)).toMatchObject({ version: 1, change: 'suspended' });
      await service.change(id, 'resume', fredrik);
      expect(store.versions[0].status).toBe('active');
    });

    it('refuses a second amendment while one is still a draft or proposed', async () => {
      const id = await active();
      await service.amend(id, terms(), maria);
      expect(await refusal(service.amend(id, terms(), maria))).toEqual({ status: 409, error: 'amendment-pending' });
      await service.change(id, 'propose', maria);
      expect(await refusal(service.amend(id, terms(), fredrik))).toEqual({ status: 409, error: 'amendment-pending' });
      expect(store.versions).toHaveLength(2);
    });

    it('checks the amended terms like new ones', async () => {
      const id = await active();
      expect(await refusal(service.amend(id, terms(['fk.okand']), maria))).toEqual({
        status: 400,
        error: 'invalid-agreement',
      });
      expect(store.versions).toHaveLength(1);
    });
  });

  describe('reading', () => {
    it('lists the latest version of each agreement the caller’s organisation is party to', async () => {
      const id = await active();
      await service.amend(id, terms(), maria);
      const listed = await service.list(fredrik);
      expect(listed.map((a) => [a.id, a.version, a.latestVersion, a.status])).toEqual([[id, 2, 2, 'draft']]);
    });

    it('shows one version, and answers 404 for a version that does not exist', async () => {
      const id = await active();
      expect(await service.version(id, 1, maria)).toMatchObject({ id, version: 1, status: 'active' });
      expect(await refusal(service.version(id, 2, maria))).toEqual({ status: 404, error: 'not-found' });
    });

    it('shows a version past its last day as expired before expiry has stored it', async () => {
      const { id } = await service.create(createDto(terms(undefined, '2026-01-31')), maria);
      expect((await service.show(id, maria)).status).toBe('expired');
    });
  });

  describe('expiry', () => {
    it('expires every open version past its last day, records it as the hub and announces it', async () => {
      const open = await active();
      const { id: draft } = await service.create(createDto(), fredrik);
      const terminated = await active();
      await service.change(terminated, 'terminate', maria);
      audited = [];
      published = [];

      expect(await service.expireDue(new Date('2100-01-02T12:00:00Z'))).toBe(2);

      expect(store.events.filter((e) => e.change === 'expired')).toEqual([
        expect.objectContaining({ agreementId: open, actor: 'hub', organisation: null, status: 'expired' }),
        expect.objectContaining({ agreementId: draft, actor: 'hub', organisation: null, status: 'expired' }),
      ]);
      expect(audited).toEqual([
        expect.objectContaining({ actorKind: 'service', actor: 'hub', organisation: null, outcome: 'expired' }),
        expect.objectContaining({ actorKind: 'service', actor: 'hub', organisation: null, outcome: 'expired' }),
      ]);
      expect(published.map((p) => [p.agreementId, p.change])).toEqual([
        [open, 'expired'],
        [draft, 'expired'],
      ]);
      expect(store.repository.expireBefore).toHaveBeenCalledWith('2100-01-02', fakeTx);
      expect(writesOutsideTransactions()).toEqual([]);
    });

    it('expires nothing before the last day has passed', async () => {
      await active();
      expect(await service.expireDue(new Date('2099-12-31T12:00:00Z'))).toBe(0);
      expect(store.versions[0].status).toBe('active');
    });
  });

  describe('a party closing', () => {
    it('terminates its open versions in the closing transaction as the hub, and announces them only when asked', async () => {
      const id = await active();
      await service.amend(id, terms(), maria);
      audited = [];
      published = [];

      const terminated = await service.terminateForClosedParty({ organisation: OREBRO, unit: UNIT }, fakeTx);
      expect(terminated).toEqual([
        { agreementId: id, version: 1 },
        { agreementId: id, version: 2 },
      ]);
      expect(store.repository.terminateOpenOf).toHaveBeenCalledWith({ organisation: OREBRO, unit: UNIT }, fakeTx);
      expect(store.events.filter((e) => e.change === 'terminated')).toEqual([
        expect.objectContaining({
          version: 1,
          actor: 'hub',
          organisation: null,
          note: 'Enheten Servicecenter avslutades',
        }),
        expect.objectContaining({
          version: 2,
          actor: 'hub',
          organisation: null,
          note: 'Enheten Servicecenter avslutades',
        }),
      ]);
      expect(writesOutsideTransactions()).toEqual([]);
      // nothing is said before the close commits
      expect([audited, published]).toEqual([[], []]);

      await service.announceTerminated(terminated);
      expect(audited).toEqual([
        expect.objectContaining({ actorKind: 'service', actor: 'hub', outcome: 'terminated', agreementVersion: 1 }),
        expect.objectContaining({ actorKind: 'service', actor: 'hub', outcome: 'terminated', agreementVersion: 2 }),
      ]);
      expect(published.map((p) => [p.version, p.change, p.status])).toEqual([
        [1, 'terminated', 'terminated'],
        [2, 'terminated', 'terminated'],
      ]);
      expect((await service.show(id, maria)).status).toBe('terminated');
    });

    it('names the organisation when a whole organisation closes, and leaves closed versions alone', async () => {
      const id = await active();
      await service.change(id, 'terminate', maria);
      await active();
      const terminated = await service.terminateForClosedParty({ organisation: FK }, fakeTx);
      expect(terminated).toHaveLength(1);
      expect(store.events.filter((e) => e.actor === 'hub')).toEqual([
        expect.objectContaining({ change: 'terminated', note: `Organisationen ${FK} avslutades` }),
      ]);
    });
  });

  it('republishes every version of the agency’s agreements', async () => {
    const id = await active();
    await service.amend(id, terms(), maria);
    published = [];
    expect(await service.republish('fk')).toBe(2);
    expect(published.map((p) => [p.version, p.change, p.status])).toEqual([
      [1, 'republished', 'active'],
      [2, 'republished', 'draft'],
    ]);
    expect(await service.republish('af')).toBe(0);
  });
});
