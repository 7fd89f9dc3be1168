import { Logger, type INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type pg from 'pg';
import { configureHttp, serveWebUi } from '@hub/http';
import { AmqpServer, MessagingClient, PgIdempotencyStore } from '@hub/messaging';
import { HUB_CONFIG, type HubConfig } from './config/hub.config.js';
import { PG_POOL } from './core/core.module.js';
import { HUB_QUEUES } from './messaging/hub-queues.js';
import { hubOpenApiDocument, setHubGlobalPrefix } from './openapi/hub-openapi.js';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Shared by main.ts and the tests (both create the app on `httpAdapter(MAX_BODY_BYTES)`): JSON bodies, a correlation
 * id per request, the `/api` prefix, the OpenAPI document at /api/docs, shutdown hooks, and the hub's consumers of
 * broker events (started by `startAllMicroservices`).
 */
export function configureHub(app: NestFastifyApplication): INestApplication {
  configureHttp(app);
  setHubGlobalPrefix(app);
  app.connectMicroservice({
    strategy: new AmqpServer({
      messaging: app.get(MessagingClient),
      idempotency: new PgIdempotencyStore(app.get<pg.Pool>(PG_POOL)),
      queues: HUB_QUEUES,
    }),
  });
  app.enableShutdownHooks();
  const { webDir } = app.get<HubConfig>(HUB_CONFIG);
  if (!serveWebUi(app, webDir))
    new Logger('hub').warn(`no web UI at ${webDir} (npm run build makes it); serving the API only`);
  const document = hubOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
