import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import pg from 'pg';
import { messageTypes } from '@hub/contracts';
import { ApiErrorFilter, validationPipe } from '@hub/http';
import { databasePool } from '@hub/database';
import {
  loadMessagingConfig,
  MessagingClient,
  messagingOptionsFrom,
  PgIdempotencyStore,
  PgOutbox,
} from '@hub/messaging';
import { loadAdapterConfig, type AdapterConfig } from '../adapter.config.js';
import type { AgencyAdapterDefinition } from '../agency-adapter.js';
import { AgreementBook } from '../agreement-book.js';
import { AuditWitness } from '../audit-witness.js';
import { CaseworkerSimulation } from '../caseworker-simulation.js';
import { Faults } from '../faults.js';
import { QueryAnswerer } from '../query-answerer.js';
import { ReferralInbox } from '../referral-inbox.js';
import { AdapterHealthController } from './adapter-health.controller.js';
import { AdapterMessagesController } from './adapter-messages.controller.js';
import { AuditCheckpointsController } from './audit-checkpoints.controller.js';
import { AdapterMetrics, AdapterMetricsController } from './adapter-metrics.js';
import { ADAPTER_CONFIG, ADAPTER_DEFINITION, ADAPTER_POOL } from './adapter.tokens.js';
import { AdapterJwksController } from './jwks.controller.js';
import { CaseworkerAuthGuard } from './caseworker-auth.guard.js';
import { AgencyController, InboxController } from './inbox.controller.js';

/** Prepares the adapter's schema and starts its background work; stops it all in order on shutdown. */
class AdapterLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('adapter');

  constructor(
    @Inject(ADAPTER_DEFINITION) private readonly definition: AgencyAdapterDefinition,
    @Inject(ADAPTER_CONFIG) private readonly config: AdapterConfig,
    @Inject(ADAPTER_POOL) private readonly pool: pg.Pool,
    private readonly messaging: MessagingClient,
    private readonly idempotency: PgIdempotencyStore,
    private readonly book: AgreementBook,
    private readonly inbox: ReferralInbox,
    private readonly outbox: PgOutbox,
    private readonly simulation: CaseworkerSimulation,
    private readonly witness: AuditWitness,
  ) {}

  async onModuleInit(): Promise<void> {
    const { schema, registerSeed, registerSize } = this.config;
    const seeded = await this.definition.register.ensureSeeded(this.pool, {
      schema,
      seed: registerSeed,
      size: registerSize,
    });
    if (seeded.seeded) this.logger.log(`register ${schema} seeded: ${seeded.people} people in ${seeded.ms} ms`);
    await this.idempotency.migrate();
    await this.book.migrate();
    await this.inbox.migrate();
    await this.outbox.migrate();
    await this.witness.migrate();
    await this.messaging.connect();
    await this.book.start();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.outbox.start();
    this.simulation.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.simulation.stop();
    await this.outbox.stop();
    await this.book.stop();
    await this.messaging.close();
    await this.pool.end();
  }
}

/** One agency's adapter as a Nest module: its register, policy re-check, referral inbox and caseworker API. */
@Module({})
export class AdapterModule {
  static forAgency(definition: AgencyAdapterDefinition, env: NodeJS.ProcessEnv = process.env): DynamicModule {
    const logger = new Logger(definition.service);
    return {
      module: AdapterModule,
      controllers: [
        AdapterMessagesController,
        InboxController,
        AgencyController,
        AdapterHealthController,
        AdapterMetricsController,
        AuditCheckpointsController,
        AdapterJwksController,
      ],
      providers: [
        { provide: ADAPTER_DEFINITION, useValue: definition },
        { provide: ADAPTER_CONFIG, useFactory: () => loadAdapterConfig(definition, env) },
        {
          provide: ADAPTER_POOL,
          inject: [ADAPTER_CONFIG],
          useFactory: (config: AdapterConfig) =>
            databasePool({ connectionString: config.databaseUrl, max: config.databasePoolSize }, logger),
        },
        {
          provide: MessagingClient,
          useFactory: () =>
            new MessagingClient(
              // the organisation it speaks for is the one its catalogue names, not an entry in a list of services
              messagingOptionsFrom(
                loadMessagingConfig(definition.service, { ...env, ORGANISATION: definition.organisation }),
                messageTypes,
              ),
              logger,
            ),
        },
        {
          provide: PgIdempotencyStore,
          inject: [ADAPTER_POOL, ADAPTER_CONFIG],
          useFactory: (pool: pg.Pool, config: AdapterConfig) => new PgIdempotencyStore(pool, config.schema),
        },
        {
          provide: PgOutbox,
          inject: [ADAPTER_POOL, MessagingClient, ADAPTER_CONFIG],
          useFactory: (pool: pg.Pool, messaging: MessagingClient, config: AdapterConfig) =>
            new PgOutbox(pool, messaging, { schema: config.schema }, logger),
        },
        {
          provide: AgreementBook,
          inject: [ADAPTER_POOL, ADAPTER_CONFIG],
          useFactory: (pool: pg.Pool, config: AdapterConfig) =>
            new AgreementBook(pool, config.databaseUrl, config.schema, definition.agency, logger),
        },
        {
          provide: AuditWitness,
          inject: [ADAPTER_POOL, ADAPTER_CONFIG, PgOutbox],
          useFactory: (pool: pg.Pool, config: AdapterConfig, outbox: PgOutbox) =>
            new AuditWitness(pool, config.schema, definition.agency, outbox, logger),
        },
        {
          provide: Faults,
          inject: [ADAPTER_CONFIG],
          useFactory: (config: AdapterConfig) => new Faults(config.faults),
        },
        {
          provide: QueryAnswerer,
          inject: [ADAPTER_POOL, ADAPTER_CONFIG, AgreementBook],
          useFactory: (pool: pg.Pool, config: AdapterConfig, book: AgreementBook) =>
            new QueryAnswerer(definition, pool, config.schema, book, config.trustedRequesters),
        },
        {
          provide: ReferralInbox,
          inject: [ADAPTER_POOL, ADAPTER_CONFIG, AgreementBook, PgOutbox],
          useFactory: (pool: pg.Pool, config: AdapterConfig, book: AgreementBook, outbox: PgOutbox) =>
            new ReferralInbox(definition, pool, config.schema, book, outbox),
        },
        {
          provide: CaseworkerSimulation,
          inject: [ReferralInbox, ADAPTER_CONFIG],
          useFactory: (inbox: ReferralInbox, config: AdapterConfig) =>
            new CaseworkerSimulation(inbox, config.caseworker, logger),
        },
        AdapterLifecycle,
        AdapterMetrics,
        { provide: APP_GUARD, useClass: CaseworkerAuthGuard },
        { provide: APP_PIPE, useValue: validationPipe },
        { provide: APP_FILTER, useClass: ApiErrorFilter },
      ],
    };
  }
}
