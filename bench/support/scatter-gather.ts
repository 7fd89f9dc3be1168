/**
 * What the scatter-gather benchmarks share: the request and reply bodies, raw amqplib responders and requester
 * (the floor: nothing but moving bytes through the broker), the responder child process, the closed-loop driver
 * and the machine's CPU accounting. Used by bench/messaging.bench.ts and bench/full-path.bench.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as amqp from 'amqplib';
import { EXCHANGES, messageTypes, queueOwner, replyQueueName, routingKeys } from '@hub/contracts';
import { loadMessagingConfig } from '@hub/messaging';

export const AGENCIES = ['fk', 'af', 'skv'] as const;
export const DEADLINE_MS = 3_000;
export const REQUEST_BYTES = 1024;
export const PREFETCH = 32;
export const QUEUE_ARGS = { durable: true, arguments: { 'x-queue-type': 'classic' } };

// ---------------------------------------------------------------------------------------------------------------
// Messages: the same request and reply bodies for every variant

export const AGREEMENT = { id: 'da905105-7c95-4dc4-bf65-9d5dc8a81fcc', version: 3 };
export const PURPOSE = 'vagledning' as const;
const SUBJECT = '191212121212';
const requestExample = messageTypes.get('query.request.v1')!.example as Record<string, unknown>;

export function requestEnvelope(payload: object, id: string, correlationId: string) {
  const now = Date.now();
  return {
    id,
    correlationId,
    type: 'query.request.v1',
    sender: { organisation: '2120001967', service: 'hub' },
    agreement: AGREEMENT,
    purpose: PURPOSE,
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + DEADLINE_MS).toISOString(),
    payload,
  };
}

/** The query payload, padded with a justification so that the whole envelope is about REQUEST_BYTES. */
export const requestPayload: Record<string, unknown> = (() => {
  const base = { ...requestExample, subject: SUBJECT, justification: '' };
  const bytes = Buffer.byteLength(JSON.stringify(requestEnvelope(base, randomUUID(), randomUUID())));
  const filler = 'Personen behover hjalp med att forsta sina utbetalningar och pagaende arenden. ';
  base.justification = filler.repeat(20).slice(0, Math.max(1, REQUEST_BYTES - bytes));
  return base;
})();

export function replyPayload(agency: string) {
  return {
    agency,
    status: 'ok',
    found: true,
    protectedIdentity: false,
    released: [{ category: `${agency}.utbetalningar`, data: { payments: [{ benefit: 'barnbidrag', amount: 1250 }] } }],
    denied: [],
  };
}

