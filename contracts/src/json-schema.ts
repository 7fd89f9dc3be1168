import { plainToInstance } from 'class-transformer';
import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  ARRAY_NOT_EMPTY,
  ARRAY_UNIQUE,
  getMetadataStorage,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_IN,
  IS_INT,
  IS_OBJECT,
  IS_STRING,
  IS_UUID,
  MATCHES,
  MAX,
  MAX_LENGTH,
  MIN,
  MIN_LENGTH,
  ValidationTypes,
} from 'class-validator';
import {
  conditionMeaning,
  DATE_PATTERN,
  DATE_TIME_PATTERN,
  descriptionOf,
  IS_DATE,
  IS_DATE_TIME,
  IS_RECORD,
} from './decorators.js';
import { Envelope } from './envelope.js';
import type { MessageTypeSpec } from './registry.js';

export type JsonSchema = { [keyword: string]: unknown };
type Class = new () => object;

/** The UUIDs class-validator's IsUUID() accepts (validator.js `all`), spelled without the `i` flag JSON Schema lacks. */
export const UUID_PATTERN =
  '^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|[fF]{8}-[fF]{4}-[fF]{4}-[fF]{4}-[fF]{12})$';

// Keyword order of every emitted schema object, so that the checked-in files are stable and readable.
const KEYWORD_ORDER = [
  '$schema',
  '$id',
  '$ref',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'uniqueItems',
  'items',
  'maxProperties',
  'properties',
  'required',
  'additionalProperties',
  'anyOf',
  'examples',
  '$defs',
];

/** Puts a schema's keywords in KEYWORD_ORDER; fails on a keyword it does not know, so none is emitted unordered. */
export function ordered(schema: JsonSchema): JsonSchema {
  const unknown = Object.keys(schema).filter((k) => !KEYWORD_ORDER.includes(k));
  if (unknown.length > 0) throw new Error(`unordered schema keywords: ${unknown.join(', ')}`);
  return Object.fromEntries(KEYWORD_ORDER.filter((k) => k in schema).map((k) => [k, schema[k]]));
}

interface Rule {
  name: string;
  constraints: unknown[];
  each: boolean;
}

/**
 * Derives JSON Schema from class-validator metadata. Each class becomes one definition, referenced as
 * `<refPrefix><ClassName>`; an unknown validator is an error rather than a silently missing constraint.
 */
export class SchemaBuilder {
  private readonly defs = new Map<string, { cls: object; schema?: JsonSchema }>();

  constructor(private readonly refPrefix: string) {}

  ref(cls: Class): JsonSchema {
    const known = this.defs.get(cls.name);
    if (known && known.cls !== cls) throw new Error(`two contract classes are named ${cls.name}`);
    if (!known) {
      const entry: { cls: object; schema?: JsonSchema } = { cls };
      this.defs.set(cls.name, entry);
      entry.schema = this.objectSchema(cls);
    }
    return { $ref: `${this.refPrefix}${cls.name}` };
  }

  /** Every definition referenced so far, by class name in alphabetical order. */
  definitions(): Record<string, JsonSchema> {
    return Object.fromEntries(
      [...this.defs.entries()].sort(([a], [b]) => a.localeCompare(b, 'en')).map(([name, def]) => [name, def.schema!]),
    );
  }

  /** The envelope of one message type: its `type` is a constant and its payload the type's payload class. */
  envelopeSchema(spec: MessageTypeSpec): JsonSchema {
    const schema = this.objectSchema(Envelope);
    const properties = schema.properties as Record<string, JsonSchema>;
    properties.type = { const: spec.type };
    properties.payload = this.ref(spec.payload);
    if (spec.requiresAgreement) {
      const required = new Set([...(schema.required as string[]), 'agreement', 'purpose']);
      schema.required = Object.keys(properties).filter((p) => required.has(p));
    }
    schema.description = spec.summary;
    return ordered(schema);
  }

  objectSchema(cls: Class): JsonSchema {
    const byProperty = new Map<
      string,
      { rules: Rule[]; nested?: { each: boolean }; optional: boolean; unless?: string }
    >();
    const storage = getMetadataStorage();
    for (const meta of storage.getTargetValidationMetadatas(cls, '', true, false)) {
      const property = byProperty.get(meta.propertyName) ?? { rules: [], optional: false };
      byProperty.set(meta.propertyName, property);
      switch (meta.type) {
        case ValidationTypes.CUSTOM_VALIDATION: {
          const name = storage.getTargetValidatorConstraints(meta.constraintCls)[0]?.name;
          if (!name) throw new Error(`${cls.name}.${meta.propertyName}: validator without a name`);
          property.rules.push({ name, constraints: meta.constraints ?? [], each: meta.each });
          break;
        }
        case ValidationTypes.NESTED_VALIDATION:
          property.nested = { each: meta.each };
          break;
        case ValidationTypes.IS_DEFINED:
          break;
        case ValidationTypes.CONDITIONAL_VALIDATION: {
          const meaning =
            meta.name === 'isOptional' ? { kind: 'optional' as const } : conditionMeaning(meta.constraints[0]);
          if (!meaning)
            throw new Error(`${cls.name}.${meta.propertyName}: a ValidateIf condition JSON Schema cannot express`);
          property.optional = true;
          if (meaning.kind === 'required-unless') property.unless = meaning.other;
          break;
        }
        default:
          throw new Error(`${cls.name}.${meta.propertyName}: unsupported validation ${meta.type}`);
      }
    }

    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    const anyOf: JsonSchema[] = [];
    for (const [name, property] of byProperty) {
      const schema = this.propertySchema(cls, name, property.rules, property.nested);
      const description = descriptionOf(cls, name);
      properties[name] = ordered(description ? { ...schema, description } : schema);
      if (!property.optional) required.push(name);
      if (property.unless && name < property.unless) anyOf.push({ required: [name] }, { required: [property.unless] });
    }
    const description = descriptionOf(cls);
    return ordered({
      type: 'object',
      ...(description && { description }),
      properties,
      required,
      additionalProperties: false,
      ...(anyOf.length > 0 && { anyOf }),
    });
  }

