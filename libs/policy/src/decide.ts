import type { ReasonCode } from '@hub/contracts';
import { dayKey, swedishDayKey } from './calendar.js';
import {
  type AgreementIndex,
  indexAgreements,
  indexCatalogues,
  type CompiledAgreement,
  type CompiledCatalogue,
  type CompiledTerms,
} from './indexes.js';
import {
  AGENCY_RULES,
  AGREEMENT_IN_FORCE_RULES,
  CATEGORY_RULES,
  CONSENT_RULES,
  REFERRAL_RULES,
  type AgencyRuleInput,
  type CategoryRuleInput,
  type ConsentRuleInput,
  type ConsentRuleName,
  type ReferralRuleInput,
} from './rules.js';
import type {
  AgencyDecision,
  CategoryDecision,
  Decision,
  DecisionInput,
  PolicyRuleName,
  ReleaseBasis,
  ReferralDecision,
  ReferralDecisionInput,
} from './decisions.js';
import type { Consent, RequestedCategories, StaffMember } from './types.js';

export const PROTECTED_IDENTITY_INSTRUCTION =
  'Personen har skyddade personuppgifter. Adress- och platsuppgifter har hållits inne och får inte efterfrågas, ' +
  'antecknas eller lämnas vidare. Skicka post till personen via Skatteverket, visa inte uppgifterna där andra kan se ' +
  'dem och hantera ärendet enligt rutinen för skyddade personuppgifter.';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NONE: readonly never[] = Object.freeze([]);

/**
 * Decides, per agency and per category, what may cross the hub. Pure and synchronous: the same input gives the same
 * decision, nothing is read from outside the input (not even the clock) and the input is not changed.
 * Pass an AgreementIndex and a CatalogueIndex built once per change to avoid rebuilding lookups on every call.
 */
export function decide(input: DecisionInput): Decision {
  const agreements = indexAgreements(input.agreements);
  const catalogues = indexCatalogues(input.catalogues);
  const { request, staff } = input;
  // anything but an explicit false is treated as protected: a missing flag must not leak an address
  const protectedIdentity = input.protectedIdentity !== false;
  const today = swedishDayKey(input.now);
  const nowMs = input.now.getTime();

  const ruleInput: Mutable<AgencyRuleInput> = {
    agreement: undefined,
    terms: undefined,
    staff,
    today,
    protectedIdentity,
    justification: request.justification,
  };
  let pool: ConsentPool | undefined;
  const agencies: AgencyDecision[] = [];
  const list = request.agencies;
  for (let i = 0; i < list.length; i++) {
    const agency = list[i];
    if (list.indexOf(agency) !== i) continue;
    const catalogue = catalogues.agency(agency);
    const { chosen, closest, closestRule } = chooseAgreement(agreements, staff, agency, request.purpose, ruleInput);

    const requested = requestedFor(request.categories, agency);
    if (chosen === undefined) {
      const terms = closest?.terms.get(request.purpose);
      const codes = requested ?? terms?.categoryList ?? catalogue?.codes ?? NONE;
      agencies.push(denyAgency(agency, AGENCY_RULES[closestRule], closest, codes, protectedIdentity));
    } else {
      const terms = chosen.terms.get(request.purpose)!;
      pool ??= consentPool(input, today, nowMs);
      agencies.push(decideCategories(input, agency, chosen, terms, catalogue, requested ?? terms.categoryList, pool));
    }
  }
  return {
    purpose: request.purpose,
    protectedIdentity,
    handlingInstruction: protectedIdentity ? PROTECTED_IDENTITY_INSTRUCTION : undefined,
    agencies,
  };
}

export interface AgreementChoice {
  /** the newest version that passes every agency rule */
  readonly chosen: CompiledAgreement | undefined;
  /** otherwise the version that came closest, and the index of the first agency rule it failed */
  readonly closest: CompiledAgreement | undefined;
  readonly closestRule: number;
}

/** The agreement version in force for the staff member, the agency and the purpose (README: Versions). */
export function chooseAgreement(
  agreements: AgreementIndex,
  staff: StaffMember,
  agency: string,
  purpose: string,
  ruleInput: Mutable<AgencyRuleInput>,
): AgreementChoice {
  const candidates = agreements.candidates(staff.organisation, staff.unit, agency);
  let closest: CompiledAgreement | undefined;
  let closestRule = 0;
  let inForceId: string | undefined;
  for (let j = 0; j < candidates.length; j++) {
    const a = candidates[j];
    // a newer version of this agreement is in force and supersedes the older ones
    if (a.ref.id === inForceId) continue;
    ruleInput.agreement = a;
    ruleInput.terms = a.terms.get(purpose);
    let k = 1;
    while (k < AGENCY_RULES.length && AGENCY_RULES[k].holds(ruleInput)) k++;
    if (k >= AGREEMENT_IN_FORCE_RULES) inForceId = a.ref.id;
    if (k === AGENCY_RULES.length) return { chosen: a, closest: undefined, closestRule: k };
    if (k > closestRule) {
      closestRule = k;
      closest = a;
    }
  }
  return { chosen: undefined, closest, closestRule };
}

