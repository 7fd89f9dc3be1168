import { jest } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import type { Transactions } from '@hub/database';
import type { StaffUser } from '../auth/staff-user.js';
import { Subjects } from '../core/subjects.js';
import type { ArticleRepository } from '../knowledge/article.repository.js';
import { ArticleService } from '../knowledge/article.service.js';
import type { Article } from '../knowledge/knowledge.types.js';
import type { OrganisationRepository } from '../organisations/organisation.repository.js';
import type { UnitRepository } from '../organisations/unit.repository.js';
import type { TopicRepository } from '../topics/topic.repository.js';
import type { LogContactDto } from './contact.dto.js';
import type { Contact, ContactRepository, NewContact } from './contact.repository.js';
import { swedishDay } from '@hub/policy';
import { ContactService } from './contact.service.js';

const OREBRO = '2120001967';
const KARLSKOGA = '2120001991';
const OREBRO_ARTICLE = '6d1c0e4a-2b7f-4c1e-9a3d-5e8f7a6b4c21';
const KARLSKOGA_ARTICLE = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const KEY = 'a'.repeat(64);
const GUIDE: StaffUser = {
  id: 'anna.guide',
  name: 'Anna',
  organisation: OREBRO,
  unit: 'Servicecenter',
  roles: ['guide'],
};
const TOPICS = new Map([['gata-park.snorojning', 'Snöröjning och halkbekämpning']]);

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

