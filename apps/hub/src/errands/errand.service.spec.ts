import { jest } from '@jest/globals';
import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import type { Envelope, ErrandForwardedV1, ErrandStatusV1 } from '@hub/contracts';
import type { Queryable, Transactions } from '@hub/database';
import type { PgOutbox } from '@hub/messaging';
import type { StaffUser } from '../auth/staff-user.js';
import { Subjects } from '../core/subjects.js';
import { errandMove, errandOverdue } from './errand-lifecycle.js';
import type { CreateErrandDto } from './errand.dto.js';
import type { Department, Errand, ErrandRepository } from './errand.repository.js';
import { containsPersonnummer } from '@hub/observability';
import { ErrandService } from './errand.service.js';
import { MunicipalTopicRules, topicRules } from './topic-rules.js';
import type { ContactService } from '../contacts/contact.service.js';
import { apiException } from '@hub/http';
import { randomUUID } from 'node:crypto';

const OWN_CONTACT = '6f1c2b1e-8e0e-4c1a-9a51-2f7b9d0c3e11';
let contacts: { assertLinkable: jest.Mock<(contactId: string) => Promise<void>> };

const NOW = new Date('2026-03-02T09:00:00Z');
const OREBRO = '2120001967';
const GUIDE: StaffUser = {
  id: 'anna.guide',
  name: 'Anna Guide',
  organisation: OREBRO,
  unit: 'Servicecenter',
  roles: ['guide'],
};
const TOVE: StaffUser = {
  id: 'tove.teknik',
  name: 'Tove Teknik',
  organisation: OREBRO,
  unit: 'Tekniska förvaltningen',
  roles: ['department'],
};
const TEKNISKA: Department = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Tekniska förvaltningen',
  displayName: 'Tekniska förvaltningen',
};
const SOCIAL: Department = {
  id: '22222222-2222-4222-8222-222222222222',
  name: 'Socialförvaltningen',
  displayName: 'Socialförvaltningen',
};

const DTO: CreateErrandDto = {
  topic: 'gata-park.gatubelysning',
  message: 'Lampan vid busshållplatsen på Storgatan är släckt.',
  citizen: { name: 'Eva Svensson', phone: '070-123 45 67', email: 'eva@example.se' },
  preferredChannel: 'phone',
};

describe('errand lifecycle', () => {
  it('goes sent → taken → answered → closed', () => {
    expect(errandMove('sent', 'take', false)).toEqual({ ok: true, status: 'taken', event: 'taken' });
    expect(errandMove('taken', 'answer', false)).toEqual({ ok: true, status: 'answered', event: 'answered' });
    expect(errandMove('answered', 'close', true)).toEqual({ ok: true, status: 'closed', event: 'closed' });
  });

  it('answers only a taken errand, and closes only with an answer', () => {
    expect(errandMove('sent', 'answer', false).ok).toBe(false);
    expect(errandMove('taken', 'close', false)).toEqual({ ok: false, message: 'an errand is closed with an answer' });
    expect(errandMove('taken', 'close', true).ok).toBe(true);
    expect(errandMove('closed', 'take', true).ok).toBe(false);
  });

  it('hands over an unanswered errand only, back to sent', () => {
    expect(errandMove('taken', 'hand-over', false)).toEqual({ ok: true, status: 'sent', event: 'handed-over' });
    expect(errandMove('answered', 'hand-over', true).ok).toBe(false);
    expect(errandMove('closed', 'hand-over', true).ok).toBe(false);
  });

  it('is withdrawn only while unanswered, and moves no more once withdrawn', () => {
    expect(errandMove('sent', 'withdraw', false)).toEqual({ ok: true, status: 'withdrawn', event: 'withdrawn' });
    expect(errandMove('taken', 'withdraw', false).ok).toBe(true);
    for (const status of ['answered', 'closed', 'withdrawn'] as const) {
      expect(errandMove(status, 'withdraw', true).ok).toBe(false);
    }
    for (const action of ['take', 'answer', 'hand-over', 'close'] as const) {
      expect(errandMove('withdrawn', action, true)).toEqual({
        ok: false,
        message: expect.stringContaining('a withdrawn errand cannot be'),
      });
    }
    expect(errandOverdue('withdrawn', new Date(NOW.getTime() - 1), NOW)).toBe(false);
  });

  it('is overdue when unanswered past its deadline', () => {
    const past = new Date(NOW.getTime() - 1);
    expect(errandOverdue('sent', past, NOW)).toBe(true);
    expect(errandOverdue('taken', past, NOW)).toBe(true);
    expect(errandOverdue('answered', past, NOW)).toBe(false);
    expect(errandOverdue('sent', new Date(NOW.getTime() + 1), NOW)).toBe(false);
  });
});

