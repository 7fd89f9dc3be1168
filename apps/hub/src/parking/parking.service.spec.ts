import { jest } from '@jest/globals';
import { NotFoundException } from '@nestjs/common';
import type * as amqp from 'amqplib';
import type { AuditEntryInput, AuditLog } from '@hub/audit';
import { EXCHANGES, HEADERS } from '@hub/contracts';
import type { Queryable, Transactions } from '@hub/database';
import type { MessagingClient } from '@hub/messaging';
import type { ReferralDecision } from '@hub/policy';
import type { StaffUser } from '../auth/staff-user.js';
import type { HubConfig } from '../config/hub.config.js';
import { Subjects } from '../core/subjects.js';
import type { ReferralPolicy } from '../referrals/referral-policy.js';
import type { ReferralRepository } from '../referrals/referral.repository.js';
import type { NewParkedMessage, ParkedMessage, ParkingRepository } from './parking.repository.js';
import { ParkingService } from './parking.service.js';

const NOW = new Date('2026-03-02T09:00:00Z');
const ADMIN: StaffUser = { id: 'ada.admin', name: 'Ada', organisation: '2120001967', roles: ['admin'] };
const AGREEMENT = { id: '7d1e3c52-6f3a-4b8e-9a51-0c2d4e5f6a7b', version: 3 };
const REFERRAL_ID = 'a3c5e7f9-1b2d-4f6a-8c0e-2a4c6e8f0a1b';
const REQUESTER = { organisation: '2120001967', unit: 'Servicecenter', staffId: 'anna.guide', roles: ['guide'] };

const referralEnvelope = (over: Record<string, unknown> = {}) => ({
  id: '11111111-2222-4333-8444-555555555555',
  correlationId: REFERRAL_ID,
  type: 'referral.created.v1',
  sender: { service: 'hub', organisation: '2120001967' },
  issuedAt: '2026-03-01T09:00:00Z',
  purpose: 'etablering',
  agreement: AGREEMENT,
  payload: {
    referralId: REFERRAL_ID,
    agency: 'af',
    referralType: 'etableringsinsats',
    subject: '191212121212',
    message: 'Behöver stöd',
    contactPreference: 'phone',
    requester: REQUESTER,
    respondBy: '2026-03-06T09:00:00Z',
  },
  ...over,
});

function parked(over: Partial<ParkedMessage> & { envelope?: unknown; signature?: string } = {}): ParkedMessage {
  const { envelope = referralEnvelope(), signature = 'signed-by:hub', ...rest } = over;
  return {
    id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
    queue: 'q.adapter-af.referrals',
    messageId: 'msg-1',
    type: 'referral.created.v1',
    correlationId: REFERRAL_ID,
    sender: 'hub',
    parkedBy: 'adapter-af',
    reason: 'the policy refused 191212121212',
    parkedAt: new Date('2026-03-01T10:00:00Z'),
    collectedAt: new Date('2026-03-01T10:00:01Z'),
    properties: {
      messageId: 'msg-1',
      type: 'referral.created.v1',
      contentType: 'application/json',
      headers: {
        [HEADERS.signature]: signature,
        [HEADERS.parkedReason]: 'the policy refused',
        [HEADERS.parkedAt]: '2026-03-01T10:00:00Z',
        'x-death': [{ queue: 'q.adapter-af.referrals' }],
        'x-trace': 'kept',
      },
    } as unknown as amqp.MessageProperties,
    content: Buffer.from(typeof envelope === 'string' ? envelope : JSON.stringify(envelope)),
    state: 'parked',
    resolvedAt: null,
    resolvedBy: null,
    ...rest,
  };
}

const allow = (over: Partial<ReferralDecision> = {}): ReferralDecision => ({
  agency: 'af',
  referralType: 'etableringsinsats',
  status: 'allow',
  reason: undefined,
  rule: undefined,
  agreement: AGREEMENT,
  consentId: undefined,
  legalBasis: undefined,
  consentProblem: undefined,
  ...over,
});

