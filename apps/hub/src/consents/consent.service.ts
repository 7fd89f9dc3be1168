import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '@hub/audit';
import {
  EXCHANGES,
  maskPersonnummer,
  RETIRED_CONSENT_METHODS,
  routingKeys,
  type ConsentMethod,
  type ConsentRevokedV1,
} from '@hub/contracts';
import { Transactions, type Queryable } from '@hub/database';
import { MessagingClient, UnroutableMessageError } from '@hub/messaging';
import { dayKey, oneYearAfter, swedishDay, swedishDayKey, type CatalogueIndex, type Consent } from '@hub/policy';
import type { StaffUser } from '../auth/staff-user.js';
import { unitOf } from '../auth/unit-of.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { apiException, type ErrorCode } from '../http/http-errors.js';
import type { ConsentStatus, ConsentView, RecordConsentDto, StartConsentSigningDto } from './consent.dto.js';
import { ConsentRepository, type ConsentRecord, type PolicyFacts, type SubjectKeys } from './consent.repository.js';
import { Subjects } from '../core/subjects.js';
import { DEFAULT_PHONE_CONSENT_DAYS } from '../organisations/organisation.types.js';

/** How long a revocation waits for the broker's confirm before it gives up and rolls back. */
const PUBLISH_TIMEOUT_MS = 10_000;

/** Who revokes: a staff member of the unit, or the citizen themselves in "Mina uppgifter" (by their subject keys). */
export type Revoker = { kind: 'staff'; user: StaffUser } | { kind: 'citizen'; subjectKeys: readonly string[] };

/** What `revoked_by` and `consent.revoked.v1` name when the citizen revoked the consent themselves. */
export const CITIZEN_ACTOR = 'citizen';

/** `YYYY-MM-DD` plus `days` calendar days. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export interface ScopeProblem {
  error: Extract<
    ErrorCode,
    'unknown-agency' | 'unknown-category' | 'category-agency-not-named' | 'category-never' | 'agency-without-category'
  >;
  message: string;
}

/** What the catalogues say against a consent's agencies and categories; empty when the scope is acceptable. */
export function scopeProblems(
  agencies: readonly string[],
  categories: readonly string[],
  index: CatalogueIndex,
): ScopeProblem[] {
  const problems: ScopeProblem[] = [];
  const named = new Set<string>();
  for (const agency of agencies) {
    if (!index.agency(agency)) {
      problems.push({ error: 'unknown-agency', message: `agency ${agency} has announced no catalogue` });
    }
  }
  for (const code of categories) {
    const owner = code.slice(0, code.indexOf('.'));
    const category = index.agency(owner)?.categories.get(code);
    if (agencies.includes(owner)) named.add(owner);
    if (!category) {
      problems.push({ error: 'unknown-category', message: `${code} is in no agency's catalogue` });
    } else if (!agencies.includes(owner)) {
      problems.push({ error: 'category-agency-not-named', message: `${code} belongs to ${owner}, which is not named` });
    } else if (category.secrecyClass === 'never') {
      problems.push({ error: 'category-never', message: `${code} never crosses the hub, whatever the consent` });
    }
  }
  for (const agency of agencies) {
    if (index.agency(agency) && !named.has(agency)) {
      problems.push({ error: 'agency-without-category', message: `no category of ${agency} is named` });
    }
  }
  return problems;
}

export function consentStatus(consent: Pick<ConsentRecord, 'validFrom' | 'validUntil' | 'revokedAt'>, today: number) {
  const status: ConsentStatus = consent.revokedAt
    ? 'revoked'
    : today < dayKey(consent.validFrom)
      ? 'pending'
      : today > dayKey(consent.validUntil)
        ? 'expired'
        : 'active';
  return status;
}

const NO_UNIT = 'consents are given to a municipality unit, and your token names none';

/**
 * The consent registry (samtycke). Subjects are stored and compared only as their keyed hash; a consent belongs to
 * the municipality unit it was given to, and only that unit's guides and caseworkers see or revoke it.
 */