export function replyEnvelope(agency: string, correlationId: string) {
  return {
    id: randomUUID(),
    correlationId,
    type: 'query.reply.v1',
    sender: { organisation: '2021005521', service: `adapter-${agency}` },
    agreement: AGREEMENT,
    purpose: PURPOSE,
    issuedAt: new Date().toISOString(),
    payload: replyPayload(agency),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Broker access as the deployment's service users

export async function rawConnect(service: string): Promise<amqp.ChannelModel> {
  const { amqpUrl, password } = loadMessagingConfig(service);
  const connection = await amqp.connect(amqpUrl, {
    noDelay: true,
    credentials: amqp.credentials.plain(service, password),
    clientProperties: { connection_name: `${service}:bench` },
  } as amqp.SocketOptions);
  connection.on('error', () => undefined);
  return connection;
}

/** Deletes the queues `queuesOf` names for each agency, each as the user that owns it. */
export async function deleteAgencyQueues(queuesOf: (agency: string) => string[]): Promise<void> {
  // each queue as its owner (`q.<owner>.…`), the only user allowed to delete it
  const byOwner = new Map<string, string[]>();
  for (const queue of AGENCIES.flatMap(queuesOf)) {
    const owner = queueOwner(queue);
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), queue]);
  }
  for (const [owner, queues] of byOwner) {
    const connection = await rawConnect(owner);
    try {
      for (const queue of queues) {
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        await channel.deleteQueue(queue).catch(() => undefined);
        await channel.close().catch(() => undefined);
      }
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Raw amqplib: responders and requester

export interface Responders {
  close(): Promise<void>;
}

export const rawQueueOf = (agency: string) => `q.adapter-${agency}.bench-raw`;

export async function startRawResponders(): Promise<Responders> {
  const connections: amqp.ChannelModel[] = [];
  for (const agency of AGENCIES) {
    const connection = await rawConnect(`adapter-${agency}`);
    connections.push(connection);
    const channel = await connection.createChannel();
    const queue = rawQueueOf(agency);
    await channel.assertQueue(queue, QUEUE_ARGS);
    await channel.bindQueue(queue, EXCHANGES.query, routingKeys.query(agency));
    await channel.prefetch(PREFETCH);
    await channel.consume(queue, (message) => {
      if (!message) return;
      const request = JSON.parse(message.content.toString('utf8')) as { correlationId: string };
      const reply = Buffer.from(JSON.stringify(replyEnvelope(agency, request.correlationId)));
      channel.publish(EXCHANGES.reply, String(message.properties.replyTo), reply, {
        correlationId: message.properties.correlationId,
        contentType: 'application/json',
      });
      channel.ack(message);
    });
  }
  return { close: async () => void (await Promise.all(connections.map((c) => c.close().catch(() => undefined)))) };
}

/** undefined: the agency answered with a valid reply */
export type Failure = string | undefined;

/** Each call resolves when all three agencies answered, with the reasons of those that did not. */
export interface Requester {
  scatterGather(): Promise<Failure[]>;
  close(): Promise<void>;
}

export async function rawRequester(): Promise<Requester> {
  const connection = await rawConnect('hub');
  const channel = await connection.createChannel();
  const pending = new Map<string, { resolve: (failure: Failure) => void; timer: NodeJS.Timeout }>();
  // the same reply path as the hub's: an exclusive queue bound to hub.reply under its own name
  const replyTo = replyQueueName('hub', randomUUID());
  await channel.assertQueue(replyTo, { exclusive: true, autoDelete: true, durable: false });
  await channel.bindQueue(replyTo, EXCHANGES.reply, replyTo);
  await channel.consume(
    replyTo,
    (message) => {
      if (!message) return;
      const entry = pending.get(String(message.properties.correlationId));
      if (!entry) return;
      pending.delete(String(message.properties.correlationId));
      clearTimeout(entry.timer);
      const reply = JSON.parse(message.content.toString('utf8')) as { payload?: { status?: string } };
      entry.resolve(reply.payload?.status === 'ok' ? undefined : 'reply status is not ok');
    },
    { noAck: true },
  );
  const request = (agency: string, correlationId: string) =>
    new Promise<Failure>((resolve) => {
      const id = randomUUID();
      const timer = setTimeout(() => pending.delete(id) && resolve('timeout'), DEADLINE_MS);
      pending.set(id, { resolve, timer });
      channel.publish(
        EXCHANGES.query,
        routingKeys.query(agency),
        Buffer.from(JSON.stringify(requestEnvelope(requestPayload, id, correlationId))),
        {
          replyTo,
          correlationId: id,
          messageId: id,
          expiration: String(DEADLINE_MS),
          contentType: 'application/json',
        },
      );
    });
  return {
    async scatterGather() {
      const correlationId = randomUUID();
      return Promise.all(AGENCIES.map((agency) => request(agency, correlationId)));
    },
    close: () => connection.close().catch(() => undefined),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The responders' child process

type ToChild = { cmd: 'cpu' } | { cmd: 'stop' };
type FromChild = { ready: true } | { cpu: NodeJS.CpuUsage } | { error: string };

/** In the child: starts the responders and answers the parent's requests for CPU time and to stop. */
export async function serveResponders(name: string, start: () => Promise<Responders>): Promise<void> {
  const send = (message: FromChild) => process.send?.(message);
  let responders: Responders;
  try {
    responders = await start();
  } catch (err) {
    send({ error: `responders ${name} failed to start: ${(err as Error).stack ?? String(err)}` });
    setTimeout(() => process.exit(1), 100);
    return;
  }
  process.on('message', (message: ToChild) => {
    if (message.cmd === 'cpu') send({ cpu: process.cpuUsage() });
    if (message.cmd === 'stop') {
      const force = setTimeout(() => process.exit(0), 3_000);
      force.unref();
      responders.close().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ ready: true });
}

/** The parent's handle on a responder child: `entry` forked with `args`, which calls `serveResponders`. */
export class ResponderProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {}

  static async start(entry: string, args: string[], execArgv: string[] = process.execArgv): Promise<ResponderProcess> {
    const name = args.join(' ');
    const child = fork(entry, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not ready after 30 s`)), 30_000);
      child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before ready`)));
      child.on('message', (message: FromChild) => {
        if ('ready' in message) {
          clearTimeout(timer);
          resolve();
        } else if ('error' in message) {
          clearTimeout(timer);
          reject(new Error(message.error));
        }
      });
    });
    return new ResponderProcess(child, exited);
  }

  cpuUsage(): Promise<NodeJS.CpuUsage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('responder child did not report its CPU time')), 5_000);
      const onMessage = (message: FromChild) => {
        if (!('cpu' in message)) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(message.cpu);
      };
      this.child.on('message', onMessage);
      this.child.send({ cmd: 'cpu' } satisfies ToChild);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.connected) this.child.send({ cmd: 'stop' } satisfies ToChild);
    const killed = await Promise.race([this.exited.then(() => false), delay(5_000).then(() => true)]);
    if (killed) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const cpuMicros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;
