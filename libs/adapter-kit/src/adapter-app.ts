import { Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { EXCHANGES, routingKeys } from '@hub/contracts';
import { configureHttp, httpAdapter, serveWebUi } from '@hub/http';
import { AmqpServer, MessagingClient, PgIdempotencyStore } from '@hub/messaging';
import { nestLoggerFor } from '@hub/observability';
import type { AdapterConfig } from './adapter.config.js';
import { adapterQueues } from './adapter-queues.js';
import { catalogueOf, type AgencyAdapterDefinition } from './agency-adapter.js';
import { ADAPTER_CONFIG } from './nest/adapter.tokens.js';
import { AdapterModule } from './nest/adapter.module.js';

/** The caseworker API takes small bodies only: a decision, a note. */
const MAX_BODY_BYTES = 16 * 1024;

export interface RunningAdapter {
  app: NestFastifyApplication;
  url: string;
  logger: Logger;
  /** resolves when the hub has the catalogue (the broker routed the announcement to its queue) */
  announced: Promise<void>;
  close(): Promise<void>;
}

export interface AdapterStartOptions {
  env?: NodeJS.ProcessEnv;
  /** overrides the configured HOST */
  host?: string;
  /** Nest's log levels, or a logger; the default writes JSON lines at LOG_LEVEL (info) to stdout */
  logger?: Array<'log' | 'error' | 'warn' | 'debug' | 'verbose'> | LoggerService;
}

/**
 * Starts an agency adapter: seeds its register on first start, consumes its queries, referrals and the hub's
 * notices, serves the caseworker API, and announces its catalogue (again and again until the hub's queue takes it).
 */
export async function startAdapter(
  definition: AgencyAdapterDefinition,
  options: AdapterStartOptions = {},
): Promise<RunningAdapter> {
  const env = options.env ?? process.env;
  const app = await NestFactory.create<NestFastifyApplication>(
    AdapterModule.forAgency(definition, env),
    httpAdapter(MAX_BODY_BYTES),
    { bodyParser: false, logger: options.logger ?? nestLoggerFor(definition.service, env) },
  );
  configureHttp(app);
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready', 'metrics', '.well-known/jwks.json'] });
  app.enableShutdownHooks();
  const messaging = app.get(MessagingClient);
  app.connectMicroservice({
    strategy: new AmqpServer({
      messaging,
      idempotency: app.get(PgIdempotencyStore),
      queues: adapterQueues(definition),
    }),
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`${definition.name}: caseworker API`)
      .setDescription(`The referral inbox of ${definition.name} in the samtjänst hub; a bearer token of its staff.`)
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  const config = app.get<AdapterConfig>(ADAPTER_CONFIG);
  // the caseworkers' inbox: the same web UI as the hub's, logging in at the identity provider from the browser
  if (!serveWebUi(app, config.webDir, { connectSrc: [config.ui.issuer] }))
    new Logger(definition.service).warn('no web UI built (npm run build makes it); serving the API only');
  // Schema, register and agreements first (onModuleInit): Nest would otherwise start the consumers before them.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.port, options.host ?? config.host);
  const url = await app.getUrl();
  const logger = new Logger(definition.service);
  let closing = false;
  const announced = (async () => {
    for (let attempt = 1; !closing; attempt++) {
      try {
        await messaging.publish(EXCHANGES.event, routingKeys.catalogueAnnounced(definition.agency), {
          type: 'catalogue.announced.v1',
          payload: catalogueOf(definition),
        });
        logger.log(`catalogue announced (${definition.categories.length} categories)`);
        return;
      } catch (err) {
        if (attempt === 1) logger.warn(`catalogue not announced yet: ${(err as Error).message}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * attempt)));
      }
    }
  })();
  return {
    app,
    url: url.replace('[::1]', '127.0.0.1'),
    logger,
    announced,
    async close() {
      closing = true;
      await app.close();
    },
  };
}