@Injectable()
export class ConsentService {
  private readonly logger = new Logger('consents');

  constructor(
    private readonly repository: ConsentRepository,
    private readonly transactions: Transactions,
    private readonly catalogues: CatalogueService,
    private readonly audit: AuditLog,
    private readonly messaging: MessagingClient,
    private readonly subjects: Subjects,
  ) {}

  async record(body: RecordConsentDto, user: StaffUser): Promise<ConsentView> {
    const unit = unitOf(user, NO_UNIT);
    refuseUnrecordableMethod(body.method);
    const subject = this.subjects.parse(body.subject);
    const validFrom = this.checkTerms(body);
    if (body.method === 'telefon') await this.checkPhoneValidity(validFrom, body.validUntil, user.organisation);
    const consent: ConsentRecord = {
      id: randomUUID(),
      subjectKey: subject.key,
      organisation: user.organisation,
      unit,
      purposes: body.purposes,
      agencies: body.agencies,
      categories: body.categories,
      method: body.method,
      recordedBy: user.id,
      validFrom,
      validUntil: body.validUntil,
      revokedAt: null,
      revokedBy: null,
      createdAt: new Date(),
    };
    // The audit entry is committed before the consent: a failure leaves a recorded attempt, never a silent consent.
    await this.transactions.run(async (tx) => {
      await this.repository.insert(consent, tx);
      await this.audit.append(auditEntry(consent, user, 'recorded'));
    });
    return view(consent, swedishDayKey(new Date()), maskPersonnummer(subject.personnummer));
  }

  /**
   * Checks the terms of a consent (dates, at most 12 months, agencies and categories against the catalogues) and
   * answers the first day of validity; throws the 400 that names the first problem.
   */
  checkTerms(terms: Pick<StartConsentSigningDto, 'validFrom' | 'validUntil' | 'agencies' | 'categories'>): string {
    const today = swedishDay(new Date());
    const validFrom = terms.validFrom ?? today;
    const from = dayKey(validFrom);
    const until = dayKey(terms.validUntil);
    if (Number.isNaN(from)) throw apiException('invalid-date', 'validFrom is not a calendar day');
    if (Number.isNaN(until)) throw apiException('invalid-date', 'validUntil is not a calendar day');
    if (from < dayKey(today)) throw apiException('valid-from-in-past', `validFrom may not be before today (${today})`);
    if (until < from) throw apiException('invalid-validity', 'validUntil is before validFrom');
    if (until > oneYearAfter(from)) {
      throw apiException(
        'consent-too-long',
        'a consent is valid for at most 12 months: validUntil may be at most the same date a year after validFrom',
      );
    }
    const problems = scopeProblems(terms.agencies, terms.categories, this.catalogues.index());
    if (problems.length > 0) {
      throw apiException(problems[0]!.error, problems.map((p) => p.message).join('; '), problems);
    }
    return validFrom;
  }

  /**
   * A consent given by phone is valid for at most the days the municipality set (DEFAULT_PHONE_CONSENT_DAYS when it
   * set none), counted from its first day: a longer one is refused, so that the staff member records what the
   * citizen can be held to, and the citizen confirms it in "Mina uppgifter".
   */
  async checkPhoneValidity(validFrom: string, validUntil: string, organisation: string): Promise<void> {
    const days = (await this.repository.phoneConsentDays(organisation)) ?? DEFAULT_PHONE_CONSENT_DAYS;
    const latest = addDays(validFrom, days);
    if (dayKey(validUntil) > dayKey(latest)) {
      throw apiException(
        'telefon-consent-too-long',
        `a consent given by phone is valid for at most ${days} days in your municipality: validUntil may be at ` +
          `most ${latest}`,
        { maxDays: days, latestValidUntil: latest },
      );
    }
  }

  /**
   * Stores a consent the citizen signed with e-legitimation, in the caller's transaction, with its audit entry naming
   * the signature's hash, the signed text's hash and the LoA.
   */
  async storeSigned(consent: ConsentRecord, user: StaffUser, tx: Queryable): Promise<ConsentView> {
    await this.repository.insert(consent, tx);
    await this.audit.append(auditEntry(consent, user, 'recorded'));
    return view(consent, swedishDayKey(new Date()));
  }