describe('ContactService', () => {
  let stored: Contact[];
  let appended: AuditEntryInput[];
  let contacts: { [K in keyof ContactRepository]: jest.Mock<any> };
  let topics: { seedDefaults: jest.Mock<any> };
  let articles: Map<string, Pick<Article, 'id' | 'organisation' | 'owner'>>;
  let service: ContactService;

  beforeEach(() => {
    stored = [];
    appended = [];
    contacts = {
      add: jest.fn(async (c: NewContact) => {
        const name = TOPICS.get(c.topic);
        if (!name) return undefined;
        const row = { ...c, id: `c${stored.length}`, createdAt: new Date(), topicName: name, category: 'gata-park' };
        stored.push(row);
        return row;
      }),
      listDay: jest.fn(async () => stored),
      find: jest.fn(async (o: string, u: string, id: string) =>
        stored.find((c) => c.organisation === o && c.unit === u && c.id === id),
      ),
      exists: jest.fn(async (o: string, u: string, id: string) =>
        stored.some((c) => c.organisation === o && c.unit === u && c.id === id),
      ),
      links: jest.fn(async () => ({ queries: ['q1'], referrals: [] })),
      insertMany: jest.fn(),
    } as never;
    topics = { seedDefaults: jest.fn(async () => undefined) };
    articles = new Map([
      [OREBRO_ARTICLE, { id: OREBRO_ARTICLE, organisation: OREBRO, owner: { kind: 'unit', name: 'Stadsbyggnad' } }],
      [KARLSKOGA_ARTICLE, { id: KARLSKOGA_ARTICLE, organisation: KARLSKOGA, owner: { kind: 'agency', name: 'fk' } }],
    ]);
    const audit = {
      append: async (entry: AuditEntryInput) => void appended.push(entry),
      subjectKey: () => KEY,
      subjectKeysOf: () => [KEY],
    } as unknown as AuditLog;
    const articleService = new ArticleService(
      { find: async (id: string) => articles.get(id) } as unknown as ArticleRepository,
      {} as UnitRepository,
      { find: async () => ({ agencyCode: null }) } as unknown as OrganisationRepository,
      {} as Transactions,
      audit,
    );
    service = new ContactService(
      contacts as unknown as ContactRepository,
      topics as unknown as TopicRepository,
      new Subjects(audit),
      audit,
      articleService,
      { issue: async () => ({ token: 't'.repeat(22), path: `/enkat/${'t'.repeat(22)}`, expiresAt: 'x' }) } as never,
    );
  });

  const dto = (extra: Partial<LogContactDto> = {}): LogContactDto => ({
    channel: 'telefon',
    topic: 'gata-park.snorojning',
    rosa: 1,
    outcome: 'besvarad',
    ...extra,
  });

  it('logs an anonymous contact of the guide’s unit in one write, Swedish without interpreter by default, unaudited', async () => {
    const view = await service.log(dto(), GUIDE);
    expect(view).toMatchObject({
      unit: 'Servicecenter',
      channel: 'telefon',
      topic: 'gata-park.snorojning',
      topicName: 'Snöröjning och halkbekämpning',
      language: 'sv',
      interpreter: false,
      createdBy: 'anna.guide',
    });
    expect(view.subject).toBeUndefined();
    expect(view).not.toHaveProperty('waitingSeconds');
    expect(view).not.toHaveProperty('handlingSeconds');
    expect(stored[0]).toMatchObject({ waitingSeconds: null, handlingSeconds: null });
    expect(contacts.add).toHaveBeenCalledTimes(1);
    expect(contacts.add).toHaveBeenCalledWith(expect.objectContaining({ subjectKey: null }), 'own');
    expect(appended).toEqual([]);
  });

  it('keeps the waiting and handling time when the contact recorded them', async () => {
    const view = await service.log(dto({ waitingSeconds: 0, handlingSeconds: 240 }), GUIDE);
    expect(stored[0]).toMatchObject({ waitingSeconds: 0, handlingSeconds: 240 });
    expect(view).toMatchObject({ waitingSeconds: 0, handlingSeconds: 240 });
  });

  it('keeps a subject as its keyed hash, shows it masked, and audits that contact', async () => {
    const view = await service.log(dto({ subject: '191212121212', outcome: 'remitterad' }), GUIDE);
    expect(stored[0]).toMatchObject({ subjectKey: KEY, subjectMasked: '19121212-****' });
    expect(JSON.stringify(stored[0])).not.toContain('19121212121');
    expect(view.subject).toBe('19121212-****');
    expect(appended).toEqual([
      expect.objectContaining({ kind: 'contact', subjectKey: KEY, outcome: 'logged', correlationId: view.id }),
    ]);
  });

  it('names the knowledge-base article the contact was answered with, when one is given', async () => {
    const view = await service.log(dto({ articleId: OREBRO_ARTICLE }), GUIDE);
    expect(stored[0]).toMatchObject({ articleId: OREBRO_ARTICLE });
    expect(view.articleId).toBe(OREBRO_ARTICLE);
    const without = await service.log(dto(), GUIDE);
    expect(stored[1]).toMatchObject({ articleId: null });
    expect(without).not.toHaveProperty('articleId');
  });

  it('answers an article of another municipality as one that does not exist, 404, and stores nothing', async () => {
    for (const articleId of [KARLSKOGA_ARTICLE, '9f8e7d6c-5b4a-4321-8fed-cba987654321']) {
      await expect(refusal(service.log(dto({ articleId }), GUIDE))).resolves.toEqual({
        status: 404,
        error: 'not-found',
      });
    }
    // Karlskoga's own guide answers with it
    const karlskoga = { ...GUIDE, id: 'karin.guide', organisation: KARLSKOGA };
    await expect(service.log(dto({ articleId: KARLSKOGA_ARTICLE }), karlskoga)).resolves.toMatchObject({
      articleId: KARLSKOGA_ARTICLE,
    });
    expect(stored).toHaveLength(1);
  });

  it('stores a contact naming a subject durable with its audit entry, and answers only once that entry is committed', async () => {
    let commit!: () => void;
    const auditAppend = jest.fn(() => new Promise<void>((resolve) => (commit = resolve)));
    const audit = { append: auditAppend, subjectKey: () => KEY, subjectKeysOf: () => [KEY] } as unknown as AuditLog;
    service = new ContactService(
      contacts as unknown as ContactRepository,
      topics as unknown as TopicRepository,
      new Subjects(audit),
      audit,
      {} as ArticleService,
      { issue: async () => ({ token: 't'.repeat(22), path: `/enkat/${'t'.repeat(22)}`, expiresAt: 'x' }) } as never,
    );
    let answered = false;
    const logging = service.log(dto({ subject: '191212121212' }), GUIDE).then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(contacts.add).toHaveBeenCalledWith(expect.objectContaining({ subjectKey: KEY }), 'audit-entry-next');
    expect(auditAppend).toHaveBeenCalledTimes(1);
    expect(answered).toBe(false);
    commit();
    await logging;
    expect(answered).toBe(true);
  });

  it('refuses a personnummer in the note, in any usual format, before storing anything', async () => {
    for (const note of ['ringde om 19121212-1212', 'pnr 121212-1212 vill ha svar', '191212121212']) {
      await expect(refusal(service.log(dto({ note }), GUIDE))).resolves.toEqual({
        status: 400,
        error: 'personnummer-in-text',
      });
    }
    await expect(service.log(dto({ note: 'ringer tillbaka 08-123 45 67' }), GUIDE)).resolves.toBeDefined();
    expect(stored).toHaveLength(1);
  });

  it('refuses a wrong personnummer and an unknown or retired topic with 400, after trying the default taxonomy', async () => {
    await expect(refusal(service.log(dto({ subject: '191212121213' }), GUIDE))).resolves.toEqual({
      status: 400,
      error: 'invalid-personnummer',
    });
    await expect(refusal(service.log(dto({ topic: 'gata-park.finns-inte' }), GUIDE))).resolves.toEqual({
      status: 400,
      error: 'unknown-topic',
    });
    expect(topics.seedDefaults).toHaveBeenCalledWith(OREBRO);
    expect(stored).toEqual([]);
  });

  it('needs a unit in the token', async () => {
    await expect(refusal(service.log(dto(), { ...GUIDE, unit: undefined }))).resolves.toEqual({
      status: 403,
      error: 'no-unit',
    });
  });

  it('shows a contact with its links to its own unit only; another unit’s, or linking to it, is 404', async () => {
    const { id } = await service.log(dto(), GUIDE);
    await expect(service.show(id, GUIDE)).resolves.toMatchObject({ id, queries: ['q1'], referrals: [] });
    const other = { ...GUIDE, unit: 'Medborgarkontor Väster' };
    await expect(refusal(service.show(id, other))).resolves.toEqual({ status: 404, error: 'not-found' });
    await expect(service.assertLinkable(id, GUIDE, 'Servicecenter')).resolves.toBeUndefined();
    await expect(refusal(service.assertLinkable(id, other, 'Medborgarkontor Väster'))).resolves.toEqual({
      status: 404,
      error: 'not-found',
    });
    await expect(
      refusal(service.assertLinkable(id, { ...GUIDE, organisation: '2120001991' }, 'Servicecenter')),
    ).resolves.toEqual({ status: 404, error: 'not-found' });
  });

  it('lists a day of the unit, today in Swedish time by default, and refuses a date not in the calendar', async () => {
    await service.list({}, GUIDE, new Date('2025-03-30T23:30:00Z'));
    expect(contacts.listDay).toHaveBeenCalledWith(OREBRO, 'Servicecenter', '2025-03-31');
    await expect(refusal(service.list({ date: '2025-02-30' }, GUIDE))).resolves.toEqual({
      status: 400,
      error: 'invalid-date',
    });
    expect(swedishDay(new Date('2025-06-30T22:30:00Z'))).toBe('2025-07-01');
  });
});
