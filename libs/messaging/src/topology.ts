import type * as amqp from 'amqplib';
import { departmentService, EXCHANGES, parkingQueueOf, queueName, routingKeys } from '@hub/contracts';

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

/** Unacknowledged deliveries a consumer holds when its queue names no prefetch of its own. */
export const DEFAULT_PREFETCH = 32;

/** The arguments of every parking queue (`<queue>.parked`): kept until an operator replays or drops them. */
export const PARKING_QUEUE_ARGUMENTS = { 'x-queue-type': 'quorum' } as const;

/**
 * The arguments a consumer's queue is declared with. Persistent queues are quorum queues with a delivery limit; what
 * passes the limit is dead-lettered (at least once) to the parking queue, never looped. Queries expire within seconds
 * and are never worth keeping: a classic queue, no dead-lettering of expiry.
 */
export function queueArguments(spec: QueueSpec): Record<string, unknown> {
  if (spec.kind === 'request') return { 'x-queue-type': 'classic' };
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': spec.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
    'x-dead-letter-exchange': EXCHANGES.deadLetter,
    'x-dead-letter-routing-key': spec.queue,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

/**
 * How a consumer's queue is declared: shared by the service's instances, with `queueArguments`. Persistent queues are
 * durable. Request queues are not: a classic queue lives on one node of a cluster, and a durable one whose node is
 * lost can be neither used nor declared again anywhere until that node is back (RabbitMQ answers 404 "home node …
 * is down or inaccessible", so an adapter that reconnects fails its set-up and takes no referrals either). A
 * non-durable one is deleted with its node, and the consumers declare it again on the node they reach
 * (`MessageConsumer` on reconnect, or when the broker cancels it); what it held were queries due within seconds.
 */
export function queueOptions(spec: QueueSpec): {
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: Record<string, unknown>;
} {
  return { durable: spec.kind === 'persistent', exclusive: false, autoDelete: false, arguments: queueArguments(spec) };
}

/** How a parking queue is declared. */
export const PARKING_QUEUE_OPTIONS = { durable: true, exclusive: false, autoDelete: false } as const;

/** A requester's reply queue (`replyQueueName`): one per connection, gone with it, bound under its own name. */
export const REPLY_QUEUE_OPTIONS = {
  exclusive: true,
  autoDelete: true,
  durable: false,
  arguments: { 'x-queue-type': 'classic' },
} as const;

/** Exchanges are declared once, by the broker set-up step; services only check that they exist. */
export async function declareExchanges(channel: amqp.Channel): Promise<void> {
  await channel.assertExchange(EXCHANGES.query, 'topic', { durable: true });
  await channel.assertExchange(EXCHANGES.referral, 'topic', { durable: true });
  await channel.assertExchange(EXCHANGES.event, 'topic', { durable: true });
  await channel.assertExchange(EXCHANGES.deadLetter, 'topic', { durable: true });
  await channel.assertExchange(EXCHANGES.reply, 'topic', { durable: true });
}

/**
 * Declares a consumer's queue on a channel of its own, which it closes. A request queue an older version declared
 * durable (RabbitMQ refuses the new declaration: 406 PRECONDITION_FAILED) is deleted and declared anew; it held
 * nothing but queries due within seconds.
 */
export async function declareQueueOn(connection: amqp.ChannelModel, spec: QueueSpec): Promise<void> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    await declareQueue(channel, spec);
    await channel.close().catch(() => undefined);
    return;
  } catch (err) {
    if (spec.kind !== 'request' || (err as { code?: number }).code !== 406) throw err;
  }
  const again = await connection.createChannel();
  again.on('error', () => undefined);
  try {
    await again.deleteQueue(spec.queue);
    await declareQueue(again, spec);
  } finally {
    await again.close().catch(() => undefined);
  }
}

/** Declares a consumer's queue, its parking queue (bound to the dead-letter exchange under the queue's name) and its bindings. */
export async function declareQueue(channel: amqp.Channel, spec: QueueSpec): Promise<void> {
  const parking = parkingQueueOf(spec.queue);
  await channel.assertQueue(parking, { ...PARKING_QUEUE_OPTIONS, arguments: { ...PARKING_QUEUE_ARGUMENTS } });
  await channel.bindQueue(parking, EXCHANGES.deadLetter, spec.queue);
  await channel.assertQueue(spec.queue, queueOptions(spec));
  for (const binding of spec.bindings) await channel.bindQueue(spec.queue, binding.exchange, binding.routingKey);
}

/**
 * The queue of a department's own case system: the errands forwarded to that department, persistent. Written for a
 * system built on this library; one in another language declares the same (contracts/generated/asyncapi.json).
 */
export function departmentQueue(organisation: string, department: string): QueueSpec & { prefetch?: number } {
  return {
    queue: queueName(departmentService(organisation, department), 'errands'),
    kind: 'persistent',
    bindings: [{ exchange: EXCHANGES.referral, routingKey: routingKeys.errandForwarded(organisation, department) }],
    prefetch: 16,
  };
}
