import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import { httpAdapter } from '@hub/http';
import { AppModule } from '../app.module.js';
import { hubOpenApiDocument, setHubGlobalPrefix } from './hub-openapi.js';

export const OPENAPI_PATH = 'apps/web/src/api/openapi.json';
export const SCHEMA_PATH = 'apps/web/src/api/schema.d.ts';

/**
 * The document the hub serves, without a database, broker or configuration: Nest's preview mode builds the module
 * graph but creates no provider, and the document needs only the controllers and DTOs.
 */
export async function offlineHubOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule, httpAdapter(1), { preview: true, logger: false });
  try {
    setHubGlobalPrefix(app);
    return hubOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/**
 * The web client's view of the hub's API, by path relative to the repository: the OpenAPI document and the types
 * openapi-typescript makes of it. `npm run openapi` writes them; a unit spec fails when they are not current.
 */
export async function generateWebApiFiles(): Promise<Record<string, string>> {
  const document = await offlineHubOpenApiDocument();
  // a property with a default may be left out of a request (deadlineMs)
  const ast = await openapiTS(document as unknown as OpenAPI3, { defaultNonNullable: false });
  return {
    [OPENAPI_PATH]: `${JSON.stringify(document, null, 2)}\n`,
    [SCHEMA_PATH]: COMMENT_HEADER + astToString(ast),
  };
}
