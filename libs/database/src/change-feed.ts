import type pg from 'pg';
import { databaseClient } from './database-hosts.js';

/**
 * Keeps an in-memory copy fresh across hub instances: a committed change is announced with pg_notify on `channel`,
 * and every instance listening reloads. A lost listener connection is re-made, and what changed meanwhile is read
 * then. Concurrent reload requests share one pending reload that starts after the running one. A feed given `apply`
 * hands it each notification's payload first, and reloads only when `apply` could not use it.
 */
export class ChangeFeed {
  private running?: Promise<void>;
  private queued?: Promise<void>;
  private listener?: pg.Client;
  private stopped = false;
  private retryDelayMs = 500;

  constructor(
    private readonly databaseUrl: string,
    readonly channel: string,
    private readonly load: () => Promise<void>,
    private readonly logger: { warn(message: string): void; error(message: string): void },
    private readonly apply?: (payload: string) => boolean,
  ) {}

  async start(): Promise<void> {
    await this.listen();
    await this.reload();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
    await this.running?.catch(() => undefined);
  }

  reload(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) {
      this.running = this.load().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.reload();
      });
    return this.queued;
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = databaseClient(this.databaseUrl);
    client.on('notification', (notification) => {
      if (this.apply?.(notification.payload ?? '')) return;
      this.reload().catch((err: Error) => this.logger.error(`reloading on ${this.channel} failed: ${err.message}`));
    });
    client.on('error', (err) => {
      if (this.listener !== client || this.stopped) return;
      this.listener = undefined;
      this.logger.warn(`${this.channel} listener lost: ${err.message}`);
      client.end().catch(() => undefined);
      this.relisten();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.listener = client;
      this.retryDelayMs = 500;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  private relisten(): void {
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, 30_000);
    setTimeout(() => {
      if (this.stopped) return;
      this.listen()
        .then(() => this.reload())
        .catch((err: Error) => {
          this.logger.warn(`${this.channel} listener: ${err.message}`);
          this.relisten();
        });
    }, delay).unref();
  }
}
