import { jest } from '@jest/globals';
import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import { EXCHANGES, routingKeys, type Envelope, type ReferralStatus, type ReferralStatusV1 } from '@hub/contracts';
import type { Queryable, Transactions } from '@hub/database';
import type { PgOutbox } from '@hub/messaging';
import type { Consent, ReferralDecision } from '@hub/policy';
import type { StaffUser } from '../auth/staff-user.js';
import type { CatalogueService } from '../catalogue/catalogue.service.js';
import { Subjects } from '../core/subjects.js';
import type { HubMetrics } from '../metrics/hub-metrics.js';
import type { ReferralPolicy } from './referral-policy.js';
import type { ContactService } from '../contacts/contact.service.js';
import type { CreateReferralDto } from './referral.dto.js';
import type { NewReferral, Referral, ReferralRepository } from './referral.repository.js';
import { ReferralService } from './referral.service.js';

const NOW = new Date('2026-03-02T09:00:00Z');
const AGREEMENT = { id: '7d1e3c52-6f3a-4b8e-9a51-0c2d4e5f6a7b', version: 3 };
const GUIDE: StaffUser = {
  id: 'anna.guide',
  name: 'Anna Guide',
  organisation: '2120001967',
  unit: 'Servicecenter',
  roles: ['guide'],
};
const CONSENT: Consent = {
  id: '0b7a9f5e-3c1d-4e2f-8a6b-9c0d1e2f3a4b',
  subject: 'key:191212121212',
  organisation: GUIDE.organisation,
  unit: GUIDE.unit!,
  purposes: ['etablering'],
  agencies: ['af'],
  categories: [],
  method: 'in-person-written',
  recordedBy: 'anna.guide',
  validFrom: '2026-01-01',
  validUntil: '2026-12-31',
};
const DTO: CreateReferralDto = {
  subject: '191212121212',
  agency: 'af',
  referralType: 'etableringsinsats',
  purpose: 'etablering',
  message: 'Behöver stöd att komma i arbete',
  contactPreference: 'phone',
};

const allow = (over: Partial<ReferralDecision> = {}): ReferralDecision => ({
  agency: 'af',
  referralType: DTO.referralType,
  status: 'allow',
  reason: undefined,
  rule: undefined,
  agreement: AGREEMENT,
  consentId: CONSENT.id,
  legalBasis: undefined,
  consentProblem: undefined,
  ...over,
});

function referral(over: Partial<Referral> = {}): Referral {
  return {
    id: 'a3c5e7f9-1b2d-4f6a-8c0e-2a4c6e8f0a1b',
    subjectKey: 'key:191212121212',
    subjectMasked: '19121212-****',
    agency: 'af',
    referralType: DTO.referralType,
    purpose: 'etablering',
    message: DTO.message,
    contactPreference: 'phone',
    consentId: CONSENT.id,
    agreementId: AGREEMENT.id,
    agreementVersion: AGREEMENT.version,
    organisation: GUIDE.organisation,
    unit: GUIDE.unit!,
    createdBy: GUIDE.id,
    createdAt: new Date('2026-03-01T09:00:00Z'),
    respondBy: new Date('2026-03-06T09:00:00Z'),
    status: 'sent',
    statusAt: new Date('2026-03-01T09:00:00Z'),
    ...over,
  };
}

let messageSeq = 0;
function statusEvent(
  of: Referral,
  status: ReferralStatus,
  over: { service?: string; organisation?: string; actorOrganisation?: string; agency?: string; id?: string } = {},
): Envelope<ReferralStatusV1> {
  const organisation = over.organisation ?? '2021005026';
  return {
    id: over.id ?? `00000000-0000-4000-8000-${String(++messageSeq).padStart(12, '0')}`,
    correlationId: of.id,
    type: 'referral.status.v1',
    sender: { service: over.service ?? 'adapter-af', organisation },
    issuedAt: NOW.toISOString(),
    payload: {
      referralId: of.id.toUpperCase(),
      agency: over.agency ?? of.agency,
      status,
      at: '2026-03-02T09:59:00+01:00',
      actor: { organisation: over.actorOrganisation ?? organisation, name: 'Arbetsförmedlingen' },
    },
  } as Envelope<ReferralStatusV1>;
}

