import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { RunningAdapter } from '@hub/adapter-kit';
import {
  EXCHANGES,
  HEADERS,
  messageTypes,
  parkingQueueOf,
  queueName,
  routingKeys,
  type AgreementChangedV1,
  type ConsentRevokedV1,
  type ReferralCreatedV1,
} from '@hub/contracts';
import type { MessagingClient } from '@hub/messaging';
import { setupBroker } from '../../scripts/broker-setup.js';
import { ADAPTERS, startTestAdapter } from '../support/adapters.js';
import { messagingFor, rawChannel, TEST_VHOST, testPool, waitFor } from '../support/env.js';

/**
 * A compromised agency: Försäkringskassan's broker password and signing key in hand, it tries to make
 * Arbetsförmedlingen believe the hub revoked a consent, changed an agreement or sent a referral. The broker refuses
 * every route; and where the broker is misconfigured and lets the message through, AF's consumer refuses it by the
 * sender rules and parks it, and AF's state does not change.
 */
const AF_EVENTS = queueName('adapter-af', 'events');
const AF_REFERRALS = queueName('adapter-af', 'referrals');
const AGREEMENT = { id: '0b7e1c4a-9a53-4f55-8f0e-5d3f1c2b6a71', version: 1 };

describe('forged hub messages from a compromised agency', () => {
  const pool = testPool();
  let af: RunningAdapter;
  let fk: MessagingClient;

  const forge = () => {
    const consentId = randomUUID();
    const agreementId = randomUUID();
    const referralId = randomUUID();
    const example = <T>(type: string) => messageTypes.get(type)!.example as T;
    return {
      consentId,
      agreementId,
      referralId,
      messages: [
        {
          exchange: EXCHANGES.event,
          routingKey: routingKeys.consentRevoked(),
          queue: AF_EVENTS,
          encoded: fk.codec.encode({
            type: 'consent.revoked.v1',
            payload: { ...example<ConsentRevokedV1>('consent.revoked.v1'), consentId },
          }),
        },
        {
          exchange: EXCHANGES.event,
          routingKey: routingKeys.agreementChanged(),
          queue: AF_EVENTS,
          encoded: fk.codec.encode({
            type: 'agreement.changed.v1',
            payload: { ...example<AgreementChangedV1>('agreement.changed.v1'), agreementId, agency: 'af' },
          }),
        },
        {
          exchange: EXCHANGES.referral,
          routingKey: routingKeys.referral('af', 'af.inskrivning-arbetssokande'),
          queue: AF_REFERRALS,
          encoded: fk.codec.encode({
            type: 'referral.created.v1',
            agreement: AGREEMENT,
            purpose: 'arbetsmarknadsinsats',
            payload: { ...example<ReferralCreatedV1>('referral.created.v1'), referralId, agency: 'af' },
          }),
        },
      ],
    };
  };

  /** What AF holds of the forgeries: nothing, if it refused them. */
  const afHolds = async (f: ReturnType<typeof forge>) => {
    const count = async (sql: string, id: string) => (await pool.query(sql, [id])).rowCount ?? 0;
    return {
      revoked: await count(`SELECT 1 FROM af.revoked_consent WHERE consent_id = $1`, f.consentId),
      agreements: await count(`SELECT 1 FROM af.agreement_version WHERE agreement_id = $1`, f.agreementId),
      referrals: await count(`SELECT 1 FROM af.referral WHERE id = $1`, f.referralId),
    };
  };

  beforeAll(async () => {
    af = await startTestAdapter(ADAPTERS.af);
    fk = messagingFor('adapter-fk');
    await fk.connect();
  }, 60_000);

  afterAll(async () => {
    await fk?.close();
    await af?.close();
    await pool.end();
  });

  it('the broker refuses each forgery on every route FK could take: the hub exchanges and the default exchange', async () => {
    const f = forge();
    for (const m of f.messages) {
      for (const [exchange, key] of [
        [m.exchange, m.routingKey],
        [EXCHANGES.default, m.queue],
        [EXCHANGES.deadLetter, m.queue],
      ] as const) {
        const raw = await rawChannel('adapter-fk');
        let refused: Error | undefined;
        raw.channel.on('error', (err: Error) => (refused = err));
        raw.channel.publish(exchange, key, m.encoded.content, { ...m.encoded.properties, persistent: true });
        await raw.channel.waitForConfirms().catch((err: Error) => (refused ??= err));
        await raw.close();
        expect({ exchange, key, refused: refused?.message }).toEqual({
          exchange,
          key,
          refused: expect.stringMatching(/ACCESS.REFUSED/),
        });
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(await afHolds(f)).toEqual({ revoked: 0, agreements: 0, referrals: 0 });
  });

  it('behind a broker that lets them through, AF parks each by the sender rules and believes none', async () => {
    const f = forge();
    // FK's user as a careless operator might leave it: every permission, no topic permissions
    const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', args, { stdio: 'pipe' });
    rabbitmqctl('set_permissions', '-p', TEST_VHOST, 'adapter-fk', '.*', '.*', '.*');
    rabbitmqctl('clear_topic_permissions', '-p', TEST_VHOST, 'adapter-fk');
    const hub = await rawChannel('hub');
    try {
      const raw = await rawChannel('adapter-fk');
      for (const m of f.messages) {
        raw.channel.publish(m.exchange, m.routingKey, m.encoded.content, { ...m.encoded.properties, persistent: true });
        // and straight to the queue, as if the hub replayed it
        const { type, payload, agreement, purpose } = m.encoded.envelope;
        const again = fk.codec.encode({ type, payload: payload as object, agreement, purpose });
        raw.channel.publish(EXCHANGES.default, m.queue, again.content, { ...again.properties, persistent: true });
      }
      await raw.channel.waitForConfirms();
      await raw.close();
      const parked: Array<{ type: unknown; reason: unknown }> = [];
      await waitFor(
        async () => {
          for (const queue of [AF_EVENTS, AF_REFERRALS]) {
            for (;;) {
              const message = await hub.channel.get(parkingQueueOf(queue), { noAck: true });
              if (!message) break;
              parked.push({
                type: message.properties.type,
                reason: message.properties.headers?.[HEADERS.parkedReason],
              });
            }
          }
          return parked.length >= 6;
        },
        20_000,
        'the six forgeries to be parked',
      );
      const sorted = parked.sort((a, b) => String(a.type).localeCompare(String(b.type)));
      expect(sorted).toEqual(
        ['agreement.changed.v1', 'consent.revoked.v1', 'referral.created.v1'].flatMap((type) =>
          [1, 2].map(() => ({
            type,
            reason: `sender rule: ${type} may not be sent by agency fk`,
          })),
        ),
      );
      expect(await afHolds(f)).toEqual({ revoked: 0, agreements: 0, referrals: 0 });
    } finally {
      await hub.close();
      setupBroker(process.cwd(), [TEST_VHOST]);
    }
  });

  it("the hub takes no agency's reply to a query it sent to another agency", async () => {
    const hubClient = messagingFor('hub');
    await hubClient.connect();
    const responder = await rawChannel('adapter-fk');
    try {
      const queue = queueName('adapter-fk', 'forged-replies');
      await responder.channel.assertQueue(queue, { exclusive: true });
      await responder.channel.bindQueue(queue, EXCHANGES.query, routingKeys.query('fk'));
      await responder.channel.consume(queue, (request) => {
        if (!request) return;
        const reply = fk.codec.encode({
          type: 'query.reply.v1',
          payload: messageTypes.get('query.reply.v1')!.example,
          correlationId: randomUUID(),
        });
        responder.channel.publish(EXCHANGES.reply, String(request.properties.replyTo), reply.content, {
          ...reply.properties,
          correlationId: request.properties.messageId,
        });
        responder.channel.ack(request);
      });
      const ask = (responderName: string) =>
        hubClient.request(
          {
            name: 'af',
            exchange: EXCHANGES.query,
            routingKey: routingKeys.query('fk'),
            responder: responderName,
            message: {
              type: 'query.request.v1',
              agreement: AGREEMENT,
              purpose: 'vagledning',
              payload: messageTypes.get('query.request.v1')!.example,
            },
          },
          1_500,
        );
      // the same answer is taken from the service that was asked, and refused from any other
      expect((await ask('adapter-fk')).status).toBe('ok');
      const rejectedBefore = hubClient.requests.stats.rejectedReplies;
      expect((await ask('adapter-af')).status).toBe('timeout');
      expect(hubClient.requests.stats.rejectedReplies).toBe(rejectedBefore + 1);
    } finally {
      await responder.close();
      await hubClient.close();
    }
  });
});
