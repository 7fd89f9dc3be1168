import { jest } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import type { Queryable, Transactions } from '@hub/database';
import type { StaffUser } from '../auth/staff-user.js';
import type { OrganisationRepository } from '../organisations/organisation.repository.js';
import type { UnitRepository } from '../organisations/unit.repository.js';
import type { UpdateArticleDto } from './article.dto.js';
import type { ArticleRepository } from './article.repository.js';
import { ArticleService, canEdit, canRead, isStale, reviewScope } from './article.service.js';
import type { Article, ArticleContent } from './knowledge.types.js';

const OREBRO = '2120001967';
const KARLSKOGA = '2120001991';
const FK = '2021005521';
const ID = '3f0b8a1e-5c2d-4e6f-8a9b-0c1d2e3f4a5b';

const staff = (organisation: string, roles: StaffUser['roles'], unit?: string): StaffUser => ({
  id: `${roles.join('+')}@${unit ?? organisation}`,
  name: 'x',
  organisation,
  ...(unit && { unit }),
  roles,
});
const ADMIN = staff(OREBRO, ['admin'], 'Servicecenter');
const TEKNIK = staff(OREBRO, ['department'], 'Tekniska förvaltningen');
const BYGG = staff(OREBRO, ['department'], 'Bygg- och miljöförvaltningen');
const GUIDE = staff(OREBRO, ['guide'], 'Servicecenter');
const KARLSKOGA_ADMIN = staff(KARLSKOGA, ['admin'], 'Servicecenter');
const FK_ADMIN = staff(FK, ['agency-admin']);

const content = (over: Partial<ArticleContent> = {}): ArticleContent => ({
  topic: 'gata-park.gatubelysning',
  owner: { kind: 'unit', name: 'Tekniska förvaltningen' },
  title: 'Trasig gatubelysning',
  standardAnswer: 'Felanmäl.',
  shortAnswers: { telefon: 'Jag felanmäler.' },
  body: '',
  links: [],
  reviewBy: '2099-01-01',
  ...over,
});

