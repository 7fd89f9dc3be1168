import { HttpException } from '@nestjs/common';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import type { StaffUser } from '../auth/staff-user.js';
import type { ErrandService } from '../errands/errand.service.js';
import type { MunicipalTopicRules } from '../errands/topic-rules.js';
import type { RegisterComplaintDto } from './complaint.dto.js';
import type { Complaint, ComplaintRepository, StoredComplaint } from './complaint.repository.js';
import { ComplaintService } from './complaint.service.js';

const OREBRO = '2120001967';
const GUIDE: StaffUser = { id: 'anna', name: 'Anna', organisation: OREBRO, unit: 'Servicecenter', roles: ['guide'] };
const NOW = new Date('2026-03-02T09:00:00Z');
const DEPARTMENT = '7f0c6a7e-4b8e-4f0e-9a57-1f6c1b2a3c4d';

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HttpException) return (err.getResponse() as { error: string }).error;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('ComplaintService', () => {
  let stored: StoredComplaint[];
  let audited: AuditEntryInput[];
  let forwarded: unknown[];
  let service: ComplaintService;

  beforeEach(() => {
    stored = [];
    audited = [];
    forwarded = [];
    const repository = {
      insert: async (c: Complaint) => void stored.push({ ...c, topicName: 'Snöröjning' }),
      find: async (o: string, u: string, id: string) =>
        stored.find((c) => c.organisation === o && c.unit === u && c.id === id),
      list: async () => stored,
      answer: async (id: string, answer: string, by: string, at: Date) => {
        const c = stored.find((x) => x.id === id && x.status === 'open' && !x.errandId);
        if (!c) return false;
        Object.assign(c, { status: 'answered', answer, answeredBy: by, answeredAt: at });
        return true;
      },
      counts: async () => ({
        byTopic: [
          { topic: 'gata-park.snorojning', topicName: 'Snöröjning', kind: 'klagomal', count: 6 },
          { topic: 'skola.skolskjuts', topicName: 'Skolskjuts', kind: 'synpunkt', count: 2 },
        ],
        byParty: [
          {
            partyKind: 'department',
            party: 'Tekniska förvaltningen',
            partyName: 'Tekniska förvaltningen',
            kind: 'klagomal',
            count: 6,
            answered: 5,
            overdue: 1,
          },
          {
            partyKind: 'centre',
            party: 'Servicecenter',
            partyName: 'Servicecenter',
            kind: 'synpunkt',
            count: 2,
            answered: 0,
            overdue: 0,
          },
        ],
      }),
      agency: async (n: string) => (n === '2021005521' ? { number: n, name: 'Försäkringskassan' } : undefined),
    };
    const errands = {
      create: async (dto: { departmentId: string }) => {
        forwarded.push(dto);
        if (dto.departmentId !== DEPARTMENT) throw Object.assign(new HttpException({ error: 'not-found' }, 404));
        return {
          id: 'e1',
          department: 'Tekniska förvaltningen',
          respondBy: '2026-03-03T09:00:00.000Z',
          citizen: { phone: '070-123 45 67' },
        };
      },
    };
    const topics = {
      of: async (_o: string, code: string) =>
        code === 'gata-park.snorojning'
          ? { code, name: 'Snöröjning', responseHours: 24, secrecySensitive: false }
          : code === 'omsorg.fardtjanst'
            ? { code, name: 'Färdtjänst', responseHours: 120, secrecySensitive: true }
            : undefined,
    };
    const audit = { append: async (e: AuditEntryInput) => void audited.push(e) } as unknown as AuditLog;
    service = new ComplaintService(
      repository as unknown as ComplaintRepository,
      errands as unknown as ErrandService,
      topics as unknown as MunicipalTopicRules,
      audit,
    );
  });

  const dto = (extra: Partial<RegisterComplaintDto> = {}): RegisterComplaintDto => ({
    kind: 'klagomal',
    channel: 'telefon',
    topic: 'gata-park.snorojning',
    text: 'Gatan plogades inte på tre dagar.',
    party: { kind: 'centre' },
    wantsAnswer: false,
    ...extra,
  });

  it('routes a department’s complaint as an errand and takes its deadline; audits the registration', async () => {
    const view = await service.register(
      dto({
        party: { kind: 'department', departmentId: DEPARTMENT },
        wantsAnswer: true,
        citizen: { phone: '070-123 45 67' },
        preferredChannel: 'phone',
      }),
      GUIDE,
      NOW,
    );
    expect(forwarded).toEqual([
      expect.objectContaining({
        topic: 'gata-park.snorojning',
        departmentId: DEPARTMENT,
        message: 'Klagomål (svar önskas): Gatan plogades inte på tre dagar.',
        preferredChannel: 'phone',
      }),
    ]);
    expect(view).toMatchObject({
      party: { kind: 'department', name: 'Tekniska förvaltningen' },
      errandId: 'e1',
      respondBy: '2026-03-03T09:00:00.000Z',
      status: 'open',
    });
    expect(audited).toEqual([
      expect.objectContaining({ kind: 'complaint', outcome: 'registered', subjectKey: null, correlationId: view.id }),
    ]);
    await expect(refusal(service.answer(view.id, 'Svar', GUIDE, NOW))).resolves.toBe('invalid-transition');
  });

  it('passes a secrecy-sensitive topic only the details the citizen gave for the answer', async () => {
    await service.register(
      dto({
        topic: 'omsorg.fardtjanst',
        party: { kind: 'department', departmentId: DEPARTMENT },
        wantsAnswer: true,
        citizen: { name: 'Eva' },
        preferredChannel: 'letter',
      }),
      GUIDE,
      NOW,
    );
    expect(forwarded[0]).toMatchObject({ citizenAllowed: ['name'], citizen: { name: 'Eva' } });
  });

  it('keeps the centre’s own and an agency’s with the centre, with the topic’s response time, answered once', async () => {
    const own = await service.register(dto(), GUIDE, NOW);
    expect(own).toMatchObject({
      party: { kind: 'centre', id: 'Servicecenter' },
      respondBy: '2026-03-03T09:00:00.000Z',
    });
    const fk = await service.register(
      dto({ kind: 'synpunkt', party: { kind: 'agency', agency: '2021005521' } }),
      GUIDE,
    );
    expect(fk.party).toEqual({ kind: 'agency', id: '2021005521', name: 'Försäkringskassan' });
    expect(forwarded).toEqual([]);
    await expect(service.answer(own.id, 'Vi har pratat med entreprenören.', GUIDE, NOW)).resolves.toMatchObject({
      status: 'answered',
      answeredBy: 'Anna',
    });
    await expect(refusal(service.answer(own.id, 'Igen', GUIDE, NOW))).resolves.toBe('invalid-transition');
    expect(audited.map((a) => a.outcome)).toEqual(['registered', 'registered', 'answered']);
    await expect(
      refusal(service.register(dto({ party: { kind: 'agency', agency: '2120001967' } }), GUIDE)),
    ).resolves.toBe('unknown-party');
  });

  it('refuses a personnummer in the text, contact details without a wish for an answer, and an unknown topic', async () => {
    await expect(refusal(service.register(dto({ text: 'Gäller 19121212-1212' }), GUIDE))).resolves.toBe(
      'personnummer-in-text',
    );
    await expect(refusal(service.register(dto({ citizen: { name: 'Eva' } }), GUIDE))).resolves.toBe('invalid-request');
    await expect(refusal(service.register(dto({ wantsAnswer: true }), GUIDE))).resolves.toBe('invalid-request');
    await expect(refusal(service.register(dto({ topic: 'gata-park.finns-inte' }), GUIDE))).resolves.toBe(
      'unknown-topic',
    );
    expect(stored).toEqual([]);
    expect(audited).toEqual([]);
  });

  it('shows a complaint to its own unit only: another’s is 404, and a unit is needed', async () => {
    const { id } = await service.register(dto(), GUIDE, NOW);
    await expect(refusal(service.show(id, { ...GUIDE, unit: 'Medborgarkontor Vivalla' }))).resolves.toBe('not-found');
    await expect(refusal(service.answer(id, 'x', { ...GUIDE, organisation: '2120001991' }))).resolves.toBe('not-found');
    await expect(refusal(service.list({ ...GUIDE, unit: undefined }))).resolves.toBe('no-unit');
  });

  it('counts by topic and party with every count of 1 to 4 suppressed, zero shown', async () => {
    const view = await service.counts({ from: '2026-03-01', to: '2026-03-02' }, { ...GUIDE, roles: ['manager'] }, NOW);
    expect(view.smallNumberThreshold).toBe(5);
    expect(view.total).toBe(8);
    // 8 − 6 would give the 2 back: the 6 are hidden as well (secondary suppression), and listed as such
    expect(view.byTopic.map((t) => [t.topic, t.count])).toEqual([
      ['gata-park.snorojning', null],
      ['skola.skolskjuts', null],
    ]);
    expect(view.byParty.map((p) => [p.party, p.count, p.answered, p.overdue])).toEqual([
      ['Tekniska förvaltningen', null, 5, null],
      ['Servicecenter', null, 0, 0],
    ]);
    expect(view.secondarySuppressed).toEqual(['byTopic.0.count', 'byParty.0.count']);
  });
});
