import { buildAsyncApi, deliveryText } from './asyncapi.js';
import { ordered, SchemaBuilder, type JsonSchema } from './json-schema.js';
import { exampleEnvelope, messageTypes } from './messages/index.js';
import type { MessageTypeRegistry, MessageTypeSpec } from './registry.js';
import type { SystemDescription } from './system-description.js';

/** Where the generated contract lives, relative to the repository root. */
export const GENERATED_DIR = 'contracts/generated';
export const schemaPath = (type: string) => `${GENERATED_DIR}/schemas/${type}.schema.json`;
export const ASYNCAPI_PATH = `${GENERATED_DIR}/asyncapi.json`;

export const schemaId = (type: string) => `urn:samtjanst-hub:contracts:${type}`;

/** The JSON Schema (2020-12) of a whole message of one type: the envelope with that type's payload. */
export function messageSchema(spec: MessageTypeSpec): JsonSchema {
  const builder = new SchemaBuilder('#/$defs/');
  const envelope = builder.envelopeSchema(spec);
  return ordered({
    ...envelope,
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: schemaId(spec.type),
    title: spec.type,
    description: `${spec.summary} ${deliveryText(spec)}`,
    examples: [exampleEnvelope(spec)],
    $defs: builder.definitions(),
  });
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Every generated file, by path from the repository root: `npm run contracts` writes exactly this. The system's
 * topology is read from the services' own code by scripts/describe-system.ts: the contract depends on none of them.
 */
export function generateContracts(
  system: SystemDescription,
  registry: MessageTypeRegistry = messageTypes,
): Record<string, string> {
  const files: Record<string, string> = {};
  for (const spec of [...registry.all()].sort((a, b) => a.type.localeCompare(b.type, 'en'))) {
    files[schemaPath(spec.type)] = json(messageSchema(spec));
  }
  files[ASYNCAPI_PATH] = json(buildAsyncApi(registry, system));
  return files;
}
