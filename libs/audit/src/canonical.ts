import { createHash } from 'node:crypto';

/**
 * The canonical encoding an audit entry's hash is taken over, so that anyone holding the log can recompute it.
 *
 * - The document is a JSON object with exactly the fields of `CHAINED_FIELDS` plus `"v": 1` (the format version).
 *   An absent optional field is `null`, never left out; lists keep their order.
 * - `at` is an ISO 8601 timestamp in UTC with milliseconds: `2026-03-01T09:30:00.123Z`.
 * - Serialised as RFC 8785 (JCS) for these value types: no whitespace, object keys sorted by UTF-16 code units at
 *   every depth, strings and numbers exactly as ECMAScript `JSON.stringify` writes them.
 * - hash = lowercase hex SHA-256 of the UTF-8 bytes; the first entry's `prevHash` is `GENESIS_HASH`.
 */
export const CANONICAL_VERSION = 1;

export const GENESIS_HASH = '0'.repeat(64);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface DeniedCategory {
  category: string;
  reason: string;
}

/** Everything the hash covers: the stored entry without its own hash. */
export interface ChainedFields {
  seq: number;
  at: string;
  kind: string;
  actorKind: string;
  actor: string;
  organisation: string | null;
  unit: string | null;
  agreementId: string | null;
  agreementVersion: number | null;
  purpose: string | null;
  subjectKey: string | null;
  categoriesRequested: string[];
  categoriesReleased: string[];
  categoriesDenied: DeniedCategory[];
  outcome: string;
  correlationId: string | null;
  protectedIdentity: boolean;
  details: { [key: string]: Json };
  prevHash: string;
}

export const CHAINED_FIELDS = [
  'seq',
  'at',
  'kind',
  'actorKind',
  'actor',
  'organisation',
  'unit',
  'agreementId',
  'agreementVersion',
  'purpose',
  'subjectKey',
  'categoriesRequested',
  'categoriesReleased',
  'categoriesDenied',
  'outcome',
  'correlationId',
  'protectedIdentity',
  'details',
  'prevHash',
] as const satisfies readonly (keyof ChainedFields)[];

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
      const proto = Object.getPrototypeOf(value) as unknown;
      // A Date or Map would otherwise encode as {} and two different values would share a hash.
      if (proto !== Object.prototype && proto !== null) throw new TypeError('canonical JSON takes plain objects only');
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot encode ${typeof value}`);
  }
}

export function canonicalEntry(fields: ChainedFields): string {
  const doc: Record<string, unknown> = { v: CANONICAL_VERSION };
  for (const name of CHAINED_FIELDS) {
    const value = fields[name];
    if (value === undefined) throw new TypeError(`audit entry field ${name} is missing`);
    doc[name] = value;
  }
  return canonicalJson(doc);
}

/** The fields that depend on an entry's place in the chain, known only once the chain head is locked. */
export type ChainSlot = 'seq' | 'at' | 'prevHash';

const DOC_KEYS = [...CHAINED_FIELDS, 'v'].sort();
const isSlot = (key: string): key is ChainSlot => key === 'seq' || key === 'at' || key === 'prevHash';

/**
 * The canonical encoding cut around the chain slots, so that the costly part is done before the head is locked and
 * inside the lock only `fillTemplate` remains: `fillTemplate(entryTemplate(f), f) === canonicalEntry(f)`.
 */
export interface EntryTemplate {
  parts: string[];
  slots: ChainSlot[];
}

export function entryTemplate(fields: Omit<ChainedFields, ChainSlot>): EntryTemplate {
  const parts: string[] = [];
  const slots: ChainSlot[] = [];
  let current = '{';
  DOC_KEYS.forEach((key, i) => {
    current += `${i === 0 ? '' : ','}${JSON.stringify(key)}:`;
    if (isSlot(key)) {
      parts.push(current);
      slots.push(key);
      current = '';
      return;
    }
    const value = key === 'v' ? CANONICAL_VERSION : fields[key as keyof typeof fields];
    if (value === undefined) throw new TypeError(`audit entry field ${key} is missing`);
    current += canonicalJson(value);
  });
  parts.push(`${current}}`);
  return { parts, slots };
}

export function fillTemplate(template: EntryTemplate, chain: Pick<ChainedFields, ChainSlot>): string {
  let out = template.parts[0]!;
  template.slots.forEach((slot, i) => {
    out += canonicalJson(chain[slot]) + template.parts[i + 1]!;
  });
  return out;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function entryHash(fields: ChainedFields): string {
  return sha256Hex(canonicalEntry(fields));
}
