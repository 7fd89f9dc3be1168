import type { ChainedFields, DeniedCategory, Json } from './canonical.js';
import { isStorableText } from '@hub/contracts';
import { SUBJECT_KEY_FORMAT } from './subject-key.js';

export const AUDIT_KINDS = [
  'query',
  'referral',
  'consent',
  'agreement',
  'access-report',
  'catalogue',
  'parked-message',
  /** requests the HTTP layer refused (role, not a party, someone else's object), counted per actor, reason and route */
  'refusal',
  /** an operator registers, renames or closes an organisation */
  'organisation',
  /** a municipality's admin (or an operator) registers, renames or closes a unit */
  'unit',
  /** an errand forwarded to a department, and every step of it (issue 17) */
  'errand',
  /** a contact that names a subject (anonymous contacts are statistics, not audited) */
  'contact',
  /** a municipality's admin creates, changes or retires a topic of its taxonomy (category or type) */
  'topic',
  /** a knowledge-base article is written or edited (each edit a new version) */
  'article',
  /** a municipality's admin sets the follow-up targets of a unit or of the whole municipality (issue 18) */
  'follow-up-target',
  /** a complaint or suggestion registered, routed and answered (issue 18) */
  'complaint',
  /** a survey kiosk (the unit's tablet) paired by a staff member (issue 18) */
  'survey-kiosk',
  /** retention (gallring, issue 19): a municipality's periods changed, or a run of the job, one entry per kind of record */
  'retention',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** `citizen`: the person themselves, logged in with e-legitimation ("Mina uppgifter"); the subject key names them. */
export const ACTOR_KINDS = ['staff', 'service', 'citizen'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** What a caller records. The log adds `seq`, `at` (its own clock), `prevHash` and `hash`. */
export interface AuditEntryInput {
  kind: AuditKind;
  actorKind: ActorKind;
  /** staff id or service name */
  actor: string;
  /** organisationsnummer of the acting party */
  organisation?: string | null;
  unit?: string | null;
  agreementId?: string | null;
  agreementVersion?: number | null;
  purpose?: string | null;
  /** from `subjectKey()`: never the personnummer itself */
  subjectKey?: string | null;
  categoriesRequested?: readonly string[];
  categoriesReleased?: readonly string[];
  categoriesDenied?: readonly DeniedCategory[];
  /** e.g. `ok`, `denied`, `partial`, `timeout`, or a lifecycle change such as `accepted` */
  outcome: string;
  correlationId?: string | null;
  protectedIdentity?: boolean;
  /** anything else worth keeping (per-agency statuses, justification, referral type); JSON only */
  details?: Readonly<Record<string, unknown>>;
}

/** A stored entry, as `verify()` and `accessReport()` read it back. */
export interface AuditRecord extends ChainedFields {
  hash: string;
}

export type PreparedEntry = Omit<ChainedFields, 'seq' | 'at' | 'prevHash'>;

export class AuditEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditEntryError';
  }
}

function text(field: string, value: unknown, optional: false): string;
function text(field: string, value: unknown, optional: true): string | null;
function text(field: string, value: unknown, optional: boolean): string | null {
  if (value === undefined || value === null) {
    if (optional) return null;
    throw new AuditEntryError(`${field} is required`);
  }
  if (typeof value !== 'string' || value.length === 0) throw new AuditEntryError(`${field} must be a non-empty string`);
  // PostgreSQL refuses NUL, and the driver would turn a lone surrogate into U+FFFD: either way the stored row would
  // differ from what was hashed, or the whole batch would fail. HTTP input and broker messages are held to the same
  // rule where they come in (@hub/contracts isStorableText), so that this is the last line, not where a query fails.
  if (!isStorableText(value)) throw new AuditEntryError(`${field} holds NUL or an unpaired surrogate`);
  return value;
}

function textList(field: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new AuditEntryError(`${field} must be a list`);
  return value.map((item, i) => text(`${field}[${i}]`, item, false));
}

function checkJson(path: string, value: Json): void {
  if (typeof value === 'string') {
    if (!isStorableText(value)) throw new AuditEntryError(`${path} holds NUL or an unpaired surrogate`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(`${path}[${i}]`, item));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!isStorableText(key)) throw new AuditEntryError(`${path} has a key with NUL or an unpaired surrogate`);
      checkJson(`${path}.${key}`, item);
    }
  }
}

/** Validates and normalises an entry before it joins a batch, so that one bad entry never fails the others. */
export function prepareEntry(input: AuditEntryInput): PreparedEntry {
  if (input === null || typeof input !== 'object') throw new AuditEntryError('an audit entry must be an object');
  if (!(AUDIT_KINDS as readonly string[]).includes(input.kind)) {
    throw new AuditEntryError(`kind must be one of ${AUDIT_KINDS.join(', ')}`);
  }
  if (!(ACTOR_KINDS as readonly string[]).includes(input.actorKind)) {
    throw new AuditEntryError(`actorKind must be one of ${ACTOR_KINDS.join(', ')}`);
  }
  const agreementId = text('agreementId', input.agreementId, true);
  const version = input.agreementVersion ?? null;
  if (version !== null && !(Number.isInteger(version) && version >= 1 && version <= 2_147_483_647)) {
    throw new AuditEntryError('agreementVersion must be a positive integer');
  }
  if ((agreementId === null) !== (version === null)) {
    throw new AuditEntryError('agreementId and agreementVersion go together');
  }
  const subjectKey = text('subjectKey', input.subjectKey, true);
  if (subjectKey !== null && !SUBJECT_KEY_FORMAT.test(subjectKey)) {
    throw new AuditEntryError('subjectKey must be the 64 hex digits subjectKey() returns, never a personnummer');
  }
  const denied = input.categoriesDenied ?? [];
  if (!Array.isArray(denied)) throw new AuditEntryError('categoriesDenied must be a list');
  const protectedIdentity = input.protectedIdentity ?? false;
  if (typeof protectedIdentity !== 'boolean') throw new AuditEntryError('protectedIdentity must be a boolean');

  const rawDetails = input.details ?? {};
  if (typeof rawDetails !== 'object' || Array.isArray(rawDetails) || rawDetails === null) {
    throw new AuditEntryError('details must be an object');
  }
  let details: { [key: string]: Json };
  try {
    // What jsonb stores and gives back is the JSON form, so that is the form that gets hashed.
    details = JSON.parse(JSON.stringify(rawDetails)) as { [key: string]: Json };
  } catch (err) {
    throw new AuditEntryError(`details must be JSON: ${(err as Error).message}`);
  }
  checkJson('details', details);

  return {
    kind: input.kind,
    actorKind: input.actorKind,
    actor: text('actor', input.actor, false),
    organisation: text('organisation', input.organisation, true),
    unit: text('unit', input.unit, true),
    agreementId,
    agreementVersion: version,
    purpose: text('purpose', input.purpose, true),
    subjectKey,
    categoriesRequested: textList('categoriesRequested', input.categoriesRequested),
    categoriesReleased: textList('categoriesReleased', input.categoriesReleased),
    categoriesDenied: denied.map((d: DeniedCategory, i: number) => ({
      category: text(`categoriesDenied[${i}].category`, d?.category, false),
      reason: text(`categoriesDenied[${i}].reason`, d?.reason, false),
    })),
    outcome: text('outcome', input.outcome, false),
    correlationId: text('correlationId', input.correlationId, true),
    protectedIdentity,
    details,
  };
}
