import type * as amqp from 'amqplib';
import { EXCHANGES, parkingQueueOf } from '@hub/contracts';

export interface Binding {
  exchange: string;
  routingKey: string;
}

/** A consumer's queue. Request queues hold short-lived queries; persistent ones hold referrals and events. */
export interface QueueSpec {
  queue: string;
  kind: 'request' | 'persistent';
  bindings: Binding[];
  /** persistent queues: deliveries before the broker parks a message itself */
  deliveryLimit?: number;
}

export const DEFAULT_DELIVERY_LIMIT = 5;

/** Exchanges are declared once, by the broker set-up step; services only check that they exist. */
export async function declareExchanges(channel: amqp.Channel): Promise<void> {
  await channel.assertExchange(EXCHANGES.query, 'topic', { durable: true });
  await channel.assertExchange(EXCHANGES.referral, 'topic', { durable: true });
  await channel.assertExchange(EXCHANGES.event, 'topic', { durable: true });
  await channel.assertExchange(EXCHANGES.deadLetter, 'topic', { durable: true });
  await channel.assertExchange(EXCHANGES.reply, 'topic', { durable: true });
}

/**
 * Declares a consumer's queue, its parking queue and its bindings. Persistent queues are quorum queues with a
 * delivery limit; what passes the limit is dead-lettered (at least once) to the parking queue, never looped.
 */
export async function declareQueue(channel: amqp.Channel, spec: QueueSpec): Promise<void> {
  const parking = parkingQueueOf(spec.queue);
  await channel.assertQueue(parking, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(parking, EXCHANGES.deadLetter, spec.queue);
  if (spec.kind === 'persistent') {
    await channel.assertQueue(spec.queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': spec.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
        'x-dead-letter-exchange': EXCHANGES.deadLetter,
        'x-dead-letter-routing-key': spec.queue,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
  } else {
    // Queries expire within seconds and are never worth keeping: a classic queue, no dead-lettering of expiry.
    await channel.assertQueue(spec.queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
  }
  for (const binding of spec.bindings) await channel.bindQueue(spec.queue, binding.exchange, binding.routingKey);
}
