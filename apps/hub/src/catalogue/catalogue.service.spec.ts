import { jest } from '@jest/globals';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import { ORGANISATIONS, type CatalogueAnnouncedV1, type Envelope } from '@hub/contracts';
import type { Queryable } from '@hub/database';
import type { HubConfig } from '../config/hub.config.js';
import type { CatalogueRepository, CatalogueRow, NewCatalogue } from './catalogue.repository.js';
import { CatalogueService, refusalOf } from './catalogue.service.js';

const NOW = new Date('2026-03-02T09:00:00Z');

const FK_CATALOGUE: CatalogueAnnouncedV1 = {
  agency: 'fk',
  organisation: ORGANISATIONS.fk,
  name: 'Försäkringskassan',
  categories: [
    {
      code: 'fk.utbetalningar',
      secrecyClass: 'consent',
      description: 'Utbetalningar',
      fields: [{ name: 'amount', kind: 'other' }],
    },
  ],
  referralTypes: [{ code: 'fk.bostadsbidrag-ansokan', description: 'Bostadsbidrag', responseTimeHours: 120 }],
};

let messages = 0;
const envelope = (
  payload: CatalogueAnnouncedV1 = FK_CATALOGUE,
  sender: Envelope['sender'] = { organisation: ORGANISATIONS.fk, service: 'adapter-fk' },
  issuedAt = NOW.toISOString(),
): Envelope<CatalogueAnnouncedV1> => ({
  id: `00000000-0000-4000-8000-${String(++messages).padStart(12, '0')}`,
  correlationId: '11111111-1111-4111-8111-111111111111',
  type: 'catalogue.announced.v1',
  sender,
  issuedAt,
  payload,
});

describe('refusalOf', () => {
  it('accepts an agency’s own adapter announcing its own codes', () => {
    expect(refusalOf(envelope(), NOW)).toBeUndefined();
  });

  it.each([
    [
      'another service',
      envelope(FK_CATALOGUE, { organisation: ORGANISATIONS.fk, service: 'adapter-af' }),
      'sent by adapter-af, but only adapter-fk announces fk',
    ],
    [
      'an organisation the adapter does not speak for',
      envelope({ ...FK_CATALOGUE, organisation: ORGANISATIONS.af }),
      `names organisation ${ORGANISATIONS.af}, but adapter-fk speaks for ${ORGANISATIONS.fk}`,
    ],
    [
      'an issue time more than five minutes ahead',
      envelope(undefined, undefined, new Date(NOW.getTime() + 5 * 60_000 + 1000).toISOString()),
      'issued in the future',
    ],
    [
      'a code of another agency',
      envelope({ ...FK_CATALOGUE, referralTypes: [{ ...FK_CATALOGUE.referralTypes[0], code: 'af.x' }] }),
      'af.x does not belong to agency fk',
    ],
    [
      'a code announced twice',
      envelope({ ...FK_CATALOGUE, categories: [FK_CATALOGUE.categories[0], FK_CATALOGUE.categories[0]] }),
      'fk.utbetalningar is announced twice',
    ],
  ])('refuses %s', (_case, announced, reason) => {
    expect(refusalOf(announced, NOW)).toBe(reason);
  });

  it('tolerates a clock a little ahead', () => {
    expect(refusalOf(envelope(undefined, undefined, new Date(NOW.getTime() + 60_000).toISOString()), NOW)).toBe(
      undefined,
    );
  });
});

