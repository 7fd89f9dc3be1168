import * as amqp from 'amqplib';
import pg from 'pg';
import { messageTypes } from '@hub/contracts';
import { loadMessagingConfig, MessagingClient, messagingOptionsFrom, type MessagingOptions } from '@hub/messaging';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hub_test';

/** The tests' RabbitMQ vhost (AMQP_URL's path), apart from a running demo's `/`. */
export const TEST_VHOST =
  decodeURIComponent(new URL(process.env.AMQP_URL ?? 'amqp://127.0.0.1:5672').pathname.slice(1)) || '/';

export const quietLogger = { log: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };

/** A real messaging client for one of the deployment's services, as an app would build it. */
export function messagingFor(service: string, overrides: Partial<MessagingOptions> = {}): MessagingClient {
  return new MessagingClient(
    { ...messagingOptionsFrom(loadMessagingConfig(service), messageTypes), ...overrides },
    quietLogger,
  );
}

export function testPool(): pg.Pool {
  return new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A raw amqplib channel as one of the deployment's users: what a misbehaving or foreign client could do. */
export async function rawChannel(
  service: string,
): Promise<{ channel: amqp.ConfirmChannel; close: () => Promise<void> }> {
  // only the broker login counts here: an adapter found by its folder alone has no organisation in the defaults
  const config = loadMessagingConfig(service, { ORGANISATION: '0000000000', ...process.env });
  const connection = await amqp.connect(config.amqpUrl, {
    noDelay: true,
    credentials: amqp.credentials.plain(service, config.password),
  } as amqp.SocketOptions);
  connection.on('error', () => undefined);
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined);
  return { channel, close: () => connection.close().catch(() => undefined) };
}

export async function drainQueue(channel: amqp.Channel, queue: string): Promise<amqp.GetMessage[]> {
  const messages: amqp.GetMessage[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (!message) return messages;
    messages.push(message);
  }
}

/**
 * Deletes a service's queues, so that a suite starts without what earlier suites left in them (the queues are
 * durable and bound to the shared exchanges); the service declares them again when it starts.
 */
export async function deleteQueues(service: string, names: string[]): Promise<void> {
  const { channel, close } = await rawChannel(service);
  try {
    for (const name of names) await channel.deleteQueue(name);
  } finally {
    await close();
  }
}
