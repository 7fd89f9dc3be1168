import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import pg from 'pg';
import { AuditLog } from '@hub/audit';
import { messageTypes } from '@hub/contracts';
import { databasePool, Transactions } from '@hub/database';
import { loadMessagingConfig, MessagingClient, messagingOptionsFrom, PgOutbox } from '@hub/messaging';
import { HUB_CONFIG, loadHubConfig, type HubConfig } from '../config/hub.config.js';
import { Subjects } from './subjects.js';

export const PG_POOL = Symbol('PG_POOL');
/**
 * The audit log's own connections. Callers append while they hold a PG_POOL client in a transaction (a consumer's
 * status event, say); were the audit writer to wait for a PG_POOL client too, as many such callers as the pool has
 * clients would wait for each other for ever. Its appends are serialised by the chain head anyway.
 */
export const AUDIT_POOL = Symbol('AUDIT_POOL');

/** How often the keys of the periods of subject keys are read again: another instance may have shredded one. */
export const SUBJECT_KEYS_REFRESH_MS = 10 * 60_000;

/** What every part of the hub shares: its validated configuration, the audit log and its broker connection. */
@Global()
@Module({
  providers: [
    Subjects,
    { provide: HUB_CONFIG, useFactory: () => loadHubConfig() },
    {
      provide: PG_POOL,
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) =>
        databasePool({ connectionString: config.databaseUrl, max: 10 }, new Logger('database')),
    },
    { provide: Transactions, inject: [PG_POOL], useFactory: (pool: pg.Pool) => new Transactions(pool) },
    {
      provide: AUDIT_POOL,
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) =>
        databasePool({ connectionString: config.databaseUrl, max: 3 }, new Logger('audit database')),
    },
    {
      provide: AuditLog,
      inject: [AUDIT_POOL, HUB_CONFIG],
      useFactory: (pool: pg.Pool, config: HubConfig) =>
        new AuditLog(pool, {
          subjectKeySecret: config.auditSubjectKey,
          legacySubjectKeys: config.auditLegacySubjectKeys,
        }),
    },
    {
      provide: MessagingClient,
      useFactory: () =>
        new MessagingClient(messagingOptionsFrom(loadMessagingConfig('hub'), messageTypes), new Logger('messaging')),
    },
    {
      provide: PgOutbox,
      inject: [PG_POOL, MessagingClient],
      useFactory: (pool: pg.Pool, messaging: MessagingClient) =>
        new PgOutbox(pool, messaging, { schema: 'hub' }, new Logger('outbox')),
    },
  ],
  exports: [HUB_CONFIG, PG_POOL, Transactions, AuditLog, MessagingClient, Subjects, PgOutbox],
})
export class CoreModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('subject keys');
  private subjectKeysTimer?: NodeJS.Timeout;

  constructor(
    private readonly messaging: MessagingClient,
    private readonly outbox: PgOutbox,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(AUDIT_POOL) private readonly auditPool: pg.Pool,
    private readonly audit: AuditLog,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.messaging.connect();
  }

  /**
   * After the migrations (TypeORM runs them at init), so that the outbox table and the periods of subject keys
   * exist. The keys are read again now and then, which also makes next year's key before the year turns.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.audit.loadSubjectKeys();
    this.subjectKeysTimer = setInterval(
      () =>
        void this.audit
          .loadSubjectKeys()
          .catch((err: unknown) => this.logger.warn(`could not read the subject keys: ${(err as Error).message}`)),
      SUBJECT_KEYS_REFRESH_MS,
    );
    this.subjectKeysTimer.unref();
    await this.outbox.start();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.subjectKeysTimer);
    await this.outbox.stop();
    await this.messaging.close();
    await this.audit.flush();
    await this.pool.end();
    await this.auditPool.end();
  }
}