  /** The subject's consents given to the caller's own organisation and unit, newest first. */
  async list(subjectInput: string, user: StaffUser): Promise<ConsentView[]> {
    const unit = unitOf(user, NO_UNIT);
    const subject = this.subjects.parse(subjectInput);
    const rows = await this.repository.listOfUnit(subject.keys, user.organisation, unit);
    const today = swedishDayKey(new Date());
    const masked = maskPersonnummer(subject.personnummer);
    return rows.map((row) => view(row, today, masked));
  }

  /**
   * Revokes at once, and answers only after the broker confirmed `consent.revoked.v1`: if it does not, nothing is
   * revoked and the caller is told to try again, so that adapters are never left relying on a revoked consent.
   */
  async revoke(id: string, user: StaffUser): Promise<ConsentView> {
    const unit = unitOf(user, NO_UNIT);
    return this.revokeAs(id, { kind: 'staff', user }, (consent) => {
      // Another unit's consent is reported as missing, so that its existence is not disclosed either.
      return consent.organisation === user.organisation && consent.unit === unit;
    });
  }

  /**
   * The citizen revokes one of their own consents ("Mina uppgifter"), by the same path as staff: the agencies are told
   * before the answer. Someone else's consent answers 404, as one that does not exist.
   */
  async revokeByCitizen(id: string, subjectKeys: readonly string[]): Promise<ConsentView> {
    return this.revokeAs(id, { kind: 'citizen', subjectKeys }, (consent) => subjectKeys.includes(consent.subjectKey));
  }

  /** A citizen's own consents, given to any unit, newest first. */
  async listOfCitizen(subjectKeys: readonly string[]): Promise<ConsentView[]> {
    const rows = await this.repository.listOfSubjects(subjectKeys);
    const today = swedishDayKey(new Date());
    return rows.map((row) => view(row, today));
  }

  private async revokeAs(
    id: string,
    revoker: Revoker,
    mayRevoke: (consent: ConsentRecord) => boolean,
  ): Promise<ConsentView> {
    return this.transactions.run(async (tx) => {
      const consent = await this.repository.findForUpdate(id, tx);
      if (!consent || !mayRevoke(consent)) {
        throw apiException(
          'not-found',
          revoker.kind === 'staff' ? `no consent ${id} given to your unit` : `you have no consent ${id}`,
        );
      }
      if (consent.revokedAt) {
        throw apiException('already-revoked', `the consent was revoked at ${consent.revokedAt.toISOString()}`);
      }
      consent.revokedAt = new Date();
      consent.revokedBy = revoker.kind === 'staff' ? revoker.user.id : CITIZEN_ACTOR;
      await this.repository.markRevoked(id, consent.revokedAt, consent.revokedBy, tx);
      const messageId = await this.announceRevocation(consent);
      const entry =
        revoker.kind === 'staff' ? auditEntry(consent, revoker.user, 'revoked') : citizenAuditEntry(consent, 'revoked');
      await this.audit.append({ ...entry, details: { ...details(consent), messageId } });
      return view(consent, swedishDayKey(new Date()));
    });
  }

  /**
   * A subject's consents, all of them, as the policy reads them: stored under any of the subject's keys (`keys`, one
   * per period not shredded), each given as the subject's current key (`key`), which the policy compares with the
   * request's. Read afresh on every query, so that a revocation holds from the moment it is committed.
   */
  async policyConsents(subject: SubjectKeys): Promise<Consent[]> {
    return (await this.policyFacts(subject)).consents;
  }

  /**
   * The subject's consents and whether SKV has reported the subject protected, read afresh like
   * `policyConsents`; the lookups of queries arriving together share one round trip.
   */
  policyFacts(subject: SubjectKeys): Promise<PolicyFacts> {
    return this.repository.policyFacts(subject);
  }