describe('ParkingService', () => {
  const tx: Queryable = { query: jest.fn() as Queryable['query'] };
  let repo: { [K in keyof ParkingRepository]: jest.Mock<any> };
  let referrals: { statusOf: jest.Mock<any> };
  let policy: { decide: jest.Mock<any> };
  let publish: jest.Mock<any>;
  let audited: AuditEntryInput[];
  let connect: (connection: amqp.ChannelModel) => Promise<void>;
  let service: ParkingService;

  beforeEach(() => {
    audited = [];
    repo = {
      insert: jest.fn(async () => undefined),
      list: jest.fn(async () => []),
      parkedPerQueue: jest.fn(async () => new Map()),
      find: jest.fn(async () => undefined),
      lock: jest.fn(async () => parked()),
      markReplayed: jest.fn(async () => undefined),
      discard: jest.fn(async () => undefined),
    };
    referrals = { statusOf: jest.fn(async () => 'sent') };
    policy = { decide: jest.fn(async () => ({ decision: allow(), consents: [] })) };
    publish = jest.fn(async () => undefined);
    const messaging = {
      codec: {
        identity: { service: 'hub' },
        trustedServices: ['hub', 'adapter-fk', 'adapter-af'],
        // the fake signature names its signer; anything else holds for nobody
        signedBy: (_: Buffer, signature: unknown) =>
          typeof signature === 'string' && signature.startsWith('signed-by:') ? signature.slice(10) : undefined,
      },
      consumeConnection: {
        onConnect: async (callback: typeof connect) => void (connect = callback),
      },
      publisher: { publish },
    };
    const audit = {
      append: jest.fn(async (entry: AuditEntryInput) => void audited.push(entry)),
      subjectKey: (personnummer: string) => `key:${personnummer}`,
      subjectKeysOf: (personnummer: string) => [`key:${personnummer}`],
    };
    service = new ParkingService(
      repo as unknown as ParkingRepository,
      referrals as unknown as ReferralRepository,
      policy as unknown as ReferralPolicy,
      { run: (work: (tx: Queryable) => Promise<unknown>) => work(tx) } as unknown as Transactions,
      { parkingLotPollMs: 60_000 } as HubConfig,
      messaging as unknown as MessagingClient,
      audit as unknown as AuditLog,
      new Subjects(audit as unknown as AuditLog),
    );
  });

  it("collects the hub's queues and each agency adapter's, not the hub's own as an adapter", () => {
    expect(service.collectedQueues).toContain('q.hub.events');
    expect(service.collectedQueues).toEqual(
      expect.arrayContaining(['q.adapter-af.referrals', 'q.adapter-fk.queries', 'q.adapter-fk.events']),
    );
    expect(service.collectedQueues).not.toContain('q.hub.referrals');
  });

  describe('collecting', () => {
    function broker(messages: Record<string, Array<Partial<amqp.GetMessage>>>) {
      const acked: unknown[] = [];
      const channel = {
        on: () => undefined,
        get: async (queue: string) => messages[queue]?.shift() ?? false,
        ack: (message: unknown) => acked.push(message),
        close: async () => undefined,
      };
      return { connection: { createChannel: async () => channel } as unknown as amqp.ChannelModel, acked };
    }

    it('takes provenance from what the broker stamped and the signature, never from a header of the parker', async () => {
      const hubParked = {
        content: Buffer.from('not json'),
        properties: {
          messageId: 'm-1',
          userId: 'hub',
          headers: { [HEADERS.originalUser]: 'adapter-fk', [HEADERS.parkedReason]: 'invalid message' },
        },
      };
      const adapterParked = {
        content: Buffer.from(JSON.stringify(referralEnvelope())),
        properties: {
          messageId: 'm-2',
          userId: 'adapter-af',
          headers: { [HEADERS.originalUser]: 'hub', 'x-first-death-reason': 'expired' },
        },
      };
      const signed = {
        content: Buffer.from(JSON.stringify(referralEnvelope())),
        properties: { messageId: 'm-3', userId: 'adapter-af', headers: { [HEADERS.signature]: 'signed-by:hub' } },
      };
      const { connection, acked } = broker({
        'q.hub.events.parked': [hubParked],
        'q.adapter-af.referrals.parked': [adapterParked, signed],
      } as unknown as Record<string, Array<Partial<amqp.GetMessage>>>);
      await connect(connection);
      await service.collect();

      const stored = repo.insert.mock.calls.map(([message]) => message as NewParkedMessage);
      expect(stored.map((m) => [m.queue, m.messageId, m.parkedBy, m.sender])).toEqual([
        // the hub's own consumer says whom it received the message from
        ['q.hub.events', 'm-1', 'hub', 'adapter-fk'],
        // an adapter's word about the sender counts for nothing
        ['q.adapter-af.referrals', 'm-2', 'adapter-af', null],
        ['q.adapter-af.referrals', 'm-3', 'adapter-af', 'hub'],
      ]);
      expect(stored.map((m) => m.reason)).toEqual([
        'invalid message',
        'dead-lettered by the broker: expired',
        'dead-lettered by the broker: unknown',
      ]);
      expect(stored[1]).toMatchObject({ type: 'referral.created.v1', correlationId: REFERRAL_ID });
      expect(acked).toHaveLength(3);
    });
  });

  describe('replay', () => {
    const refusalOf = (error: unknown) => (error as { response: { error: string } }).response.error;

    it('answers 404 for a message that is not in the lot', async () => {
      repo.lock.mockImplementation(async () => undefined);
      await expect(service.replay('nope', ADMIN, NOW)).rejects.toBeInstanceOf(NotFoundException);
    });

    it.each([
      ['one replayed already', parked({ state: 'replayed' }), 'not-parked'],
      ['one that is no envelope', parked({ envelope: 'garbage' }), 'unreadable-message'],
      ['one signed by an agency', parked({ signature: 'signed-by:adapter-fk' }), 'not-sent-by-hub'],
      ['one whose signature does not hold', parked({ signature: 'forged' }), 'not-sent-by-hub'],
      ["one for AF parked on FK's queue", parked({ queue: 'q.adapter-fk.referrals' }), 'wrong-destination'],
      ["one on the hub's own queue", parked({ queue: 'q.hub.events' }), 'wrong-destination'],
      [
        'a query, answered within its deadline or never',
        parked({
          queue: 'q.adapter-af.queries',
          envelope: referralEnvelope({ type: 'query.request.v1', payload: { agency: 'af' } }),
        }),
        'query-expired',
      ],
    ])('refuses %s with 409, audited, and sends nothing', async (_, message, refusal) => {
      repo.lock.mockImplementation(async () => message);
      const error = await service.replay(message.id, ADMIN, NOW).catch((e: unknown) => e);
      expect(refusalOf(error)).toBe(refusal);
      expect(publish).not.toHaveBeenCalled();
      expect(repo.markReplayed).not.toHaveBeenCalled();
      expect(audited).toEqual([
        expect.objectContaining({
          kind: 'parked-message',
          outcome: 'replay-refused',
          actor: ADMIN.id,
          details: expect.objectContaining({ refusal, parkedId: message.id }),
        }),
      ]);
    });

    it('refuses a referral the municipality has withdrawn, without asking the policy', async () => {
      referrals.statusOf.mockImplementation(async () => 'cancelled');
      const error = await service.replay(parked().id, ADMIN, NOW).catch((e: unknown) => e);
      expect(refusalOf(error)).toBe('referral-withdrawn');
      expect(referrals.statusOf).toHaveBeenCalledWith(REFERRAL_ID);
      expect(policy.decide).not.toHaveBeenCalled();
      expect(publish).not.toHaveBeenCalled();
    });

    it('decides on a referral again as its requester, today, and refuses what the policy refuses', async () => {
      policy.decide.mockImplementation(async () => ({
        decision: allow({ status: 'deny', reason: 'consent-missing', consentProblem: 'consent-not-revoked' }),
        consents: [],
      }));
      const error = await service.replay(parked().id, ADMIN, NOW).catch((e: unknown) => e);
      expect(policy.decide).toHaveBeenCalledWith(
        { organisation: REQUESTER.organisation, unit: REQUESTER.unit, roles: REQUESTER.roles },
        {
          subject: 'key:191212121212',
          purpose: 'etablering',
          agency: 'af',
          referralType: 'etableringsinsats',
          consentId: undefined,
        },
        NOW,
        ['key:191212121212'],
      );
      expect(error).toMatchObject({
        response: { error: 'consent-missing', details: { consentProblem: 'consent-not-revoked' } },
      });
      expect(publish).not.toHaveBeenCalled();
    });

    it('refuses a referral sent under an agreement version no longer in force', async () => {
      policy.decide.mockImplementation(async () => ({
        decision: allow({ agreement: { ...AGREEMENT, version: 4 } }),
        consents: [],
      }));
      const error = await service.replay(parked().id, ADMIN, NOW).catch((e: unknown) => e);
      expect(refusalOf(error)).toBe('agreement-changed');
      expect(publish).not.toHaveBeenCalled();
    });

    it("sends the original bytes to the agency's queue, once, as the hub, and marks it replayed in the lock's transaction", async () => {
      const message = parked();
      const summary = await service.replay(message.id, ADMIN, NOW);

      expect(repo.lock).toHaveBeenCalledWith(message.id, tx);
      expect(publish).toHaveBeenCalledTimes(1);
      const [exchange, queue, content, properties] = publish.mock.calls[0] as [
        string,
        string,
        Buffer,
        amqp.Options.Publish,
      ];
      expect([exchange, queue]).toEqual([EXCHANGES.default, 'q.adapter-af.referrals']);
      expect(content).toEqual(message.content);
      // what the broker and the parker added is left behind; the signature and the sender's own headers go along
      expect(properties).toMatchObject({ messageId: 'msg-1', userId: 'hub' });
      expect(properties.headers).toEqual({ [HEADERS.signature]: 'signed-by:hub', 'x-trace': 'kept' });
      expect(repo.markReplayed).toHaveBeenCalledWith(message.id, NOW, ADMIN.id, tx);
      expect(audited).toEqual([
        expect.objectContaining({
          outcome: 'replayed',
          subjectKey: 'key:191212121212',
          agreementId: AGREEMENT.id,
          correlationId: REFERRAL_ID,
        }),
      ]);
      expect(summary).toMatchObject({ id: message.id, state: 'replayed' });
      // the list shows no personal data, even in a reason that quotes one
      expect(summary.reason).not.toContain('191212121212');
    });

    it('leaves the message parked when the destination does not take it', async () => {
      publish.mockImplementation(async () => {
        throw new Error('NO_ROUTE');
      });
      const error = await service.replay(parked().id, ADMIN, NOW).catch((e: unknown) => e);
      expect(refusalOf(error)).toBe('destination-unavailable');
      expect(repo.markReplayed).not.toHaveBeenCalled();
    });
  });

  describe('inspect, discard and list', () => {
    it('masks every personnummer and the signature, and audits the inspection under the subject', async () => {
      repo.find.mockImplementation(async () => parked());
      const detail = await service.inspect(parked().id, ADMIN);
      expect(JSON.stringify(detail)).not.toContain('191212121212');
      expect(detail.headers[HEADERS.signature]).toBe('(present)');
      expect(audited).toEqual([expect.objectContaining({ outcome: 'inspected', subjectKey: 'key:191212121212' })]);
    });

    it('discards a parked message once; a second time is 409 not-parked', async () => {
      repo.discard.mockImplementationOnce(async () => parked({ state: 'discarded' }));
      await expect(service.discard(parked().id, ADMIN, NOW)).resolves.toMatchObject({ state: 'discarded' });
      expect(repo.discard).toHaveBeenCalledWith(parked().id, NOW, ADMIN.id);
      repo.find.mockImplementation(async () => parked({ state: 'discarded' }));
      await expect(service.discard(parked().id, ADMIN, NOW)).rejects.toMatchObject({
        response: { error: 'not-parked' },
      });
      expect(audited.map((a) => a.outcome)).toEqual(['discarded']);
    });

    it('answers 404 when discarding a message that is not in the lot', async () => {
      repo.find.mockImplementation(async () => undefined);
      await expect(service.discard('nope', ADMIN, NOW)).rejects.toBeInstanceOf(NotFoundException);
    });

    it('lists every collected queue with its count, and audits the listing', async () => {
      repo.list.mockImplementation(async () => [parked()]);
      repo.parkedPerQueue.mockImplementation(async () => new Map([['q.adapter-af.referrals', 1]]));
      const list = await service.list(ADMIN, { queue: 'q.adapter-af.referrals' });
      expect(repo.list).toHaveBeenCalledWith({ state: 'parked', queue: 'q.adapter-af.referrals' });
      expect(list.queues).toContainEqual({ queue: 'q.adapter-af.referrals', parked: 1 });
      expect(list.queues).toContainEqual({ queue: 'q.hub.events', parked: 0 });
      expect(list.messages).toEqual([expect.not.objectContaining({ envelope: expect.anything() })]);
      expect(audited).toEqual([
        expect.objectContaining({
          outcome: 'listed',
          details: { state: 'parked', queue: 'q.adapter-af.referrals', count: 1 },
        }),
      ]);
    });
  });
});