function requestedFor(categories: RequestedCategories, agency: string): readonly string[] | undefined {
  if (categories === 'all') return undefined;
  const v = Object.hasOwn(categories, agency) ? categories[agency] : undefined;
  return v === 'all' || !Array.isArray(v) ? undefined : v;
}

function denyAgency(
  agency: string,
  rule: { readonly name: PolicyRuleName; readonly reason: ReasonCode },
  agreement: CompiledAgreement | undefined,
  codes: readonly string[],
  protectedIdentity: boolean,
): AgencyDecision {
  const categories: CategoryDecision[] = [];
  for (let i = 0; i < codes.length; i++) {
    if (codes.indexOf(codes[i]) !== i) continue;
    categories.push(denied(codes[i], rule.reason, rule.name));
  }
  return {
    agency,
    status: 'deny',
    reason: rule.reason,
    rule: rule.name,
    agreement: agreement?.ref,
    consentId: undefined,
    legalBasis: undefined,
    consentProblem: undefined,
    protectedIdentity,
    handlingInstruction: protectedIdentity ? PROTECTED_IDENTITY_INSTRUCTION : undefined,
    categories,
  };
}

function denied(category: string, reason: ReasonCode, rule: PolicyRuleName): CategoryDecision {
  return { category, status: 'deny', reason, rule, basis: undefined, withheldFields: NONE };
}

function decideCategories(
  input: DecisionInput,
  agency: string,
  agreement: CompiledAgreement,
  terms: CompiledTerms,
  catalogue: CompiledCatalogue | undefined,
  codes: readonly string[],
  pool: ConsentPool,
): AgencyDecision {
  const protectedIdentity = input.protectedIdentity !== false;
  const { consent, problem } = chooseConsent(pool, agency, codes);
  const ruleInput: Mutable<CategoryRuleInput> = {
    code: '',
    entry: undefined,
    terms,
    consentCovers: false,
    protectedIdentity,
  };
  const categories: CategoryDecision[] = [];
  let firstDenied: (typeof CATEGORY_RULES)[number] | undefined;
  let released = false;
  let usedConsent = false;
  let usedLegalBasis = false;
  let wantedConsent = false;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (codes.indexOf(code) !== i) continue;
    const entry = catalogue?.categories.get(code);
    ruleInput.code = code;
    ruleInput.entry = entry;
    ruleInput.consentCovers = consent !== undefined && consent.categories.includes(code);
    let k = 0;
    while (k < CATEGORY_RULES.length && CATEGORY_RULES[k].holds(ruleInput)) k++;
    if (k < CATEGORY_RULES.length || entry === undefined) {
      const rule = CATEGORY_RULES[k];
      if (rule.reason === 'consent-missing') wantedConsent = true;
      firstDenied ??= rule;
      categories.push(denied(code, rule.reason, rule.name));
      continue;
    }
    const basis = releaseBasis(entry.secrecyClass, terms, ruleInput.consentCovers);
    if (basis === 'consent' || basis === 'consent-and-legal-basis') usedConsent = true;
    if (basis === 'legal-basis' || basis === 'consent-and-legal-basis') usedLegalBasis = true;
    released = true;
    categories.push({
      category: code,
      status: 'release',
      reason: undefined,
      rule: 'released',
      basis,
      withheldFields: protectedIdentity ? entry.withheldFields : NONE,
    });
  }
  return {
    agency,
    status: released ? 'release' : 'deny',
    reason: released ? undefined : (firstDenied?.reason ?? 'category-not-covered'),
    rule: released ? undefined : (firstDenied?.name ?? 'category-in-agreement'),
    agreement: agreement.ref,
    consentId: usedConsent ? consent?.id : undefined,
    legalBasis: usedLegalBasis ? terms.legalBasis : undefined,
    consentProblem: wantedConsent ? (problem ?? 'consent-covers-category') : undefined,
    protectedIdentity,
    handlingInstruction: protectedIdentity ? PROTECTED_IDENTITY_INSTRUCTION : undefined,
    categories,
  };
}

function releaseBasis(secrecyClass: string, terms: CompiledTerms, consentCovers: boolean): ReleaseBasis {
  if (secrecyClass === 'legal-basis') return terms.consentRequired ? 'consent-and-legal-basis' : 'legal-basis';
  if (secrecyClass === 'consent') return consentCovers ? 'consent' : 'legal-basis';
  return terms.consentRequired ? 'consent' : 'agreement';
}

interface ConsentChoice {
  readonly consent: Consent | undefined;
  /** the first rule the most nearly usable consent failed, when none is usable */
  readonly problem: ConsentRuleName | undefined;
}

