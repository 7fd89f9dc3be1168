import type * as amqp from 'amqplib';
import type { AmqpConnection } from '@hub/messaging';

export interface QueueCounts {
  /** messages ready for delivery */
  messages: number;
  consumers: number;
}

/**
 * Counts messages in queues with passive declares, on short-lived channels of one of the hub's own broker
 * connections, so a scrape needs no login of its own. A queue that does not exist, a lost connection or a broker
 * that does not answer in time leaves queues out of the answer; it never fails the scrape.
 */
export class QueueProbe {
  private connection?: amqp.ChannelModel;
  private round?: Promise<Map<string, QueueCounts>>;

  constructor(
    source: AmqpConnection,
    private readonly queues: readonly string[],
    private readonly timeoutMs = 2_000,
  ) {
    // runs now when connected and again after every reconnect, so the newest connection is the one used
    void source.onConnect(async (connection) => {
      this.connection = connection;
    });
  }

  /** Callers at the same time (the gauges of one scrape) share one round of checks. */
  check(): Promise<Map<string, QueueCounts>> {
    this.round ??= this.checkWithin().finally(() => (this.round = undefined));
    return this.round;
  }

  private async checkWithin(): Promise<Map<string, QueueCounts>> {
    const found = new Map<string, QueueCounts>();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.timeoutMs)));
    await Promise.race([this.checkAll(found), timeout]).finally(() => clearTimeout(timer));
    return new Map(found);
  }

  private async checkAll(found: Map<string, QueueCounts>): Promise<void> {
    let channel: amqp.Channel | undefined;
    for (const queue of this.queues) {
      try {
        channel ??= await this.openChannel();
        const { messageCount, consumerCount } = await channel.checkQueue(queue);
        found.set(queue, { messages: messageCount, consumers: consumerCount });
      } catch {
        // the broker closes the channel when the queue does not exist (404): the next queue gets a new one
        channel = undefined;
      }
    }
    await channel?.close().catch(() => undefined);
  }

  private async openChannel(): Promise<amqp.Channel> {
    if (!this.connection) throw new Error('not connected to the broker');
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    return channel;
  }
}
