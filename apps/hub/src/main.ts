import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { httpAdapter } from '@hub/http';
import { nestLoggerFor } from '@hub/observability';
import { AppModule } from './app.module.js';
import { HUB_CONFIG, type HubConfig } from './config/hub.config.js';
import { configureHub, MAX_BODY_BYTES } from './configure-hub.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, httpAdapter(MAX_BODY_BYTES), {
    bodyParser: false,
    logger: nestLoggerFor('hub'),
  });
  configureHub(app);
  const config = app.get<HubConfig>(HUB_CONFIG);
  // migrations and every module's start-up first: Nest would otherwise start the consumers before them
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.port, config.host);
  new Logger('hub').log(`listening on http://${config.host}:${config.port} (API docs at /api/docs)`);
}

bootstrap().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
