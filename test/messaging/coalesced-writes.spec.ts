import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { AmqpConnection, loadMessagingConfig } from '@hub/messaging';
import type * as amqp from 'amqplib';
import { quietLogger, waitFor } from '../support/env.js';

/**
 * The messaging connection corks the socket while amqplib's muxer writes, so what one turn of the event loop
 * publishes leaves in one system call. This notices an amqplib upgrade that moves the internals it relies on.
 */
describe('coalesced frame writes', () => {
  const config = loadMessagingConfig('hub');
  const connection = new AmqpConnection(
    { url: config.amqpUrl, username: 'hub', password: config.password, name: 'coalesce-test' },
    quietLogger,
  );
  const queue = `q.hub.coalesce-test.${randomUUID()}`;
  let model: amqp.ChannelModel;
  let channel: amqp.Channel;

  beforeAll(async () => {
    await connection.onConnect(async (m) => {
      model = m;
      channel = await m.createChannel();
      await channel.assertQueue(queue, { exclusive: true, autoDelete: true });
    });
    await connection.connect();
  });

  afterAll(() => connection.close());

  it('sends the frames of one tick in one socket write, and every message arrives', async () => {
    const socket = (model as unknown as { connection: { stream: Socket } }).connection.stream;
    let writes = 0;
    const original = { write: socket._write, writev: socket._writev };
    socket._write = function (...args: Parameters<Socket['_write']>) {
      writes++;
      return original.write.apply(this, args);
    };
    socket._writev = function (...args: Parameters<NonNullable<Socket['_writev']>>) {
      writes++;
      return original.writev!.apply(this, args);
    };
    const received: string[] = [];
    await channel.consume(queue, (m) => m && received.push(m.content.toString()), { noAck: true });
    try {
      writes = 0;
      for (let i = 0; i < 20; i++) channel.sendToQueue(queue, Buffer.from(String(i)));
      await waitFor(() => received.length === 20, 5_000, 'the 20 messages');
      // one write for the 20 publishes; without corking it would be 20
      expect(writes).toBe(1);
      expect(received).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    } finally {
      socket._write = original.write;
      socket._writev = original.writev;
    }
  });
});