const article = (over: Partial<Article> = {}): Article => ({
  id: ID,
  organisation: OREBRO,
  version: 1,
  ...content(),
  createdAt: new Date(),
  createdBy: 'someone',
  updatedAt: new Date(),
  updatedBy: 'someone',
  ...over,
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

describe('knowledge-base rules', () => {
  const fk = (user: StaffUser) => ({ user, agencyCode: 'fk' });

  it('lets the municipality’s admin edit any of its articles, and no other municipality’s', () => {
    expect(canEdit({ user: ADMIN }, article())).toBe(true);
    expect(canEdit({ user: ADMIN }, article({ owner: { kind: 'agency', name: 'fk' } }))).toBe(true);
    expect(canEdit({ user: KARLSKOGA_ADMIN }, article())).toBe(false);
  });

  it('lets department staff edit their own unit’s articles only', () => {
    expect(canEdit({ user: TEKNIK }, article())).toBe(true);
    expect(canEdit({ user: BYGG }, article())).toBe(false);
    expect(canEdit({ user: staff(OREBRO, ['guide'], 'Tekniska förvaltningen') }, article())).toBe(false);
    expect(canEdit({ user: GUIDE }, article())).toBe(false);
  });

  it('lets an agency’s admin read and edit the articles it owns, in any municipality, and nothing else', () => {
    const owned = article({ owner: { kind: 'agency', name: 'fk' } });
    expect(canRead(fk(FK_ADMIN), owned)).toBe(true);
    expect(canEdit(fk(FK_ADMIN), owned)).toBe(true);
    expect(canRead(fk(FK_ADMIN), article())).toBe(false);
    expect(canEdit({ user: staff(FK, ['agency-admin']), agencyCode: 'skv' }, owned)).toBe(false);
    expect(canRead(fk(staff(FK, ['guide'])), owned)).toBe(false);
  });

  it('lets every staff member of the municipality read, and nobody of another', () => {
    expect(canRead({ user: GUIDE }, article())).toBe(true);
    expect(canRead({ user: KARLSKOGA_ADMIN }, article())).toBe(false);
  });

  it('flags an article stale after its review day, not on it', () => {
    expect(isStale({ reviewBy: '2026-03-01' }, '2026-03-01')).toBe(false);
    expect(isStale({ reviewBy: '2026-03-01' }, '2026-03-02')).toBe(true);
  });

  it('shows the admin the municipality’s due articles, department staff their unit’s, an agency its own', () => {
    expect(reviewScope({ user: ADMIN })).toEqual({ organisation: OREBRO });
    expect(reviewScope({ user: TEKNIK })).toEqual({ organisation: OREBRO, unit: 'Tekniska förvaltningen' });
    expect(reviewScope(fk(FK_ADMIN))).toEqual({ agency: 'fk' });
    expect(reviewScope({ user: GUIDE })).toBeUndefined();
  });
});

describe('ArticleService', () => {
  const tx = {} as Queryable;
  let stored: Article;
  let articles: { [K in keyof ArticleRepository]: jest.Mock<any> };
  let service: ArticleService;
  let audited: AuditEntryInput[];
  /** audit entries and commits, in order */
  let journal: string[];

  beforeEach(() => {
    stored = article();
    articles = {
      find: jest.fn(async () => stored),
      lock: jest.fn(async () => stored),
      list: jest.fn(async () => [stored]),
      dueForReview: jest.fn(async () => []),
      search: jest.fn(async () => []),
      insert: jest.fn(async (organisation: string, c: ArticleContent, by: string) =>
        article({ ...c, organisation, createdBy: by }),
      ),
      update: jest.fn(async (id: string, version: number, c: ArticleContent, by: string) =>
        article({ ...c, id, version, updatedBy: by }),
      ),
      versions: jest.fn(async () => []),
    } as never;
    const units = {
      list: jest.fn(async () => [
        { name: 'Tekniska förvaltningen', closedAt: null },
        { name: 'Stängd enhet', closedAt: new Date() },
      ]),
    } as unknown as UnitRepository;
    const organisations = {
      find: jest.fn(async (n: string) => (n === FK ? { agencyCode: 'fk' } : { agencyCode: null })),
      findByAgencyCode: jest.fn(async (code: string) => (code === 'fk' ? { number: FK } : undefined)),
    } as unknown as OrganisationRepository;
    audited = [];
    journal = [];
    const transactions = {
      run: async (work: (q: Queryable) => Promise<unknown>) => {
        const result = await work(tx);
        journal.push('commit');
        return result;
      },
    } as unknown as Transactions;
    const audit = {
      append: jest.fn(async (entry: AuditEntryInput) => {
        audited.push(entry);
        journal.push(`audit ${entry.outcome}`);
      }),
    } as unknown as AuditLog;
    service = new ArticleService(articles as unknown as ArticleRepository, units, organisations, transactions, audit);
  });

  const edit = (over: Partial<UpdateArticleDto> = {}): UpdateArticleDto =>
    ({ ...content(), version: 1, ...over }) as UpdateArticleDto;

  it('keeps every version: an edit writes the next version number', async () => {
    const updated = await service.update(TEKNIK, ID, edit({ title: 'Släckt gatubelysning' }));
    expect(updated.version).toBe(2);
    expect(articles.update).toHaveBeenCalledWith(
      ID,
      2,
      expect.objectContaining({ title: 'Släckt gatubelysning' }),
      TEKNIK.id,
      tx,
    );
  });

  it('refuses an edit made on an older version', async () => {
    stored = article({ version: 3 });
    expect(await refusal(service.update(TEKNIK, ID, edit({ version: 2 })))).toEqual({
      status: 409,
      error: 'version-conflict',
    });
    expect(articles.update).not.toHaveBeenCalled();
  });

  it('answers another municipality’s article as one that does not exist, and refuses a non-owner', async () => {
    expect(await refusal(service.update(KARLSKOGA_ADMIN, ID, edit()))).toEqual({ status: 404, error: 'not-found' });
    expect(await refusal(service.show(KARLSKOGA_ADMIN, ID))).toEqual({ status: 404, error: 'not-found' });
    expect(await refusal(service.update(BYGG, ID, edit()))).toEqual({ status: 403, error: 'not-owner' });
  });

  it('lets a contact name an article of the caller’s own municipality only, even one an agency admin reads', async () => {
    await expect(service.assertReadableInOwnMunicipality(GUIDE, ID)).resolves.toBeUndefined();
    expect(await refusal(service.assertReadableInOwnMunicipality(KARLSKOGA_ADMIN, ID))).toEqual({
      status: 404,
      error: 'not-found',
    });
    stored = article({ owner: { kind: 'agency', name: 'fk' } });
    await expect(service.show(FK_ADMIN, ID)).resolves.toMatchObject({ id: ID });
    expect(await refusal(service.assertReadableInOwnMunicipality(FK_ADMIN, ID))).toEqual({
      status: 404,
      error: 'not-found',
    });
  });

  it('lets only the admin hand an article to another owner, and only to one that exists', async () => {
    const to = (name: string) => edit({ owner: { kind: 'unit', name } });
    expect(await refusal(service.update(TEKNIK, ID, to('Socialförvaltningen')))).toEqual({
      status: 403,
      error: 'not-owner',
    });
    expect(await refusal(service.update(ADMIN, ID, to('Stängd enhet')))).toEqual({
      status: 400,
      error: 'invalid-request',
    });
    const handed = await service.update(ADMIN, ID, edit({ owner: { kind: 'agency', name: 'fk' } }));
    expect(handed.owner).toEqual({ kind: 'agency', name: 'fk' });
  });

  it('lets department staff write articles for their own unit only', async () => {
    const dto = { ...content(), owner: { kind: 'unit' as const, name: 'Tekniska förvaltningen' } };
    await expect(service.create(TEKNIK, dto)).resolves.toMatchObject({ version: 1, organisation: OREBRO });
    expect(await refusal(service.create(BYGG, dto))).toEqual({ status: 403, error: 'not-owner' });
  });

  it('audits an article written and each version edited, in the transaction before it commits', async () => {
    const dto = { ...content(), owner: { kind: 'unit' as const, name: 'Tekniska förvaltningen' } };
    const created = await service.create(TEKNIK, dto);
    await service.update(TEKNIK, ID, edit({ title: 'Släckt gatubelysning' }));
    await service.update(ADMIN, ID, edit({ owner: { kind: 'agency', name: 'fk' } }));
    expect(journal).toEqual(['audit created', 'commit', 'audit edited', 'commit', 'audit edited', 'commit']);
    expect(audited[0]).toEqual({
      kind: 'article',
      actorKind: 'staff',
      actor: TEKNIK.id,
      organisation: OREBRO,
      unit: 'Tekniska förvaltningen',
      outcome: 'created',
      correlationId: created.id,
      details: {
        id: created.id,
        organisation: OREBRO,
        version: 1,
        topic: 'gata-park.gatubelysning',
        title: 'Trasig gatubelysning',
        owner: { kind: 'unit', name: 'Tekniska förvaltningen' },
        reviewBy: '2099-01-01',
      },
    });
    expect(audited[1]).toMatchObject({
      actor: TEKNIK.id,
      outcome: 'edited',
      correlationId: ID,
      details: { version: 2, previousVersion: 1, title: 'Släckt gatubelysning' },
    });
    expect(audited[1]!.details).not.toHaveProperty('previousOwner');
    expect(audited[2]).toMatchObject({
      actor: ADMIN.id,
      details: {
        owner: { kind: 'agency', name: 'fk' },
        previousOwner: { kind: 'unit', name: 'Tekniska förvaltningen' },
      },
    });
  });

  it('audits no edit it refuses', async () => {
    await refusal(service.update(BYGG, ID, edit()));
    await refusal(service.update(KARLSKOGA_ADMIN, ID, edit()));
    await refusal(service.update(TEKNIK, ID, edit({ version: 2 })));
    await refusal(service.create(BYGG, { ...content(), owner: { kind: 'unit', name: 'Tekniska förvaltningen' } }));
    expect(audited).toEqual([]);
  });

  it('searches only the caller’s municipality, at most five, and not at all without words or topic', async () => {
    expect(await service.search(GUIDE, { q: '  ' })).toEqual([]);
    expect(articles.search).not.toHaveBeenCalled();
    await service.search(GUIDE, { q: ' bygglv ', topic: 'bygga-bo.bygglov' });
    expect(articles.search).toHaveBeenCalledWith(OREBRO, 'bygglv', 'bygga-bo.bygglov', 5);
  });
});
