import { ValidateBy, ValidateIf, buildMessage, isISO8601, type ValidationOptions } from 'class-validator';

/*
 * Validation decorators whose meaning the JSON Schema generator (json-schema.ts) knows, so the hub's
 * class-validator checks and the published schemas accept exactly the same messages.
 */

type Condition = (object: Record<string, unknown>, value: unknown) => boolean;

const isPresent: Condition = (_object, value) => value !== undefined;
const requiredUnlessConditions = new WeakMap<object, string>();

/** Like IsOptional, but only absence is allowed: IsOptional would also let `null` through, which the schema rejects. */
export function Optional(): PropertyDecorator {
  return ValidateIf(isPresent);
}

/** Validated when present or when `other` is absent: at least one of the two properties is required. */
export function RequiredUnless(other: string): PropertyDecorator {
  const condition: Condition = (object, value) => value !== undefined || object[other] === undefined;
  requiredUnlessConditions.set(condition, other);
  return ValidateIf(condition);
}

export type ConditionMeaning = { kind: 'optional' } | { kind: 'required-unless'; other: string };

/** What a ValidateIf condition registered by this module means; undefined for any other condition. */
export function conditionMeaning(condition: unknown): ConditionMeaning | undefined {
  if (condition === isPresent) return { kind: 'optional' };
  const other = typeof condition === 'function' ? requiredUnlessConditions.get(condition) : undefined;
  return other === undefined ? undefined : { kind: 'required-unless', other };
}

/** RFC 3339 date-time with an explicit offset: stricter than ISO 8601, and what JSON Schema's `date-time` means. */
export const DATE_TIME_PATTERN =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$/;
export const DATE_PATTERN = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

export const IS_DATE_TIME = 'isDateTime';
export const IS_DATE = 'isDate';
export const IS_RECORD = 'isRecord';

export function IsDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: IS_DATE_TIME,
      validator: {
        // isISO8601 strict rejects impossible calendar dates such as 2025-02-30, which the pattern lets through
        validate: (value) =>
          typeof value === 'string' && DATE_TIME_PATTERN.test(value) && isISO8601(value, { strict: true }),
        defaultMessage: buildMessage((each) => `${each}$property must be an RFC 3339 date-time`, options),
      },
    },
    options,
  );
}

export function IsDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: IS_DATE,
      validator: {
        validate: (value) =>
          typeof value === 'string' && DATE_PATTERN.test(value) && isISO8601(value, { strict: true }),
        defaultMessage: buildMessage((each) => `${each}$property must be a date (YYYY-MM-DD)`, options),
      },
    },
    options,
  );
}

/** A free-form JSON object (not an array) with at most `maxProperties` keys. */
export function IsRecord(maxProperties: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: IS_RECORD,
      constraints: [maxProperties],
      validator: {
        validate: (value) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= maxProperties,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an object with at most $constraint1 keys`,
          options,
        ),
      },
    },
    options,
  );
}

const descriptions = new WeakMap<object, Map<string | undefined, string>>();

/** Documentation for the generated JSON Schema and AsyncAPI: JSDoc does not survive compilation. */
export function Describe(text: string) {
  return (target: object, property?: string | symbol): void => {
    const owner = typeof target === 'function' ? target : target.constructor;
    const texts = descriptions.get(owner) ?? new Map<string | undefined, string>();
    texts.set(property === undefined ? undefined : String(property), text);
    descriptions.set(owner, texts);
  };
}

/** The description of a class (property undefined) or of one of its properties, inherited from base classes. */
export function descriptionOf(cls: object, property?: string): string | undefined {
  for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const text = descriptions.get(c)?.get(property);
    if (text !== undefined) return text;
    if (property === undefined) return undefined;
  }
  return undefined;
}