/** The consents that pass every rule but the agency's, worked out once per decision. */
interface ConsentPool {
  readonly usable: readonly Consent[];
  /** how far the most nearly usable of the others got: the index of the first rule it failed */
  readonly closestRule: number;
}

const COVERS_AGENCY = CONSENT_RULES.length - 1;
const NO_CONSENTS: ConsentPool = Object.freeze({ usable: NONE, closestRule: 0 });

function consentPool(
  input: Pick<DecisionInput, 'consents' | 'staff'> & {
    readonly request: Pick<DecisionInput['request'], 'subject' | 'purpose' | 'consentId'>;
  },
  today: number,
  nowMs: number,
): ConsentPool {
  const { consents, request } = input;
  if (consents.length === 0) return NO_CONSENTS;
  const c: Mutable<ConsentRuleInput> = {
    consent: undefined,
    subject: request.subject,
    staff: input.staff,
    purpose: request.purpose,
    agency: '',
    today,
    nowMs,
    from: NaN,
    until: NaN,
  };
  const usable: Consent[] = [];
  let closestRule = 0;
  for (let i = 0; i < consents.length; i++) {
    const consent = consents[i];
    if (request.consentId !== undefined && consent.id !== request.consentId) continue;
    c.consent = consent;
    c.from = dayKey(consent.validFrom);
    c.until = dayKey(consent.validUntil);
    let k = 1;
    while (k < COVERS_AGENCY && CONSENT_RULES[k].holds(c)) k++;
    if (k === COVERS_AGENCY) usable.push(consent);
    else if (k > closestRule) closestRule = k;
  }
  return { usable, closestRule };
}

/**
 * The consent for the agency: the one the request names, or else the usable one that covers most of the requested
 * categories (the first of equals), because the agency is told one consent id.
 */
function chooseConsent(pool: ConsentPool, agency: string, codes: readonly string[]): ConsentChoice {
  let best: Consent | undefined;
  let bestCoverage = -1;
  let closestRule = pool.closestRule;
  for (let i = 0; i < pool.usable.length; i++) {
    const consent = pool.usable[i];
    if (!consent.agencies.includes(agency)) {
      closestRule = COVERS_AGENCY;
      continue;
    }
    if (best === undefined) {
      best = consent;
      continue;
    }
    if (bestCoverage < 0) bestCoverage = coverage(best, codes);
    const covered = coverage(consent, codes);
    if (covered > bestCoverage) {
      best = consent;
      bestCoverage = covered;
    }
  }
  return best !== undefined
    ? { consent: best, problem: undefined }
    : { consent: undefined, problem: CONSENT_RULES[closestRule].name };
}

function coverage(consent: Consent, codes: readonly string[]): number {
  let n = 0;
  for (let j = 0; j < codes.length; j++) if (consent.categories.includes(codes[j])) n++;
  return n;
}

/**
 * Decides whether a referral may go to an agency: the agency rules as for a query (a referral releases no agency
 * data, so no justification is asked for), then REFERRAL_RULES. Pure and synchronous, like decide.
 */
export function decideReferral(input: ReferralDecisionInput): ReferralDecision {
  const agreements = indexAgreements(input.agreements);
  const catalogues = indexCatalogues(input.catalogues);
  const { request, staff } = input;
  const today = swedishDayKey(input.now);
  const ruleInput: Mutable<AgencyRuleInput> = {
    agreement: undefined,
    terms: undefined,
    staff,
    today,
    protectedIdentity: false,
    justification: undefined,
  };
  const base = {
    agency: request.agency,
    referralType: request.referralType,
    consentId: undefined,
    legalBasis: undefined,
    consentProblem: undefined,
  };
  const { chosen, closest, closestRule } = chooseAgreement(
    agreements,
    staff,
    request.agency,
    request.purpose,
    ruleInput,
  );
  if (chosen === undefined) {
    const rule = AGENCY_RULES[closestRule];
    return { ...base, status: 'deny', reason: rule.reason, rule: rule.name, agreement: closest?.ref };
  }
  const terms = chosen.terms.get(request.purpose)!;
  const { consent, problem } = chooseConsent(consentPool(input, today, input.now.getTime()), request.agency, NONE);
  const referralInput: ReferralRuleInput = {
    referralType: request.referralType,
    catalogueTypes: catalogues.agency(request.agency)?.referralTypes,
    terms,
    consentUsable: consent !== undefined,
  };
  for (const rule of REFERRAL_RULES) {
    if (!rule.holds(referralInput)) {
      return {
        ...base,
        status: 'deny',
        reason: rule.reason,
        rule: rule.name,
        agreement: chosen.ref,
        consentProblem: rule.reason === 'consent-missing' ? problem : undefined,
      };
    }
  }
  return {
    ...base,
    status: 'allow',
    reason: undefined,
    rule: undefined,
    agreement: chosen.ref,
    consentId: consent?.id,
    legalBasis: consent === undefined || terms.consentRequired ? terms.legalBasis : undefined,
  };
}