  private async announceRevocation(consent: ConsentRecord): Promise<string | null> {
    const payload: ConsentRevokedV1 = {
      consentId: consent.id,
      subjectKey: consent.subjectKey,
      organisation: consent.organisation,
      unit: consent.unit,
      revokedAt: consent.revokedAt!.toISOString(),
      revokedBy: consent.revokedBy!,
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.messaging.publish(
          EXCHANGES.event,
          routingKeys.consentRevoked(),
          { type: 'consent.revoked.v1', payload },
          { broadcast: true },
        ),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no confirm from the broker in time')), PUBLISH_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      // No queue is bound: no adapter subscribes, so nobody holds work that relied on the consent.
      if (err instanceof UnroutableMessageError) {
        this.logger.warn(`consent.revoked for ${consent.id} reached no queue`);
        return null;
      }
      this.logger.error(`consent.revoked for ${consent.id} was not confirmed: ${(err as Error).message}`);
      throw apiException(
        'broker-unavailable',
        'the agencies could not be told, so the consent was not revoked; try again',
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

function details(consent: ConsentRecord) {
  return {
    consentId: consent.id,
    purposes: consent.purposes,
    agencies: consent.agencies,
    categories: consent.categories,
    method: consent.method,
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
    ...(consent.signed && {
      signingId: consent.signed.signingId,
      signedTextSha256: consent.signed.textSha256,
      // the signature itself is in the consent; the audit names it by its hash
      signatureSha256: createHash('sha256').update(consent.signed.signature).digest('hex'),
      loa: consent.signed.loa,
    }),
  };
}

/** `e-signature` proved nothing and is retired; `e-legitimation` is recorded only by a signing at the desk. */
function refuseUnrecordableMethod(method: ConsentMethod): void {
  if ((RETIRED_CONSENT_METHODS as readonly ConsentMethod[]).includes(method)) {
    throw apiException(
      'consent-method-retired',
      `the method ${method} is retired for new consents: let the citizen sign with e-legitimation ` +
        '(POST /api/consent-signings), or record in-person-verbal, in-person-written or telefon',
    );
  }
  if (method === 'e-legitimation') {
    throw apiException(
      'consent-method-needs-signing',
      'a consent with e-legitimation is stored when the citizen has signed it: start a signing with ' +
        'POST /api/consent-signings',
    );
  }
}

function auditEntry(consent: ConsentRecord, user: StaffUser, outcome: 'recorded' | 'revoked') {
  return {
    kind: 'consent' as const,
    actorKind: 'staff' as const,
    actor: user.id,
    organisation: consent.organisation,
    unit: consent.unit,
    // A consent spans several purposes; the one-purpose column is for exchanges, the list is in details.
    purpose: null,
    subjectKey: consent.subjectKey,
    outcome,
    details: details(consent),
  };
}

/** The citizen's own change of their consent: the subject key names them, the actor is "the citizen". */
function citizenAuditEntry(consent: ConsentRecord, outcome: 'revoked') {
  return {
    kind: 'consent' as const,
    actorKind: 'citizen' as const,
    actor: CITIZEN_ACTOR,
    organisation: consent.organisation,
    unit: consent.unit,
    purpose: null,
    subjectKey: consent.subjectKey,
    outcome,
    details: details(consent),
  };
}

function view(consent: ConsentRecord, today: number, maskedSubject?: string): ConsentView {
  return {
    id: consent.id,
    ...(maskedSubject && { subject: maskedSubject }),
    organisation: consent.organisation,
    unit: consent.unit,
    purposes: consent.purposes,
    agencies: consent.agencies,
    categories: consent.categories,
    method: consent.method,
    recordedBy: consent.recordedBy,
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
    status: consentStatus(consent, today),
    createdAt: consent.createdAt.toISOString(),
    ...(consent.revokedAt && { revokedAt: consent.revokedAt.toISOString() }),
    ...(consent.revokedBy && { revokedBy: consent.revokedBy }),
    ...(consent.signed && {
      signature: {
        textSha256: consent.signed.textSha256,
        loa: consent.signed.loa,
        signingId: consent.signed.signingId,
      },
    }),
  };
}
