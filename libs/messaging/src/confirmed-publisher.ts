import type * as amqp from 'amqplib';
import type { AmqpConnection } from './amqp-connection.js';

export class UnroutableMessageError extends Error {
  constructor(exchange: string, routingKey: string) {
    super(`no queue is bound for ${exchange} / ${routingKey}`);
    this.name = 'UnroutableMessageError';
  }
}

interface PendingPublish {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: amqp.Options.Publish;
  resolve: () => void;
  reject: (err: Error) => void;
  returned: boolean;
}

/**
 * Publishes persistent messages on a confirm channel. `publish` resolves only once the broker has confirmed the
 * message; a message not confirmed when the connection drops is published again after the reconnect (consumers
 * are idempotent by message id, so a duplicate is harmless and a loss is not possible).
 */
export class ConfirmedPublisher {
  private channel?: amqp.ConfirmChannel;
  private readonly pending = new Set<PendingPublish>();
  private readonly waiting: PendingPublish[] = [];

  constructor(private readonly connection: AmqpConnection) {}

  async start(): Promise<void> {
    await this.connection.onConnect((model) => this.openChannel(model));
  }

  private async openChannel(model: amqp.ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    let channelError: Error | undefined;
    channel.on('error', (err: Error) => (channelError = err));
    channel.on('return', (message: amqp.Message) => {
      for (const entry of this.pending) {
        if (entry.options.messageId === message.properties.messageId) entry.returned = true;
      }
    });
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      const unconfirmed = [...this.pending];
      this.pending.clear();
      if (channelError) {
        // The broker closed only this channel, because of what was published (unknown exchange, forged user_id).
        for (const entry of unconfirmed) entry.reject(new Error(`broker refused the publish: ${channelError.message}`));
        this.openChannel(model).catch(() => undefined);
      } else {
        // The connection is gone: these go out again on the next one.
        this.waiting.unshift(...unconfirmed);
      }
    });
    this.channel = channel;
    for (const entry of this.waiting.splice(0)) this.send(entry);
  }

  get unconfirmed(): number {
    return this.pending.size + this.waiting.length;
  }

  publish(exchange: string, routingKey: string, content: Buffer, options: amqp.Options.Publish): Promise<void> {
    if (!options.messageId) throw new Error('a persistent message needs a message id');
    return new Promise((resolve, reject) => {
      this.send({
        exchange,
        routingKey,
        content,
        // mandatory unless the caller says otherwise: a message nobody is bound for is an error, not a silent loss
        options: { mandatory: true, ...options, persistent: true },
        resolve,
        reject,
        returned: false,
      });
    });
  }

  /** Waits until every message handed to `publish` is confirmed, or the time is up. */
  async drain(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.unconfirmed > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    return this.unconfirmed === 0;
  }

  private send(entry: PendingPublish): void {
    const channel = this.channel;
    if (!channel) {
      this.waiting.push(entry);
      return;
    }
    entry.returned = false;
    this.pending.add(entry);
    try {
      channel.publish(entry.exchange, entry.routingKey, entry.content, entry.options, (err) => {
        if (!err) return this.settle(entry);
        // amqplib fails every unconfirmed callback just before it emits 'close'; wait to tell that apart from a nack.
        setImmediate(() => {
          if (this.channel === channel) this.settle(entry, err);
        });
      });
    } catch (err) {
      this.pending.delete(entry);
      entry.reject(err as Error);
    }
  }

  private settle(entry: PendingPublish, err?: unknown): void {
    if (!this.pending.delete(entry)) return;
    if (err) entry.reject(new Error(`broker refused ${entry.exchange}/${entry.routingKey}: ${String(err)}`));
    else if (entry.returned) entry.reject(new UnroutableMessageError(entry.exchange, entry.routingKey));
    else entry.resolve();
  }
}