describe('CatalogueService', () => {
  const fakeTx = { query: jest.fn() } as unknown as Queryable;
  let rows: CatalogueRow[];
  let audited: AuditEntryInput[];
  let repository: {
    listAll: jest.Mock<() => Promise<CatalogueRow[]>>;
    storeUnlessSuperseded: jest.Mock<(c: NewCatalogue, db?: Queryable) => Promise<boolean>>;
    notifyChanged: jest.Mock<(agency: string, db?: Queryable) => Promise<void>>;
  };
  let service: CatalogueService;
  let announced: string[];

  beforeEach(() => {
    rows = [];
    audited = [];
    announced = [];
    repository = {
      listAll: jest.fn(async () => [...rows].sort((a, b) => a.agency.localeCompare(b.agency))),
      // the newer announcement wins, as the SQL decides it
      storeUnlessSuperseded: jest.fn(async (c: NewCatalogue) => {
        const existing = rows.find((r) => r.agency === c.agency);
        const next: CatalogueRow = { ...c, announcedAt: new Date(c.announcedAt) };
        if (!existing) return rows.push(next) > 0;
        if (existing.announcedAt.getTime() >= next.announcedAt.getTime()) return false;
        rows[rows.indexOf(existing)] = next;
        return true;
      }),
      notifyChanged: jest.fn(async () => undefined),
    };
    service = new CatalogueService(
      repository as unknown as CatalogueRepository,
      { databaseUrl: 'postgres://unused' } as HubConfig,
      { append: async (entry: AuditEntryInput) => void audited.push(entry) } as unknown as AuditLog,
    );
    service.onAnnounced(async (agency) => void announced.push(agency));
  });

  it('stores an accepted announcement in the consumer’s transaction, audits it and tells the listeners', async () => {
    const message = envelope(FK_CATALOGUE, undefined, new Date().toISOString());
    expect(await service.announce(fakeTx, message)).toBe('recorded');

    expect(repository.storeUnlessSuperseded).toHaveBeenCalledWith(
      {
        agency: 'fk',
        organisation: ORGANISATIONS.fk,
        name: 'Försäkringskassan',
        categories: FK_CATALOGUE.categories,
        referralTypes: FK_CATALOGUE.referralTypes,
        announcedAt: message.issuedAt,
        messageId: message.id,
      },
      fakeTx,
    );
    expect(repository.notifyChanged).toHaveBeenCalledWith('fk', fakeTx);
    expect(audited).toEqual([
      {
        kind: 'catalogue',
        actorKind: 'service',
        actor: 'adapter-fk',
        organisation: ORGANISATIONS.fk,
        outcome: 'recorded',
        correlationId: message.correlationId,
        details: {
          agency: 'fk',
          messageId: message.id,
          issuedAt: message.issuedAt,
          categories: ['fk.utbetalningar:consent'],
          referralTypes: ['fk.bostadsbidrag-ansokan'],
        },
      },
    ]);
    expect(announced).toEqual(['fk']);
  });

  it('keeps a later announcement over an older one, still auditing and telling the listeners', async () => {
    const later = new Date();
    await service.announce(fakeTx, envelope(FK_CATALOGUE, undefined, later.toISOString()));
    const older = envelope({ ...FK_CATALOGUE, name: 'Old' }, undefined, new Date(later.getTime() - 1000).toISOString());

    expect(await service.announce(fakeTx, older)).toBe('superseded');
    expect(repository.notifyChanged).toHaveBeenCalledTimes(1);
    expect(audited.map((e) => e.outcome)).toEqual(['recorded', 'superseded']);
    expect(announced).toEqual(['fk', 'fk']);
  });

  it('stores nothing of a refused announcement, audits why, and does not tell the listeners', async () => {
    const forged = envelope(FK_CATALOGUE, { organisation: ORGANISATIONS.af, service: 'adapter-af' });

    expect(await service.announce(fakeTx, forged)).toBe('refused');
    expect(repository.storeUnlessSuperseded).not.toHaveBeenCalled();
    expect(repository.notifyChanged).not.toHaveBeenCalled();
    expect(audited).toEqual([
      expect.objectContaining({
        outcome: 'refused',
        actor: 'adapter-af',
        organisation: ORGANISATIONS.af,
        details: expect.objectContaining({ reason: 'sent by adapter-af, but only adapter-fk announces fk' }),
      }),
    ]);
    expect(announced).toEqual([]);
  });

  it('lets a throwing listener fail the announcement, so that the broker redelivers it', async () => {
    service.onAnnounced(async () => {
      throw new Error('broker gone');
    });
    await expect(service.announce(fakeTx, envelope(FK_CATALOGUE, undefined, new Date().toISOString()))).rejects.toThrow(
      'broker gone',
    );
  });

  it('serves the stored catalogues from memory after a reload, and their index', async () => {
    expect(service.catalogues()).toEqual([]);
    rows.push(
      { ...FK_CATALOGUE, announcedAt: NOW, messageId: 'm1' },
      {
        agency: 'af',
        organisation: ORGANISATIONS.af,
        name: 'Arbetsförmedlingen',
        categories: [{ code: 'af.inskrivning', secrecyClass: 'consent', description: '', fields: [] }],
        referralTypes: [],
        announcedAt: NOW,
        messageId: 'm2',
      },
    );
    await service.reload();

    expect(service.catalogues().map((c) => c.agency)).toEqual(['af', 'fk']);
    expect(service.catalogue('fk')).toMatchObject({ name: 'Försäkringskassan', announcedAt: NOW });
    expect(service.catalogue('skv')).toBeUndefined();
    expect(Object.isFrozen(service.catalogue('fk'))).toBe(true);
    expect(service.index().agency('fk')?.categories.get('fk.utbetalningar')?.secrecyClass).toBe('consent');
  });
});
