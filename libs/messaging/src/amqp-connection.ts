import { EventEmitter } from 'node:events';
import * as amqp from 'amqplib';
import { coalesceFrameWrites } from './coalesced-writes.js';

export interface AmqpConnectionOptions {
  /** one broker node, or several nodes of one cluster separated by commas: tried in turn */
  url: string;
  username: string;
  password: string;
  /** shown in the broker's connection list */
  name: string;
  heartbeatSeconds?: number;
  /** first reconnect delay; doubles up to maxReconnectDelayMs */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

export interface ConnectionLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

type SetupStep = (connection: amqp.ChannelModel) => Promise<void>;

/**
 * One AMQP connection that reconnects by itself. Everything built on it registers a setup step that runs on
 * every (re)connect, so channels, topology and consumers come back after the broker restarts.
 */
export class AmqpConnection extends EventEmitter {
  private connection?: amqp.ChannelModel;
  private readonly setupSteps: SetupStep[] = [];
  private closing = false;
  private attempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private connecting?: Promise<void>;
  private readyWaiters: Array<() => void> = [];
  private readonly urls: string[];
  /** the node to try first on the next (re)connect */
  private nextUrl = 0;

  constructor(
    private readonly options: AmqpConnectionOptions,
    private readonly logger: ConnectionLogger = console,
  ) {
    super();
    this.setMaxListeners(100);
    this.urls = brokerUrls(options.url);
  }

  get isConnected(): boolean {
    return this.connection !== undefined;
  }

  /** Connects once; rejects when the first attempt fails so that start-up fails with a clear message. */
  async connect(): Promise<void> {
    this.closing = false;
    if (this.connection) return;
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Adds a step that runs now (when connected) and after every reconnect. */
  async onConnect(step: SetupStep): Promise<void> {
    this.setupSteps.push(step);
    if (this.connection) await step(this.connection);
  }

  /** Resolves once the connection is up (immediately when it is). */
  ready(): Promise<void> {
    if (this.connection) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await connection.close().catch(() => undefined);
  }

  /** Connects to the first node that answers, starting after the one used last, so a dead node is tried last. */
  private async connectToANode(): Promise<amqp.ChannelModel> {
    const { username, password, name, heartbeatSeconds = 10 } = this.options;
    const failures: string[] = [];
    for (let i = 0; i < this.urls.length; i++) {
      const index = (this.nextUrl + i) % this.urls.length;
      try {
        const connection = await amqp.connect(this.urls[index], {
          noDelay: true,
          credentials: amqp.credentials.plain(username, password),
          clientProperties: { connection_name: name },
          heartbeat: heartbeatSeconds,
        } as amqp.SocketOptions);
        this.nextUrl = (index + 1) % this.urls.length;
        coalesceFrameWrites(connection);
        return connection;
      } catch (err) {
        if (this.urls.length === 1) throw err;
        failures.push(`${new URL(this.urls[index]).host}: ${(err as Error).message}`);
      }
    }
    throw new Error(`no broker node answered (${failures.join('; ')})`);
  }

  private async open(): Promise<void> {
    const { name } = this.options;
    const connection = await this.connectToANode();
    connection.on('error', (err: Error) => this.logger.warn(`AMQP connection ${name}: ${err.message}`));
    connection.on('close', () => this.lost(connection));
    connection.on('blocked', (reason: string) => this.logger.warn(`AMQP connection ${name} blocked: ${reason}`));
    try {
      for (const step of this.setupSteps) await step(connection);
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
    this.connection = connection;
    this.attempt = 0;
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    this.emit('connected');
  }

  private lost(connection: amqp.ChannelModel): void {
    if (this.connection !== connection && this.connection !== undefined) return;
    this.connection = undefined;
    if (this.closing) return;
    this.logger.warn(`AMQP connection ${this.options.name} lost; reconnecting`);
    this.emit('disconnected');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const { reconnectDelayMs = 100, maxReconnectDelayMs = 5_000 } = this.options;
    const delay = Math.min(maxReconnectDelayMs, reconnectDelayMs * 2 ** this.attempt++);
    this.reconnectTimer = setTimeout(
      () => {
        if (this.closing) return;
        this.open().then(
          () => this.logger.log(`AMQP connection ${this.options.name} re-established`),
          (err: Error) => {
            this.logger.warn(`AMQP reconnect ${this.options.name} failed: ${err.message}`);
            this.scheduleReconnect();
          },
        );
      },
      delay * (0.8 + Math.random() * 0.4),
    );
  }
}

/** `amqp://a:5672/v,amqp://b:5672/v` → each node's URL. */
export function brokerUrls(value: string): string[] {
  return value
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
}