  private propertySchema(cls: Class, property: string, rules: Rule[], nested?: { each: boolean }): JsonSchema {
    const value: JsonSchema = {};
    const item: JsonSchema = {};
    for (const rule of rules) apply(rule.each ? item : value, rule, `${cls.name}.${property}`);
    if (nested) {
      const ref = this.ref(nestedClass(cls, property, nested.each));
      if (!nested.each) return { ...ref, ...value };
      Object.assign(item, ref);
    }
    if (Object.keys(item).length > 0) {
      if (value.type !== 'array') throw new Error(`${cls.name}.${property}: rules for each item of a non-array`);
      value.items = ordered(item);
    }
    return value;
  }
}

function setType(schema: JsonSchema, type: string, where: string): void {
  if (schema.type !== undefined && schema.type !== type)
    throw new Error(`${where}: both ${String(schema.type)} and ${type}`);
  schema.type = type;
}

function patternOf(source: unknown, where: string): string {
  if (source instanceof RegExp) {
    if (source.flags) throw new Error(`${where}: regular expression flags have no JSON Schema equivalent`);
    return source.source;
  }
  if (typeof source === 'string') return source;
  throw new Error(`${where}: pattern is not a regular expression`);
}

function apply(schema: JsonSchema, { name, constraints: c }: Rule, where: string): void {
  switch (name) {
    case IS_STRING:
      return setType(schema, 'string', where);
    case IS_BOOLEAN:
      return setType(schema, 'boolean', where);
    case IS_INT:
      return setType(schema, 'integer', where);
    case IS_OBJECT:
      return setType(schema, 'object', where);
    case IS_ARRAY:
      return setType(schema, 'array', where);
    case IS_RECORD:
      setType(schema, 'object', where);
      schema.maxProperties = c[0];
      return;
    case MATCHES:
      if (c[1]) throw new Error(`${where}: regular expression modifiers have no JSON Schema equivalent`);
      setType(schema, 'string', where);
      schema.pattern = patternOf(c[0], where);
      return;
    case MIN_LENGTH:
    case MAX_LENGTH:
      setType(schema, 'string', where);
      schema[name === MIN_LENGTH ? 'minLength' : 'maxLength'] = c[0];
      return;
    case IS_UUID:
      if (c[0] !== undefined && c[0] !== 'all') throw new Error(`${where}: only IsUUID() of any version is supported`);
      setType(schema, 'string', where);
      schema.format = 'uuid';
      schema.pattern = UUID_PATTERN;
      return;
    case IS_DATE_TIME:
    case IS_DATE:
      setType(schema, 'string', where);
      schema.format = name === IS_DATE ? 'date' : 'date-time';
      schema.pattern = (name === IS_DATE ? DATE_PATTERN : DATE_TIME_PATTERN).source;
      return;
    case IS_IN: {
      const values = c[0] as unknown[];
      if (!values.every((v) => typeof v === 'string')) throw new Error(`${where}: only string enums are supported`);
      setType(schema, 'string', where);
      schema.enum = [...values];
      return;
    }
    case MIN:
      schema.minimum = c[0];
      return;
    case MAX:
      schema.maximum = c[0];
      return;
    case ARRAY_NOT_EMPTY:
      setType(schema, 'array', where);
      schema.minItems = 1;
      return;
    case ARRAY_MIN_SIZE:
      setType(schema, 'array', where);
      schema.minItems = c[0];
      return;
    case ARRAY_MAX_SIZE:
      setType(schema, 'array', where);
      schema.maxItems = c[0];
      return;
    case ARRAY_UNIQUE:
      if (c[0] !== undefined) throw new Error(`${where}: ArrayUnique with an identifier has no JSON Schema equivalent`);
      setType(schema, 'array', where);
      schema.uniqueItems = true;
      return;
    default:
      throw new Error(`${where}: validator ${name} has no JSON Schema mapping`);
  }
}

/** The class @Type gives a nested property, found through class-transformer's public API. */
function nestedClass(cls: Class, property: string, each: boolean): Class {
  const probe = plainToInstance(cls, { [property]: each ? [{}] : {} }) as Record<string, unknown>;
  const value = each ? (probe[property] as unknown[])[0] : probe[property];
  const nested = (value as object).constructor;
  if (nested === Object) throw new Error(`${cls.name}.${property}: @ValidateNested() without @Type()`);
  return nested as Class;
}
