import { PURPOSES, SECRECY_CLASSES, type AgreementStatus, type SecrecyClass, type StaffRole } from '@hub/contracts';
import { dayKey } from './calendar.js';
import type {
  AgencyCatalogue,
  AgreementRef,
  AgreementVersion,
  CatalogueCategoryEntry,
  LegalBasisRef,
  PurposeTerms,
} from './types.js';

export interface CompiledTerms {
  readonly categories: ReadonlySet<string>;
  readonly categoryList: readonly string[];
  readonly referralTypes: ReadonlySet<string>;
  readonly roles: readonly StaffRole[];
  readonly consentRequired: boolean;
  /** only a legal basis with a non-blank reference counts */
  readonly legalBasis: LegalBasisRef | undefined;
}

export interface CompiledAgreement {
  readonly ref: AgreementRef;
  readonly status: AgreementStatus;
  readonly approvedByBothParties: boolean;
  readonly from: number;
  readonly to: number;
  readonly terms: ReadonlyMap<string, CompiledTerms>;
}

const NONE: readonly never[] = Object.freeze([]);

function compileTerms(t: PurposeTerms): CompiledTerms {
  const lb = t.legalBasis;
  const categories = Array.isArray(t.categories) ? t.categories : NONE;
  return {
    categories: new Set(categories),
    categoryList: Object.freeze([...new Set(categories)]),
    referralTypes: new Set(Array.isArray(t.referralTypes) ? t.referralTypes : NONE),
    roles: Object.freeze(Array.isArray(t.roles) ? [...t.roles] : []),
    consentRequired: t.consentRequired !== false,
    legalBasis:
      lb && typeof lb.reference === 'string' && lb.reference.trim() !== ''
        ? Object.freeze({ reference: lb.reference, ...(lb.text !== undefined && { text: lb.text }) })
        : undefined,
  };
}

function compileAgreement(a: AgreementVersion): CompiledAgreement {
  const terms = new Map<string, CompiledTerms>();
  for (const purpose of PURPOSES) {
    const t = Object.hasOwn(a.purposes, purpose) ? a.purposes[purpose] : undefined;
    if (t) terms.set(purpose, compileTerms(t));
  }
  const { municipality, agency } = a.parties;
  const approvers = a.approvals.map((x) => x.organisation);
  return {
    ref: Object.freeze({ id: a.id, version: a.version }),
    status: a.status,
    approvedByBothParties: approvers.includes(municipality.organisation) && approvers.includes(agency.organisation),
    from: dayKey(a.validFrom),
    to: dayKey(a.validTo),
    terms,
  };
}

function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

/**
 * Agreement versions by (municipality, unit, agency), newest version of each agreement first. Build it once per
 * change (agreement.changed) and pass it to every decide call; it is a snapshot of the versions it was built from.
 */
export class AgreementIndex {
  // organisation → unit → agency, so that a lookup builds no key string
  private readonly byParties = new Map<string, Map<string, Map<string, CompiledAgreement[]>>>();

  constructor(agreements: readonly AgreementVersion[]) {
    for (const a of agreements) {
      const { municipality, agency } = a.parties;
      const units = getOrSet(this.byParties, municipality.organisation, () => new Map());
      const agencies = getOrSet(units, municipality.unit, () => new Map());
      getOrSet<string, CompiledAgreement[]>(agencies, agency.agency, () => []).push(compileAgreement(a));
    }
    for (const units of this.byParties.values()) {
      for (const agencies of units.values()) {
        for (const list of agencies.values()) {
          list.sort((x, y) => (x.ref.id < y.ref.id ? -1 : x.ref.id > y.ref.id ? 1 : y.ref.version - x.ref.version));
        }
      }
    }
  }

  candidates(organisation: string, unit: string, agency: string): readonly CompiledAgreement[] {
    return this.byParties.get(organisation)?.get(unit)?.get(agency) ?? NONE;
  }
}

export interface CompiledCategory {
  readonly code: string;
  readonly secrecyClass: SecrecyClass;
  /** address and location fields, and any field of an unknown kind */
  readonly withheldFields: readonly string[];
  /** has a field that may leave the hub for a subject with protected identity */
  readonly releasableUnderProtection: boolean;
}

export interface CompiledCatalogue {
  readonly agency: string;
  readonly organisation: string | undefined;
  readonly categories: ReadonlyMap<string, CompiledCategory>;
  readonly codes: readonly string[];
  readonly referralTypes: ReadonlySet<string> | undefined;
}

const STRICTNESS: Record<SecrecyClass, number> = { public: 0, consent: 1, 'legal-basis': 2, never: 3 };

function compileCatalogue(c: AgencyCatalogue): CompiledCatalogue {
  const announced = new Map<string, CatalogueCategoryEntry[]>();
  for (const entry of c.categories) {
    const list = announced.get(entry.code);
    if (list) list.push(entry);
    else announced.set(entry.code, [entry]);
  }
  const categories = new Map<string, CompiledCategory>();
  for (const [code, entries] of announced) {
    // an unknown class counts as never, and a category announced twice keeps the stricter class and all its fields
    let secrecyClass: SecrecyClass = 'public';
    const withheld = new Set<string>();
    for (const entry of entries) {
      const cls = SECRECY_CLASSES.includes(entry.secrecyClass) ? entry.secrecyClass : 'never';
      if (STRICTNESS[cls] > STRICTNESS[secrecyClass]) secrecyClass = cls;
      for (const f of entry.fields) if (f.kind !== 'other') withheld.add(f.name);
    }
    // a field name that is also announced as an address or location is withheld whatever else it is called
    const releasable = entries.some((e) => e.fields.some((f) => f.kind === 'other' && !withheld.has(f.name)));
    categories.set(code, {
      code,
      secrecyClass,
      withheldFields: Object.freeze([...withheld]),
      releasableUnderProtection: releasable,
    });
  }
  return {
    agency: c.agency,
    organisation: c.organisation,
    categories,
    codes: Object.freeze([...categories.keys()]),
    referralTypes: c.referralTypes ? new Set(c.referralTypes.map((r) => r.code)) : undefined,
  };
}

/** The agencies' catalogues by agency code; the latest announcement of an agency wins. */
export class CatalogueIndex {
  private readonly byAgency = new Map<string, CompiledCatalogue>();

  constructor(catalogues: readonly AgencyCatalogue[]) {
    for (const c of catalogues) this.byAgency.set(c.agency, compileCatalogue(c));
  }

  agency(code: string): CompiledCatalogue | undefined {
    return this.byAgency.get(code);
  }
}

export function indexAgreements(agreements: AgreementIndex | readonly AgreementVersion[]): AgreementIndex {
  return agreements instanceof AgreementIndex ? agreements : new AgreementIndex(agreements);
}

export function indexCatalogues(catalogues: CatalogueIndex | readonly AgencyCatalogue[]): CatalogueIndex {
  return catalogues instanceof CatalogueIndex ? catalogues : new CatalogueIndex(catalogues);
}