export const round = (x: number, digits: number) => Number(x.toFixed(digits));
export const pad = (s: string, width: number, left = false) => (left ? s.padStart(width) : s.padEnd(width));

/**
 * The local RabbitMQ node's process (Linux), to tell how much of the machine the broker takes; none when several
 * brokers run (another one started for a test, say), since which one serves the bench is then not known.
 */
const brokerPid: number | undefined = (() => {
  try {
    const comm = (pid: string) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      } catch {
        return ''; // gone meanwhile
      }
    };
    const found = readdirSync('/proc').filter((entry) => /^[0-9]+$/.test(entry) && comm(entry) === 'beam.smp');
    return found.length === 1 ? Number(found[0]) : undefined;
  } catch {
    // not Linux, or no access: the broker's CPU time is not reported
    return undefined;
  }
})();

/** user + system CPU time of a process, in microseconds (assumes the usual 100 clock ticks per second) */
export function processCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

export function brokerCpuMicros(): number | undefined {
  return processCpuMicros(brokerPid);
}

/** busy and total CPU time of the whole machine, in ms, summed over all cores */
export function machineCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Closed loop: `concurrency` workers each send their next scatter-gather when the last one is answered. */
export async function drive(requester: Requester, concurrency: number, count: number, maxMs: number) {
  const latencies = new Float64Array(count);
  let next = 0;
  let done = 0;
  let failed = 0;
  const failures: Record<string, number> = {};
  const fail = (reason: string) => {
    failed++;
    failures[reason] = (failures[reason] ?? 0) + 1;
  };
  const started = performance.now();
  const until = started + maxMs;
  const worker = async () => {
    while (next < count && performance.now() < until) {
      next++;
      const t0 = performance.now();
      try {
        for (const failure of await requester.scatterGather()) if (failure !== undefined) fail(failure);
      } catch (err) {
        for (const _ of AGENCIES) fail(`scatter-gather threw: ${(err as Error).message}`);
      }
      latencies[done++] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.slice(0, done).sort();
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, done);
  return { done, failed, failures, seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
}
