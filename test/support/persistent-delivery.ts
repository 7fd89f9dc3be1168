import type { PoolClient } from 'pg';
import { EXCHANGES, messageTypes, queueName, routingKeys } from '@hub/contracts';
import { PgIdempotencyStore, type MessageConsumer, type MessagingClient, type QueueSpec } from '@hub/messaging';
import { messagingFor, rawChannel, testPool } from './env.js';

const referralExample = messageTypes.get('referral.created.v1')!.example;
const AGREEMENT = { id: '6f1c1a52-4c8e-4f7a-9d7e-0c5b8a3e2f10', version: 1 };

export const REFERRAL_KEY = routingKeys.referral('fk', 'fk.bostadsbidrag-ansokan');

/**
 * The hub publishing referrals to FK's adapter, which records each one it processes in `test_referral_inbox` in the
 * transaction of the idempotency store: what the delivery tests count to prove exactly-once processing.
 */
export class PersistentDelivery {
  readonly pool = testPool();
  readonly queue: QueueSpec = {
    queue: queueName('adapter-fk', 'test-reliable'),
    kind: 'persistent',
    bindings: [{ exchange: EXCHANGES.referral, routingKey: 'referral.fk.#' }],
  };
  hub!: MessagingClient;
  fk!: MessagingClient;
  consumer!: MessageConsumer;
  handled = 0;

  referral(referralId: string) {
    return {
      type: 'referral.created.v1',
      payload: { ...referralExample, referralId },
      agreement: AGREEMENT,
      purpose: 'vagledning' as const,
    };
  }

  publish(referralId: string): Promise<string> {
    return this.hub.publish(EXCHANGES.referral, REFERRAL_KEY, this.referral(referralId));
  }

  async start(): Promise<void> {
    const idempotency = new PgIdempotencyStore(this.pool);
    await idempotency.migrate();
    await this.pool.query('CREATE TABLE IF NOT EXISTS test_referral_inbox (message_id uuid, referral_id uuid)');
    await this.pool.query('TRUNCATE test_referral_inbox');
    await this.deleteQueues(false);
    this.hub = messagingFor('hub');
    this.fk = messagingFor('adapter-fk');
    await Promise.all([this.hub.connect(), this.fk.connect()]);
    this.consumer = await this.fk.consume({
      queue: this.queue,
      idempotency,
      prefetch: 50,
      handlers: new Map([
        [
          'referral.created.v1',
          async (envelope, context) => {
            this.handled++;
            await (context.transaction as PoolClient).query('INSERT INTO test_referral_inbox VALUES ($1, $2)', [
              envelope.id,
              (envelope.payload as { referralId: string }).referralId,
            ]);
          },
        ],
      ]),
    });
  }

  async stop(): Promise<void> {
    await this.deleteQueues(true);
    await this.fk?.close();
    await this.hub?.close();
    await this.pool.end();
  }

  /** What FK's adapter recorded, one row per processing. */
  async inbox(): Promise<Array<{ message_id: string; referral_id: string }>> {
    return (await this.pool.query('SELECT message_id, referral_id FROM test_referral_inbox')).rows;
  }

  private async deleteQueues(parked: boolean): Promise<void> {
    const raw = await rawChannel('adapter-fk');
    await raw.channel.deleteQueue(this.queue.queue).catch(() => undefined);
    if (parked) await raw.channel.deleteQueue(`${this.queue.queue}.parked`).catch(() => undefined);
    await raw.close();
  }
}
