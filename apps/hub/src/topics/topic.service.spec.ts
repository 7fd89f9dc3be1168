import { jest } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import type { Queryable, Transactions } from '@hub/database';
import type { StaffUser } from '../auth/staff-user.js';
import type { TopicCategory, TopicRepository, TopicType } from './topic.repository.js';
import { TopicService } from './topic.service.js';

const OREBRO = '2120001967';
const KARLSKOGA = '2120001991';
const ADMIN: StaffUser = { id: 'maria.admin', name: 'Maria', organisation: OREBRO, roles: ['admin'] };
const GUIDE: StaffUser = {
  id: 'anna.guide',
  name: 'Anna',
  organisation: OREBRO,
  unit: 'Servicecenter',
  roles: ['guide'],
};
const OTHER_ADMIN: StaffUser = { id: 'karin.admin', name: 'Karin', organisation: KARLSKOGA, roles: ['admin'] };

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

describe('TopicService', () => {
  const tx = {} as Queryable;
  let categories: TopicCategory[];
  let types: TopicType[];
  let repo: { [K in keyof TopicRepository]: jest.Mock<any> };
  let service: TopicService;
  let audited: AuditEntryInput[];
  /** audit entries and commits, in order */
  let journal: string[];

  const base = (organisation: string, code: string, name: string) => ({
    id: `${organisation}:${code}`,
    organisation,
    code,
    name,
    createdAt: new Date(),
    createdBy: 'migration',
    retiredAt: null,
    retiredBy: null,
  });

  beforeEach(() => {
    categories = [base(OREBRO, 'gata-park', 'Gata och park')];
    types = [
      {
        ...base(OREBRO, 'gata-park.snorojning', 'Snöröjning'),
        category: 'gata-park',
        department: 'Tekniska förvaltningen',
        responseHours: 24,
        secrecySensitive: false,
      },
    ];
    // a copy, as a row read from the database is: the change writes the stored one
    const find = <T extends TopicCategory>(list: T[]) =>
      jest.fn(async (o: string, id: string) => {
        const found = list.find((x) => x.organisation === o && x.id === id);
        return found && { ...found };
      });
    repo = {
      seedDefaults: jest.fn(async (o: string) => void categories.push(base(o, 'kommunen', 'Kommunen i övrigt'))),
      categories: jest.fn(async (o: string) => categories.filter((c) => c.organisation === o)),
      types: jest.fn(async (o: string) => types.filter((t) => t.organisation === o)),
      lockCategory: find(categories),
      lockType: find(types),
      insertCategory: jest.fn(async (c: TopicCategory) => {
        if (categories.some((x) => x.organisation === c.organisation && x.code === c.code)) return undefined;
        const row = { ...base(c.organisation, c.code, c.name), createdBy: c.createdBy };
        categories.push(row);
        return row;
      }),
      insertType: jest.fn(async (t: TopicType) => {
        if (types.some((x) => x.organisation === t.organisation && x.code === t.code)) return undefined;
        const row = { ...base(t.organisation, t.code, t.name), ...t };
        types.push(row);
        return row;
      }),
      changeCategory: jest.fn(async (o: string, id: string, change: { name?: string; retiredBy?: string }) => {
        const c = categories.find((x) => x.organisation === o && x.id === id)!;
        if (change.name) c.name = change.name;
        if (change.retiredBy) Object.assign(c, { retiredAt: new Date(), retiredBy: change.retiredBy });
        return c;
      }),
      retireTypesOf: jest.fn(async (o: string, category: string, by: string) => {
        for (const t of types.filter((x) => x.organisation === o && x.category === category && !x.retiredAt)) {
          Object.assign(t, { retiredAt: new Date(), retiredBy: by });
        }
      }),
      changeType: jest.fn(async (o: string, id: string, change: Partial<TopicType> & { retiredBy?: string }) => {
        const t = types.find((x) => x.organisation === o && x.id === id)!;
        const { retiredBy, ...fields } = change;
        Object.assign(t, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
        if (retiredBy) Object.assign(t, { retiredAt: new Date(), retiredBy });
        return t;
      }),
    } as never;
    audited = [];
    journal = [];
    const audit = {
      append: jest.fn(async (entry: AuditEntryInput) => {
        audited.push(entry);
        journal.push(`audit ${entry.outcome}`);
      }),
    };
    service = new TopicService(
      repo as unknown as TopicRepository,
      {
        run: async (work: (q: Queryable) => Promise<unknown>) => {
          const result = await work(tx);
          journal.push('commit');
          return result;
        },
      } as unknown as Transactions,
      audit as unknown as AuditLog,
    );
  });

  it('shows staff their municipality’s taxonomy with response hours, department and secrecy', async () => {
    await expect(service.list(GUIDE)).resolves.toEqual([
      expect.objectContaining({
        code: 'gata-park',
        types: [
          expect.objectContaining({
            code: 'gata-park.snorojning',
            responseHours: 24,
            department: 'Tekniska förvaltningen',
            secrecySensitive: false,
          }),
        ],
      }),
    ]);
    expect(repo.seedDefaults).not.toHaveBeenCalled();
  });

  it('seeds the default taxonomy for a municipality that has none yet', async () => {
    await expect(service.list(OTHER_ADMIN)).resolves.toEqual([expect.objectContaining({ code: 'kommunen' })]);
    expect(repo.seedDefaults).toHaveBeenCalledWith(KARLSKOGA);
  });

  it('lets the admin add a category and types under it, codes unique and prefixed by the category', async () => {
    const category = await service.addCategory({ code: 'idrott', name: 'Idrott' }, ADMIN);
    const type = await service.addType(
      category.id,
      { code: 'idrott.simhall', name: 'Simhallar', responseHours: 48 },
      ADMIN,
    );
    expect(type).toMatchObject({ category: 'idrott', responseHours: 48, secrecySensitive: false });
    await expect(refusal(service.addCategory({ code: 'idrott', name: 'Igen' }, ADMIN))).resolves.toEqual({
      status: 409,
      error: 'topic-exists',
    });
    await expect(
      refusal(service.addType(category.id, { code: 'gata-park.simhall', name: 'Fel kategori' }, ADMIN)),
    ).resolves.toEqual({ status: 400, error: 'invalid-request' });
  });

  it('sets response hours and renames a type, keeping its code; a guide may not', async () => {
    const id = `${OREBRO}:gata-park.snorojning`;
    await expect(service.changeType(id, { responseHours: 12, name: 'Snöröjning' }, ADMIN)).resolves.toMatchObject({
      code: 'gata-park.snorojning',
      responseHours: 12,
    });
    await expect(service.changeType(id, { responseHours: null }, ADMIN)).resolves.not.toHaveProperty('responseHours');
    await expect(refusal(service.changeType(id, { responseHours: 1 }, GUIDE))).resolves.toEqual({
      status: 403,
      error: 'role-not-allowed',
    });
    await expect(refusal(service.changeType(id, {}, ADMIN))).resolves.toEqual({
      status: 400,
      error: 'invalid-request',
    });
  });

  it('retires a category with its types, which stay readable but are not changed again', async () => {
    const id = `${OREBRO}:gata-park`;
    const retired = await service.changeCategory(id, { retired: true }, ADMIN);
    expect(retired.retiredAt).toBeDefined();
    expect(retired.types[0].retiredAt).toBeDefined();
    await expect(service.list(GUIDE)).resolves.toHaveLength(1);
    await expect(refusal(service.changeCategory(id, { name: 'Gata' }, ADMIN))).resolves.toEqual({
      status: 409,
      error: 'topic-retired',
    });
    await expect(refusal(service.addType(id, { code: 'gata-park.ny', name: 'Ny typ' }, ADMIN))).resolves.toEqual({
      status: 409,
      error: 'topic-retired',
    });
  });

  it('answers 404 for another municipality’s topics', async () => {
    await expect(
      refusal(service.changeType(`${OREBRO}:gata-park.snorojning`, { name: 'X y' }, OTHER_ADMIN)),
    ).resolves.toEqual({
      status: 404,
      error: 'not-found',
    });
    await expect(
      refusal(service.changeCategory(`${OREBRO}:gata-park`, { retired: true }, OTHER_ADMIN)),
    ).resolves.toEqual({ status: 404, error: 'not-found' });
    expect(categories[0].retiredAt).toBeNull();
  });

  it('audits what the admin creates, changes and retires, in the transaction before it commits', async () => {
    const category = await service.addCategory({ code: 'idrott', name: 'Idrott' }, ADMIN);
    const type = await service.addType(category.id, { code: 'idrott.simhall', name: 'Simhallar' }, ADMIN);
    await service.changeType(type.id, { name: 'Simhallar och bad', responseHours: 48 }, ADMIN);
    await service.changeCategory(category.id, { name: 'Idrott och fritid', retired: true }, ADMIN);
    expect(journal).toEqual([
      'audit created',
      'commit',
      'audit created',
      'commit',
      'audit changed',
      'commit',
      'audit changed',
      'audit retired',
      'commit',
    ]);
    const who = { kind: 'topic', actorKind: 'staff', actor: ADMIN.id, organisation: OREBRO };
    expect(audited).toEqual([
      {
        ...who,
        unit: null,
        outcome: 'created',
        correlationId: category.id,
        details: expect.objectContaining({ level: 'category', code: 'idrott', name: 'Idrott' }),
      },
      {
        ...who,
        unit: null,
        outcome: 'created',
        correlationId: type.id,
        details: expect.objectContaining({
          level: 'type',
          code: 'idrott.simhall',
          category: 'idrott',
          responseHours: null,
        }),
      },
      {
        ...who,
        unit: null,
        outcome: 'changed',
        correlationId: type.id,
        details: expect.objectContaining({
          changes: { name: { from: 'Simhallar', to: 'Simhallar och bad' }, responseHours: { from: null, to: 48 } },
        }),
      },
      {
        ...who,
        unit: null,
        outcome: 'changed',
        correlationId: category.id,
        details: expect.objectContaining({ changes: { name: { from: 'Idrott', to: 'Idrott och fritid' } } }),
      },
      {
        ...who,
        unit: null,
        outcome: 'retired',
        correlationId: category.id,
        details: expect.objectContaining({ code: 'idrott' }),
      },
    ]);
  });

  it('audits a retired type, and nothing for a change that changes nothing or is refused', async () => {
    const id = `${OREBRO}:gata-park.snorojning`;
    await service.changeType(id, { responseHours: 24 }, ADMIN);
    await refusal(service.changeType(id, { responseHours: 1 }, GUIDE));
    await refusal(service.changeType(id, { responseHours: 1 }, OTHER_ADMIN));
    await refusal(service.addCategory({ code: 'gata-park', name: 'Igen' }, ADMIN));
    expect(audited).toEqual([]);
    await service.changeType(id, { retired: true }, ADMIN);
    expect(audited).toEqual([
      expect.objectContaining({
        outcome: 'retired',
        details: expect.objectContaining({ code: 'gata-park.snorojning' }),
      }),
    ]);
  });
});
