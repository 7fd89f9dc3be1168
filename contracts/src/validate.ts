import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { Envelope } from './envelope.js';
import type { MessageTypeRegistry } from './registry.js';

export type ValidationResult = { ok: true; envelope: Envelope<object> } | { ok: false; reason: string };

const VALIDATOR_OPTIONS: ValidatorOptions = Object.freeze({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
});

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a parsed message body against the envelope and the payload class of its type. Synchronous: it runs
 * on every message and no rule is asynchronous. On success the envelope and its payload are class instances.
 */
export function validateMessage(plain: unknown, registry: MessageTypeRegistry): ValidationResult {
  if (!isPlainObject(plain)) return { ok: false, reason: 'message: must be a JSON object' };
  const problem = structuralProblem(plain, '', 1);
  if (problem) return { ok: false, reason: problem };
  const { payload, ...headers } = plain;

  // The payload is transformed once, below, into its own class; here the envelope only checks it is an object.
  const envelope = plainToInstance(Envelope, headers) as Envelope<object>;
  envelope.payload = payload as object;
  const envelopeErrors = validateSync(envelope, VALIDATOR_OPTIONS);
  if (envelopeErrors.length > 0) return { ok: false, reason: describe(envelopeErrors, '') };

  const spec = registry.get(envelope.type);
  if (!spec) return { ok: false, reason: `type: unknown message type ${envelope.type}` };
  if (spec.requiresAgreement) {
    if (envelope.agreement === undefined) return { ok: false, reason: `agreement: required for ${spec.type}` };
    if (envelope.purpose === undefined) return { ok: false, reason: `purpose: required for ${spec.type}` };
  }

  const instance = plainToInstance(spec.payload, payload as object);
  const payloadErrors = validateSync(instance, VALIDATOR_OPTIONS);
  if (payloadErrors.length > 0) return { ok: false, reason: describe(payloadErrors, 'payload.') };
  envelope.payload = instance;
  return { ok: true, envelope };
}

const RESERVED_KEYS = ['__proto__', 'constructor'];
/** Far deeper than any contract needs; bounds the recursion of class-transformer and class-validator. */
export const MAX_DEPTH = 32;

/**
 * The first structural problem the class rules cannot see: nesting deeper than MAX_DEPTH, or a `__proto__` or
 * `constructor` key, which class-transformer silently drops (so forbidNonWhitelisted never sees it; the schema does).
 */
function structuralProblem(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_DEPTH) return `${path.slice(0, -1) || 'message'}: nested deeper than ${MAX_DEPTH} levels`;
  if (!Array.isArray(value)) {
    for (const key of RESERVED_KEYS) if (Object.hasOwn(value, key)) return `${path}${key}: unknown property`;
  }
  for (const [key, child] of Object.entries(value)) {
    const found = structuralProblem(child, `${path}${key}.`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The first failure as `path: message`, and how many more there are. */
function describe(errors: ValidationError[], prefix: string): string {
  const failures: string[] = [];
  collect(errors, prefix, failures);
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : '';
  return `${failures[0] ?? `${prefix || 'message'}: invalid`}${more}`;
}

function collect(errors: ValidationError[], prefix: string, out: string[]): void {
  for (const error of errors) {
    const path = `${prefix}${error.property}`;
    // class-validator lists a property's failures in reverse source order; source order puts the type check first
    for (const [name, message] of Object.entries(error.constraints ?? {}).reverse()) {
      out.push(
        `${path}: ${name === 'whitelistValidation' ? 'unknown property' : stripSubject(message, error.property)}`,
      );
    }
    if (error.children?.length) collect(error.children, `${path}.`, out);
  }
}

// class-validator's messages start with the property name, which the path already gives.
function stripSubject(message: string, property: string): string {
  if (message.startsWith(`${property} `)) return message.slice(property.length + 1);
  const each = `each value in ${property} `;
  return message.startsWith(each) ? `each value ${message.slice(each.length)}` : message;
}