describe('ReferralService', () => {
  const tx: Queryable = { query: jest.fn() as Queryable['query'] };
  let stored: Referral[];
  let repo: { [K in keyof ReferralRepository]: jest.Mock<any> };
  let policy: { decide: jest.Mock<any> };
  let outbox: { enqueue: jest.Mock<any>; enqueueMany: jest.Mock<any> };
  let audited: AuditEntryInput[];
  let transactions: { run: jest.Mock<any> };
  let audit: {
    append: jest.Mock<any>;
    subjectKey: (personnummer: string) => string;
    subjectKeysOf: (personnummer: string) => string[];
  };
  let service: ReferralService;

  beforeEach(() => {
    stored = [];
    audited = [];
    repo = {
      insertMany: jest.fn(async (referrals: NewReferral[]) => void stored.push(...referrals.map((r) => r.referral))),
      list: jest.fn(async () => []),
      findOfUnit: jest.fn(async () => undefined),
      statusOf: jest.fn(async () => undefined),
      lock: jest.fn(async () => undefined),
      lockMany: jest.fn(async () => []),
      setStatus: jest.fn(async () => undefined),
      setStatuses: jest.fn(async () => undefined),
      timeline: jest.fn(async () => []),
      recordedMessages: jest.fn(async () => new Set<string>()),
      insertEvents: jest.fn(async () => undefined),
    };
    policy = { decide: jest.fn(async () => ({ decision: allow(), consents: [CONSENT] })) };
    outbox = { enqueue: jest.fn(async () => 'm1'), enqueueMany: jest.fn(async () => ['m1']) };
    transactions = { run: jest.fn((work: (tx: Queryable) => Promise<unknown>) => work(tx)) };
    audit = {
      append: jest.fn(async (entry: AuditEntryInput) => void audited.push(entry)),
      subjectKey: (personnummer: string) => `key:${personnummer}`,
      subjectKeysOf: (personnummer: string) => [`key:${personnummer}`],
    };
    const catalogues = {
      catalogue: () => ({ referralTypes: [{ code: DTO.referralType, responseTimeHours: 48 }] }),
    };
    service = new ReferralService(
      repo as unknown as ReferralRepository,
      transactions as unknown as Transactions,
      new Subjects(audit as unknown as AuditLog),
      policy as unknown as ReferralPolicy,
      catalogues as unknown as CatalogueService,
      outbox as unknown as PgOutbox,
      audit as unknown as AuditLog,
      { recordReferralCreated: jest.fn(), recordReferralStatus: jest.fn() } as unknown as HubMetrics,
      { assertLinkable: jest.fn() } as unknown as ContactService,
    );
  });

  describe('create', () => {
    it('asks the policy as the staff member of their unit, about the keyed subject', async () => {
      await service.create(DTO, GUIDE, NOW);
      expect(policy.decide).toHaveBeenCalledWith(
        { organisation: GUIDE.organisation, unit: GUIDE.unit, roles: GUIDE.roles },
        {
          subject: 'key:191212121212',
          purpose: 'etablering',
          agency: 'af',
          referralType: DTO.referralType,
          consentId: undefined,
        },
        NOW,
        ['key:191212121212'],
      );
    });

    it('stores the referral and its message to the agency in one transaction, and audits it as sent', async () => {
      const view = await service.create(DTO, GUIDE, NOW);

      expect(transactions.run).toHaveBeenCalledTimes(1);
      expect(repo.insertMany).toHaveBeenCalledWith([expect.objectContaining({ legalBasis: null })], tx);
      expect(stored[0]).toMatchObject({
        subjectKey: 'key:191212121212',
        agency: 'af',
        consentId: CONSENT.id,
        agreementId: AGREEMENT.id,
        agreementVersion: 3,
        organisation: GUIDE.organisation,
        unit: GUIDE.unit,
        status: 'sent',
        // the catalogue's response time for the referral type
        respondBy: new Date('2026-03-04T09:00:00Z'),
      });
      expect(stored[0].subjectMasked).not.toContain('1212121212');
      const [sentIn, messages] = outbox.enqueueMany.mock.calls[0] as [Queryable, any[]];
      expect(sentIn).toBe(tx);
      expect(messages[0]).toMatchObject({
        exchange: EXCHANGES.referral,
        routingKey: routingKeys.referral('af', DTO.referralType),
        message: {
          type: 'referral.created.v1',
          correlationId: view.id,
          agreement: AGREEMENT,
          payload: {
            subject: '191212121212',
            consentId: CONSENT.id,
            consent: { id: CONSENT.id, unit: GUIDE.unit },
            requester: { organisation: GUIDE.organisation, unit: GUIDE.unit, staffId: GUIDE.id },
          },
        },
      });
      expect(audited).toEqual([
        expect.objectContaining({
          kind: 'referral',
          outcome: 'sent',
          actor: GUIDE.id,
          subjectKey: 'key:191212121212',
          correlationId: view.id,
        }),
      ]);
      expect(view).toMatchObject({ status: 'sent', overdue: false, timeline: [{ status: 'sent' }] });
    });

    it('sends a referral relying on the legal basis without a consent', async () => {
      const legalBasis = { reference: 'SFS 2001:453 11 kap. 11 §' };
      policy.decide.mockImplementation(async () => ({
        decision: allow({ consentId: undefined, legalBasis }),
        consents: [],
      }));
      await service.create(DTO, GUIDE, NOW);
      expect(repo.insertMany).toHaveBeenCalledWith([expect.objectContaining({ legalBasis })], tx);
      const payload = (outbox.enqueueMany.mock.calls[0] as [Queryable, any[]])[1][0].message.payload;
      expect(payload.legalBasis).toEqual(legalBasis);
      expect(payload).not.toHaveProperty('consent');
    });

    it('refuses a policy denial with 403 and its reason, audits it as denied, and stores nothing', async () => {
      policy.decide.mockImplementation(async () => ({
        decision: allow({
          status: 'deny',
          reason: 'consent-missing',
          rule: 'referral-needs-consent-or-legal-basis',
          consentProblem: 'consent-given-to-unit',
        }),
        consents: [],
      }));
      const refusal = await service.create(DTO, GUIDE, NOW).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(ForbiddenException);
      expect((refusal as ForbiddenException).getResponse()).toMatchObject({
        error: 'consent-missing',
        details: { consentProblem: 'consent-given-to-unit' },
      });
      expect(audited).toEqual([
        expect.objectContaining({ outcome: 'denied', details: expect.objectContaining({ reason: 'consent-missing' }) }),
      ]);
      expect(repo.insertMany).not.toHaveBeenCalled();
      expect(outbox.enqueueMany).not.toHaveBeenCalled();
    });

    it('refuses a staff member without a unit before asking the policy', async () => {
      const { unit: _, ...agencyStaff } = GUIDE;
      await expect(service.create(DTO, agencyStaff, NOW)).rejects.toMatchObject({
        response: { error: 'no-unit' },
      });
      expect(policy.decide).not.toHaveBeenCalled();
    });

    it('fails only the referral the database refuses when referrals are stored together', async () => {
      repo.insertMany.mockImplementation(async (referrals: NewReferral[]) => {
        if (referrals.some((r) => r.referral.message === 'refused')) throw new Error('check constraint');
        stored.push(...referrals.map((r) => r.referral));
      });
      const [good, bad] = await Promise.allSettled([
        service.create(DTO, GUIDE, NOW),
        service.create({ ...DTO, message: 'refused' }, GUIDE, NOW),
      ]);
      expect(good.status).toBe('fulfilled');
      expect(bad).toMatchObject({ status: 'rejected', reason: new Error('check constraint') });
      expect(stored.map((r) => r.message)).toEqual([DTO.message]);
      // each audited before it was stored; the one refused then gets an error entry beside its sent
      expect(audited.map((a) => [a.outcome, a.correlationId])).toEqual([
        ['sent', expect.any(String)],
        ['sent', expect.any(String)],
        ['error', audited[1].correlationId],
      ]);
    });

    it('stores nothing and sends nothing when the sent entry cannot be audited', async () => {
      audit.append.mockRejectedValueOnce(new Error('audit down') as never);
      await expect(service.create(DTO, GUIDE, NOW)).rejects.toThrow('audit down');
      expect(repo.insertMany).not.toHaveBeenCalled();
      expect(outbox.enqueueMany).not.toHaveBeenCalled();
    });
  });

  describe('show, list and cancel', () => {
    it("answers 404 for a referral of another unit, as for one that does not exist, and looks in the caller's unit only", async () => {
      await expect(service.show(referral().id, GUIDE, NOW)).rejects.toBeInstanceOf(NotFoundException);
      await expect(service.cancel(referral().id, GUIDE, undefined, NOW)).rejects.toBeInstanceOf(NotFoundException);
      expect(repo.findOfUnit).toHaveBeenCalledWith(referral().id, GUIDE.organisation, GUIDE.unit);
      expect(transactions.run).not.toHaveBeenCalled();
    });

    it('shows the timeline with the agency’s reported time beside the hub’s', async () => {
      repo.findOfUnit.mockImplementation(async () => referral({ status: 'received' }));
      repo.timeline.mockImplementation(async () => [
        {
          status: 'sent',
          at: new Date('2026-03-01T09:00:00Z'),
          actor: { organisation: GUIDE.organisation },
          note: null,
          reportedAt: null,
        },
        {
          status: 'received',
          at: new Date('2026-03-01T10:00:00Z'),
          actor: { organisation: '2021005026' },
          note: 'Mottagen',
          reportedAt: new Date('2026-03-01T09:59:00Z'),
        },
      ]);
      const view = await service.show(referral().id, GUIDE, NOW);
      expect(view.timeline).toEqual([
        { status: 'sent', at: '2026-03-01T09:00:00.000Z', actor: { organisation: GUIDE.organisation } },
        {
          status: 'received',
          at: '2026-03-01T10:00:00.000Z',
          actor: { organisation: '2021005026' },
          note: 'Mottagen',
          reportedAt: '2026-03-01T09:59:00.000Z',
        },
      ]);
    });

    it('lists with the filters and marks unanswered referrals past their response time overdue', async () => {
      repo.list.mockImplementation(async () => [
        referral({ respondBy: new Date('2026-03-01T12:00:00Z') }),
        referral({ status: 'accepted', respondBy: new Date('2026-03-01T12:00:00Z') }),
      ]);
      const views = await service.list({ subject: '191212121212', overdue: true }, GUIDE, NOW);
      expect(repo.list).toHaveBeenCalledWith({
        organisation: GUIDE.organisation,
        unit: GUIDE.unit,
        status: null,
        agency: null,
        subjectKeys: ['key:191212121212'],
        overdue: true,
        now: NOW,
      });
      expect(views.map((v) => v.overdue)).toEqual([true, false]);
    });

    it('withdraws an unfinished referral and tells the agency, in one transaction', async () => {
      const open = referral({ status: 'accepted' });
      repo.findOfUnit.mockImplementation(async () => open);
      repo.lock.mockImplementation(async () => open);
      await service.cancel(open.id, GUIDE, undefined, NOW);

      expect(repo.setStatus).toHaveBeenCalledWith(open.id, 'cancelled', NOW, tx);
      expect(repo.insertEvents).toHaveBeenCalledWith(
        [
          {
            referralId: open.id,
            status: 'cancelled',
            at: NOW,
            actor: { organisation: GUIDE.organisation, name: GUIDE.name },
            note: 'Återkallad av kommunen',
          },
        ],
        tx,
      );
      expect(outbox.enqueue).toHaveBeenCalledWith(
        tx,
        EXCHANGES.referral,
        routingKeys.referral('af', DTO.referralType),
        expect.objectContaining({
          type: 'referral.status.v1',
          correlationId: open.id,
          agreement: AGREEMENT,
          payload: expect.objectContaining({ status: 'cancelled', note: 'Återkallad av kommunen' }),
        }),
      );
      expect(audited).toEqual([expect.objectContaining({ outcome: 'cancelled', subjectKey: open.subjectKey })]);
    });

    it('refuses to withdraw a referral the agency has finished, with 409, and changes nothing', async () => {
      repo.findOfUnit.mockImplementation(async () => referral());
      // the status as locked in the transaction counts, not the one read before it
      repo.lock.mockImplementation(async () => referral({ status: 'closed' }));
      await expect(service.cancel(referral().id, GUIDE, 'Fel person', NOW)).rejects.toMatchObject({
        response: { error: 'referral-finished' },
      });
      await expect(service.cancel(referral().id, GUIDE, 'Fel person', NOW)).rejects.toBeInstanceOf(ConflictException);
      expect(repo.setStatus).not.toHaveBeenCalled();
      expect(outbox.enqueue).not.toHaveBeenCalled();
      expect(audited).toEqual([]);
    });
  });

  describe('status events from the agencies', () => {
    const sent = referral();

    beforeEach(() => {
      repo.lockMany.mockImplementation(async () => [sent]);
    });

    it('moves the referral along the lifecycle, dated by the hub’s clock, the agency’s time kept', async () => {
      const received = statusEvent(sent, 'received');
      const accepted = statusEvent(sent, 'accepted');
      await service.recordStatuses(tx, [received, accepted], NOW);

      expect(repo.lockMany).toHaveBeenCalledWith([sent.id], tx);
      expect(repo.insertEvents).toHaveBeenCalledWith(
        [
          expect.objectContaining({ referralId: sent.id, status: 'received', at: NOW, messageId: received.id }),
          expect.objectContaining({ status: 'accepted', reportedAt: '2026-03-02T09:59:00+01:00' }),
        ],
        tx,
      );
      expect(repo.setStatuses).toHaveBeenCalledWith([{ id: sent.id, status: 'accepted', at: NOW }], tx);
      expect(audited.map((a) => [a.outcome, a.actor, a.subjectKey])).toEqual([
        ['received', 'adapter-af', sent.subjectKey],
        ['accepted', 'adapter-af', sent.subjectKey],
      ]);
    });

    it('records an event it has recorded before neither again nor audits it again', async () => {
      const received = statusEvent(sent, 'received');
      repo.recordedMessages.mockImplementation(async () => new Set([received.id]));
      await service.recordStatuses(tx, [received], NOW);
      expect(repo.insertEvents).toHaveBeenCalledWith([], tx);
      expect(repo.setStatuses).toHaveBeenCalledWith([], tx);
      expect(audited).toEqual([]);
    });

    it('keeps a late `received` on the timeline without moving the referral back', async () => {
      repo.lockMany.mockImplementation(async () => [referral({ status: 'accepted' })]);
      await service.recordStatuses(tx, [statusEvent(sent, 'received')], NOW);
      expect(repo.insertEvents).toHaveBeenCalledWith([expect.objectContaining({ status: 'received' })], tx);
      expect(repo.setStatuses).toHaveBeenCalledWith([], tx);
    });

    it.each([
      ['a status off the lifecycle', 'invalid-transition', statusEvent(sent, 'closed'), true],
      [
        'another agency',
        'not-the-referrals-agency',
        statusEvent(sent, 'received', { service: 'adapter-fk', agency: 'fk' }),
        false,
      ],
      [
        'an agency naming another agency',
        'not-the-referrals-agency',
        statusEvent(sent, 'received', { agency: 'fk' }),
        true,
      ],
      [
        'an actor of another organisation than the sender',
        'actor-not-the-sender',
        statusEvent(sent, 'received', { actorOrganisation: '2120001967' }),
        true,
      ],
      [
        'an unknown referral',
        'unknown-referral',
        statusEvent(referral({ id: 'ffffffff-1b2d-4f6a-8c0e-2a4c6e8f0a1b' }), 'received'),
        false,
      ],
    ])('refuses %s, changes nothing and audits the refusal', async (_, reason, envelope, namesSubject) => {
      await service.recordStatuses(tx, [envelope], NOW);
      expect(repo.insertEvents).toHaveBeenCalledWith([], tx);
      expect(repo.setStatuses).toHaveBeenCalledWith([], tx);
      expect(audited).toEqual([
        expect.objectContaining({
          outcome: 'refused',
          actor: envelope.sender.service,
          correlationId: envelope.payload.referralId,
          // only the referral's own agency touched the person's data
          subjectKey: namesSubject ? sent.subjectKey : null,
          details: expect.objectContaining({ reason, messageId: envelope.id }),
        }),
      ]);
    });
  });
});