describe('topicRules', () => {
  it('takes response hours, department and secrecy from the taxonomy', () => {
    expect(topicRules('gata-park.gatubelysning')).toMatchObject({
      responseHours: 72,
      department: 'Tekniska förvaltningen',
    });
    expect(topicRules('omsorg.ekonomiskt-bistand')?.secrecySensitive).toBe(true);
    expect(topicRules('kommunen.synpunkt')?.department).toBeUndefined();
    expect(topicRules('finns.inte')).toBeUndefined();
  });
});

describe('containsPersonnummer', () => {
  it('finds a valid personnummer in any spelling, not other numbers', () => {
    expect(containsPersonnummer('Gäller 19121212-1212 på Storgatan')).toBe(true);
    expect(containsPersonnummer('gäller 1212121212')).toBe(true);
    expect(containsPersonnummer('ring 070-1234567 eller 1212121213')).toBe(false);
  });
});

describe('ErrandService', () => {
  const tx: Queryable = { query: jest.fn() as Queryable['query'] };
  let rows: Map<string, Errand>;
  let repo: { [K in keyof ErrandRepository]: jest.Mock<any> };
  let audited: AuditEntryInput[];
  let outbox: { enqueue: jest.Mock<any> };
  let service: ErrandService;
  /** what happened, in order: audit entries, messages and commits */
  let journal: string[];

  beforeEach(() => {
    rows = new Map();
    audited = [];
    journal = [];
    outbox = {
      enqueue: jest.fn(async (_tx: Queryable, _exchange: string, _key: string, message: { type: string }) => {
        journal.push(message.type);
        return 'message-id';
      }),
    };
    const byId = (id: string, organisation: string) => {
      const e = rows.get(id);
      return e && e.organisation === organisation ? { ...e } : undefined;
    };
    repo = {
      insert: jest.fn(async (e: Errand) => void rows.set(e.id, e)),
      list: jest.fn(async () => [...rows.values()]),
      find: jest.fn(async (id: string, organisation: string) => byId(id, organisation)),
      lock: jest.fn(async (id: string, organisation: string) => byId(id, organisation)),
      update: jest.fn(async (e: Errand) => void rows.set(e.id, e)),
      timeline: jest.fn(async () => []),
      departments: jest.fn(async () => [SOCIAL, TEKNISKA]),
      department: jest.fn(async (organisation: string, by: { id: string } | { name: string }) =>
        organisation !== OREBRO
          ? undefined
          : [TEKNISKA, SOCIAL].find((d) => ('id' in by ? d.id === by.id : d.name === by.name)),
      ),
    };
    const audit = {
      append: jest.fn(async (entry: AuditEntryInput) => {
        audited.push(entry);
        journal.push(`audit ${entry.outcome}`);
      }),
      subjectKey: (personnummer: string) => `key:${personnummer}`,
      subjectKeysOf: (personnummer: string) => [`key:${personnummer}`],
    };
    contacts = {
      assertLinkable: jest.fn(async (contactId: string) => {
        if (contactId !== OWN_CONTACT) throw apiException('not-found', `no contact ${contactId}`);
      }),
    };
    service = new ErrandService(
      repo as unknown as ErrandRepository,
      {
        run: async (work: (tx: Queryable) => Promise<unknown>) => {
          const result = await work(tx);
          journal.push('commit');
          return result;
        },
      } as unknown as Transactions,
      new Subjects(audit as unknown as AuditLog),
      audit as unknown as AuditLog,
      outbox as unknown as PgOutbox,
      { of: async (_organisation: string, code: string) => topicRules(code) } as unknown as MunicipalTopicRules,
      contacts as unknown as ContactService,
    );
  });

  it('links a contact only of the caller’s own unit: another one is absent (404), and nothing is stored', async () => {
    expect((await service.create({ ...DTO, contactId: OWN_CONTACT }, GUIDE, NOW)).contactId).toBe(OWN_CONTACT);
    expect(contacts.assertLinkable).toHaveBeenCalledWith(OWN_CONTACT, GUIDE, GUIDE.unit);
    const stored = audited.length;
    await expect(service.create({ ...DTO, contactId: randomUUID() }, GUIDE, NOW)).rejects.toMatchObject({
      status: 404,
    });
    expect(audited).toHaveLength(stored);
  });

  it("forwards to the topic's department with its response time, audited", async () => {
    const view = await service.create(DTO, GUIDE, NOW);
    expect(view).toMatchObject({ department: 'Tekniska förvaltningen', status: 'sent', overdue: false });
    expect(view.respondBy).toBe(new Date(NOW.getTime() + 72 * 3_600_000).toISOString());
    expect(view.citizen).toEqual(DTO.citizen);
    expect(audited).toEqual([expect.objectContaining({ kind: 'errand', outcome: 'sent', subjectKey: null })]);
  });

  it('stores the personnummer as subject key and masked form, audited under the key', async () => {
    const view = await service.create({ ...DTO, subject: '19121212-1212' }, GUIDE, NOW);
    expect(view.subject).toBe('19121212-****');
    expect(rows.get(view.id)).toMatchObject({ subjectKey: 'key:191212121212', subjectMasked: '19121212-****' });
    expect(audited[0]!.subjectKey).toBe('key:191212121212');
  });

  it('refuses a personnummer in the message, an unknown topic and another municipality’s department', async () => {
    await expect(service.create({ ...DTO, message: 'Gäller 191212121212' }, GUIDE, NOW)).rejects.toBeInstanceOf(
      BadRequestException,
    );
    await expect(service.create({ ...DTO, topic: 'finns.inte' }, GUIDE, NOW)).rejects.toBeInstanceOf(
      BadRequestException,
    );
    const karlskoga = { ...GUIDE, organisation: '2120001991' };
    await expect(service.create({ ...DTO, departmentId: TEKNISKA.id }, karlskoga, NOW)).rejects.toBeInstanceOf(
      NotFoundException,
    );
    expect(rows.size).toBe(0);
  });

  it('carries only what the citizen allowed for a secrecy-sensitive topic', async () => {
    const sensitive = { ...DTO, topic: 'omsorg.ekonomiskt-bistand', subject: '19121212-1212' };
    await expect(service.create(sensitive, GUIDE, NOW)).rejects.toBeInstanceOf(BadRequestException);
    const view = await service.create({ ...sensitive, citizenAllowed: ['phone'] }, GUIDE, NOW);
    expect(view.citizen).toEqual({ phone: DTO.citizen.phone });
    expect(view.subject).toBeUndefined();
    expect(rows.get(view.id)).toMatchObject({ subjectKey: null, citizen: { phone: DTO.citizen.phone } });
    expect(audited.at(-1)!.details).toMatchObject({ citizenAllowed: ['phone'] });
  });

  it('lets the department take, answer and close; the guide reads the answer', async () => {
    const { id } = await service.create(DTO, GUIDE, NOW);
    await expect(service.answer(id, TOVE, 'Lagad', NOW)).rejects.toBeInstanceOf(ConflictException);
    expect((await service.take(id, TOVE, NOW)).status).toBe('taken');
    expect((await service.answer(id, TOVE, 'Lampan byts på torsdag.', NOW)).status).toBe('answered');
    expect((await service.close(id, TOVE, undefined, NOW)).status).toBe('closed');
    expect(await service.show(id, GUIDE, NOW)).toMatchObject({
      answer: 'Lampan byts på torsdag.',
      answeredBy: 'Tove Teknik',
    });
    expect(audited.map((a) => a.outcome)).toEqual(['sent', 'taken', 'answered', 'closed']);
  });

  it('hands over within the municipality: the other department has it, the first no more', async () => {
    const { id } = await service.create(DTO, GUIDE, NOW);
    const view = await service.handOver(id, TOVE, SOCIAL.id, 'Gäller hemtjänsten', NOW);
    expect(view).toMatchObject({ department: 'Socialförvaltningen', status: 'sent' });
    expect(audited.at(-1)).toMatchObject({
      outcome: 'handed-over',
      details: expect.objectContaining({ from: TOVE.unit }),
    });
    await expect(service.take(id, TOVE, NOW)).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      service.handOver(id, TOVE, '33333333-3333-4333-8333-333333333333', undefined, NOW),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('audits each step before it commits, so that no message leaves unaudited', async () => {
    const { id } = await service.create(DTO, GUIDE, NOW);
    await service.take(id, TOVE, NOW);
    expect(journal).toEqual([
      'errand.forwarded.v1',
      'audit sent',
      'commit',
      'errand.status.v1',
      'audit taken',
      'commit',
    ]);
  });

  describe('withdrawn by the front office', () => {
    const CASEWORKER: StaffUser = { ...GUIDE, id: 'sam.soc', name: 'Sam Socialsekreterare', roles: ['caseworker'] };

    it('while unanswered, with its reason on the timeline and in the audit; the department sees it withdrawn', async () => {
      const { id } = await service.create(DTO, GUIDE, NOW);
      await service.take(id, TOVE, NOW);
      const later = new Date(NOW.getTime() + 60_000);
      const view = await service.withdraw(id, CASEWORKER, 'Invånaren har fått hjälp av grannen.', later);
      expect(view).toMatchObject({ status: 'withdrawn', statusAt: later.toISOString(), overdue: false });
      expect(repo.update).toHaveBeenLastCalledWith(
        expect.objectContaining({ id, status: 'withdrawn', department: 'Tekniska förvaltningen' }),
        {
          event: 'withdrawn',
          at: later,
          actor: { organisation: OREBRO, name: CASEWORKER.name, unit: 'Servicecenter' },
          department: 'Tekniska förvaltningen',
          note: 'Invånaren har fått hjälp av grannen.',
        },
        tx,
      );
      expect(audited.at(-1)).toMatchObject({
        kind: 'errand',
        actor: 'sam.soc',
        outcome: 'withdrawn',
        correlationId: id,
        details: expect.objectContaining({ reason: 'Invånaren har fått hjälp av grannen.' }),
      });
      expect(journal.slice(-3)).toEqual(['errand.status.v1', 'audit withdrawn', 'commit']);
      expect((await service.show(id, TOVE, later)).status).toBe('withdrawn');
    });

    it('refuses every later move, and a withdrawal of an answered errand', async () => {
      const { id } = await service.create(DTO, GUIDE, NOW);
      await service.withdraw(id, GUIDE, 'Dubblett', NOW);
      const moves = [
        () => service.take(id, TOVE, NOW),
        () => service.answer(id, TOVE, 'Svar', NOW),
        () => service.close(id, TOVE, 'Svar', NOW),
        () => service.handOver(id, TOVE, SOCIAL.id, undefined, NOW),
        () => service.withdraw(id, GUIDE, 'Igen', NOW),
      ];
      for (const move of moves) await expect(move()).rejects.toBeInstanceOf(ConflictException);
      expect(rows.get(id)!.status).toBe('withdrawn');

      const answered = (await service.create(DTO, GUIDE, NOW)).id;
      await service.take(answered, TOVE, NOW);
      await service.answer(answered, TOVE, 'Lampan är bytt.', NOW);
      await expect(service.withdraw(answered, GUIDE, 'För sent', NOW)).rejects.toBeInstanceOf(ConflictException);
      expect(audited.filter((a) => a.outcome === 'withdrawn')).toHaveLength(1);
    });

    it('only by the unit that forwarded it: the department, another unit or municipality find no errand', async () => {
      const { id } = await service.create(DTO, GUIDE, NOW);
      const others: StaffUser[] = [
        { ...GUIDE, unit: 'Medborgarkontor Vivalla' },
        { ...GUIDE, organisation: '2120001991' },
        TOVE,
        { ...GUIDE, roles: ['department'] },
      ];
      for (const user of others) {
        await expect(service.withdraw(id, user, 'Intrång', NOW)).rejects.toBeInstanceOf(NotFoundException);
      }
      expect(rows.get(id)!.status).toBe('sent');
      expect(audited.map((a) => a.outcome)).toEqual(['sent']);
    });

    it('refuses a personnummer in the reason', async () => {
      const { id } = await service.create(DTO, GUIDE, NOW);
      await expect(service.withdraw(id, GUIDE, 'Gäller 19121212-1212', NOW)).rejects.toBeInstanceOf(
        BadRequestException,
      );
      expect(rows.get(id)!.status).toBe('sent');
    });
  });

  it('hides an errand from other units, other municipalities and the wrong role', async () => {
    const { id } = await service.create(DTO, GUIDE, NOW);
    const others: StaffUser[] = [
      { ...GUIDE, unit: 'Medborgarkontor Vivalla' },
      { ...GUIDE, organisation: '2120001991' },
      { ...TOVE, organisation: '2120001991' },
      { ...GUIDE, roles: ['department'] },
      { ...TOVE, roles: ['guide'] },
    ];
    for (const user of others) await expect(service.show(id, user, NOW)).rejects.toBeInstanceOf(NotFoundException);
    await expect(service.take(id, { ...TOVE, unit: 'Socialförvaltningen' }, NOW)).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(service.show(id, TOVE, NOW)).resolves.toMatchObject({ id });
  });

  describe("a department's own system", () => {
    const SYSTEM = 'department-2120001967-tekniska-forvaltningen';
    let seq = 0;
    const status = (errandId: string, payload: Partial<ErrandStatusV1>, sender = SYSTEM): Envelope<ErrandStatusV1> => ({
      id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
      correlationId: errandId,
      type: 'errand.status.v1',
      sender: { organisation: OREBRO, service: sender },
      issuedAt: NOW.toISOString(),
      payload: {
        errandId,
        organisation: OREBRO,
        department: 'tekniska-forvaltningen',
        status: 'taken',
        at: NOW.toISOString(),
        actor: { organisation: OREBRO, name: 'Tove i ärendesystemet' },
        ...payload,
      },
    });

    it('is told of a new errand in the transaction that stores it, on its own routing key', async () => {
      const view = await service.create(DTO, GUIDE, NOW);
      expect(outbox.enqueue).toHaveBeenCalledTimes(1);
      const [inTx, exchange, key, message, options] = outbox.enqueue.mock.calls[0]!;
      expect([inTx, exchange, key, options]).toEqual([
        tx,
        'hub.referral',
        'errand.2120001967.tekniska-forvaltningen',
        { broadcast: true },
      ]);
      const payload = (message as { payload: ErrandForwardedV1 }).payload;
      expect(payload).toMatchObject({
        errandId: view.id,
        department: 'tekniska-forvaltningen',
        departmentName: 'Tekniska förvaltningen',
        forwardedBy: { organisation: OREBRO, unit: 'Servicecenter', staffId: 'anna.guide' },
        citizen: DTO.citizen,
      });
    });

    /** What the hub told departments' systems, after the errand was forwarded: routing key and status payload. */
    const told = () =>
      outbox.enqueue.mock.calls
        .filter(([, , , message]) => (message as { type: string }).type === 'errand.status.v1')
        .map(([inTx, exchange, key, message, options]) => {
          expect([inTx, exchange, options]).toEqual([tx, 'hub.referral', { broadcast: true }]);
          return { key: key as string, ...(message as { payload: ErrandStatusV1 }).payload };
        });

    it('hears of an errand handed over to its department; the department that had it hears it went', async () => {
      const { id } = await service.create(DTO, GUIDE, NOW);
      await service.handOver(id, TOVE, SOCIAL.id, 'Gäller hemtjänsten', NOW);
      const [, , key, message] = outbox.enqueue.mock.calls[2]!;
      expect(key).toBe('errand.2120001967.socialforvaltningen');
      expect((message as { payload: ErrandForwardedV1 }).payload).toMatchObject({
        department: 'socialforvaltningen',
        handedOverFrom: 'Tekniska förvaltningen',
      });
      expect(told()).toEqual([
        {
          key: 'errand.2120001967.tekniska-forvaltningen',
          errandId: id,
          organisation: OREBRO,
          department: 'tekniska-forvaltningen',
          status: 'handed-over',
          at: NOW.toISOString(),
          actor: { organisation: OREBRO, name: 'Tove Teknik' },
          note: 'Gäller hemtjänsten',
          handedOverTo: 'Socialförvaltningen',
        },
      ]);
    });

    it('hears of every move made in the inbox, with the answer the guide reads', async () => {
      const { id } = await service.create(DTO, GUIDE, NOW);
      await service.take(id, TOVE, NOW);
      await service.answer(id, TOVE, 'Lampan byts på torsdag.', NOW);
      await service.close(id, TOVE, undefined, NOW);
      const key = 'errand.2120001967.tekniska-forvaltningen';
      const actor = { organisation: OREBRO, name: 'Tove Teknik' };
      expect(told()).toEqual([
        {
          key,
          errandId: id,
          organisation: OREBRO,
          department: 'tekniska-forvaltningen',
          status: 'taken',
          at: NOW.toISOString(),
          actor,
        },
        {
          key,
          errandId: id,
          organisation: OREBRO,
          department: 'tekniska-forvaltningen',
          status: 'answered',
          at: NOW.toISOString(),
          actor,
          answer: 'Lampan byts på torsdag.',
        },
        {
          key,
          errandId: id,
          organisation: OREBRO,
          department: 'tekniska-forvaltningen',
          status: 'closed',
          at: NOW.toISOString(),
          actor,
          answer: 'Lampan byts på torsdag.',
        },
      ]);
    });

    it('hears of a withdrawal with its reason, on its errand’s key', async () => {
      const { id } = await service.create(DTO, GUIDE, NOW);
      await service.withdraw(id, GUIDE, 'Invånaren har löst det själv.', NOW);
      expect(told()).toEqual([
        expect.objectContaining({
          key: 'errand.2120001967.tekniska-forvaltningen',
          status: 'withdrawn',
          note: 'Invånaren har löst det själv.',
          actor: { organisation: OREBRO, name: 'Anna Guide' },
        }),
      ]);
    });

    it('is not told back what it reported itself', async () => {
      const { id } = await service.create(DTO, GUIDE, NOW);
      await service.recordStatuses(tx, [status(id, { status: 'taken' })]);
      expect(told()).toEqual([]);
    });

    it('may neither withdraw nor hand over, nor move a withdrawn errand: refused and audited', async () => {
      const { id } = await service.create(DTO, GUIDE, NOW);
      await service.recordStatuses(tx, [
        status(id, { status: 'withdrawn', note: 'Vi vill inte' }),
        status(id, { status: 'handed-over', handedOverTo: 'Socialförvaltningen' }),
      ]);
      expect(rows.get(id)!.status).toBe('sent');
      await service.withdraw(id, GUIDE, 'Dubblett', NOW);
      await service.recordStatuses(tx, [status(id, { status: 'taken' }), status(id, { status: 'withdrawn' })]);
      expect(rows.get(id)).toMatchObject({ status: 'withdrawn', takenBy: null });
      const refused = audited.filter((a) => a.outcome === 'refused').map((a) => a.details);
      expect(refused).toEqual([
        expect.objectContaining({
          status: 'withdrawn',
          reason: expect.stringContaining('reports taken, answered, closed'),
        }),
        expect.objectContaining({ status: 'handed-over' }),
        expect.objectContaining({ status: 'taken', reason: 'a withdrawn errand cannot be taken' }),
        expect.objectContaining({ status: 'withdrawn' }),
      ]);
    });

    it('takes, answers and closes along the lifecycle; the guide reads the answer', async () => {
      const { id } = await service.create(DTO, GUIDE, NOW);
      await service.recordStatuses(tx, [
        status(id, { status: 'taken' }),
        status(id, { status: 'answered', answer: 'Lampan byts på fredag.' }),
        status(id, { status: 'answered', answer: 'Lampan byts på fredag.' }),
        status(id, { status: 'closed' }),
      ]);
      expect(await service.show(id, GUIDE, NOW)).toMatchObject({
        status: 'closed',
        answer: 'Lampan byts på fredag.',
        answeredBy: 'Tove i ärendesystemet',
        takenBy: 'Tove i ärendesystemet',
      });
      expect(audited.filter((a) => a.actorKind === 'service').map((a) => a.outcome)).toEqual([
        'taken',
        'answered',
        'closed',
      ]);
    });

    it("refuses another department's system, a skipped step and an answer without text, changing nothing", async () => {
      const { id } = await service.create(DTO, GUIDE, NOW);
      await service.recordStatuses(tx, [
        status(id, { department: 'socialforvaltningen' }, 'department-2120001967-socialforvaltningen'),
        status(id, { status: 'answered', answer: 'Klart.' }),
        status(id, { status: 'taken', actor: { organisation: '2120001991', name: 'Någon' } }),
      ]);
      await service.recordStatuses(tx, [status(id, { status: 'taken' }), status(id, { status: 'answered' })]);
      expect(rows.get(id)).toMatchObject({ status: 'taken', answer: null });
      expect(audited.filter((a) => a.outcome === 'refused')).toHaveLength(4);
      expect(repo.update).toHaveBeenCalledTimes(1);
    });
  });
});
