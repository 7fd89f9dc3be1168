import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The hub's API paths are under /api; probes and metrics stay at the root. */
export function setHubGlobalPrefix(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready', 'metrics', '.well-known/jwks.json'] });
}

/** The OpenAPI document the hub serves at /api/docs/openapi.json, from its controllers and DTOs. */
export function hubOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Samtjänst hub API')
      .setDescription(
        'Agreements, consents, catalogues and audit of the samtjänst hub. Every operation needs a bearer token.',
      )
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth(
        'hub_medborgare',
        {
          type: 'apiKey',
          in: 'cookie',
          description:
            'the citizen’s session of "Mina uppgifter" (e-legitimation at LoA3, /api/medborgare/login); the ' +
            'citizen’s operations take it and no staff credential',
        },
        'hub_medborgare',
      )
      .addSecurityRequirements('bearer')
      .build(),
  );
  // an operation marked `x-public` (a citizen's survey, a kiosk, the citizen's login) needs no token: its security
  // says so
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Array<{ 'x-public'?: boolean; security?: unknown[] }>) {
      if (operation?.['x-public']) operation.security = [];
    }
  }
  return document;
}
