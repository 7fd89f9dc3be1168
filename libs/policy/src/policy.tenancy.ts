// Many tenants for the policy's bench and index tests: municipalities with one or two units, each with an agreement
// with each of four agencies in three versions. Deterministic for a given seed.
import { PURPOSES, type AgreementStatus, type Purpose, type StaffRole } from '@hub/contracts';
import { CATALOGUES, AGENCY_ORGANISATION, LEGAL_BASIS, NOW, SUBJECT, consent } from './policy.fixtures.js';
import type { DecisionInput } from './decisions.js';
import type { AgencyCatalogue, AgreementVersion, Consent, PurposeTerms, StaffMember } from './types.js';

/** A fourth agency, so that nothing in the policy assumes three. */
export const PM_CATALOGUE: AgencyCatalogue = {
  agency: 'pm',
  organisation: '2021004748',
  categories: [
    {
      code: 'pm.pension',
      secrecyClass: 'consent',
      fields: [
        { name: 'kind', kind: 'other' },
        { name: 'amount', kind: 'other' },
      ],
    },
    { code: 'pm.bostadstillagg', secrecyClass: 'legal-basis', fields: [{ name: 'amount', kind: 'other' }] },
    { code: 'pm.handlaggare', secrecyClass: 'public', fields: [{ name: 'office', kind: 'other' }] },
  ],
  referralTypes: [{ code: 'pm.bostadstillagg-ansokan' }],
};

export const TENANCY_CATALOGUES: AgencyCatalogue[] = [...CATALOGUES, PM_CATALOGUE];
export const TENANCY_AGENCIES = ['fk', 'af', 'skv', 'pm'] as const;
const ORGANISATION: Record<string, string> = { ...AGENCY_ORGANISATION, pm: PM_CATALOGUE.organisation! };
const UNITS = ['Servicecenter', 'Medborgarkontoret', 'Kontaktcenter'];
const ROLE_SETS: StaffRole[][] = [['guide'], ['caseworker'], ['guide', 'caseworker']];

/** A small deterministic generator (mulberry32), so that a seed names a data set. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Municipality {
  readonly organisation: string;
  readonly units: readonly string[];
}

export interface Tenancy {
  readonly municipalities: readonly Municipality[];
  readonly agreements: readonly AgreementVersion[];
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

function subset<T>(rnd: () => number, list: readonly T[], min = 1): T[] {
  const out = list.filter(() => rnd() < 0.6);
  while (out.length < min) {
    const x = pick(rnd, list);
    if (!out.includes(x)) out.push(x);
  }
  return out;
}

function uuid(rnd: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function terms(rnd: () => number, agency: string): PurposeTerms {
  const catalogue = TENANCY_CATALOGUES.find((c) => c.agency === agency)!;
  const legal = rnd() < 0.5;
  return {
    categories: subset(
      rnd,
      catalogue.categories.map((c) => c.code),
    ),
    referralTypes: rnd() < 0.5 ? catalogue.referralTypes!.map((r) => r.code) : [],
    roles: pick(rnd, ROLE_SETS),
    consentRequired: rnd() < 0.3,
    legalBasis: legal ? LEGAL_BASIS : null,
  };
}

/**
 * `count` municipalities, each with one or two units and one agreement per agency (on one of its units) in three
 * versions: the newest active (now and then still only proposed or not yet approved by the agency, so that the one
 * before stays in force), the one before active, the first expired.
 */
export function tenancy(count: number, seed = 1): Tenancy {
  const rnd = random(seed);
  const municipalities: Municipality[] = [];
  const agreements: AgreementVersion[] = [];
  for (let m = 0; m < count; m++) {
    const organisation = String(2120000000 + m * 37);
    const units = rnd() < 0.5 ? [pick(rnd, UNITS)] : UNITS.slice(0, 2);
    municipalities.push({ organisation, units });
    for (const agency of TENANCY_AGENCIES) {
      const id = uuid(rnd);
      const unit = pick(rnd, units);
      const purposes = subset(rnd, PURPOSES);
      for (let version = 1; version <= 3; version++) {
        const newest = version === 3;
        const status: AgreementStatus = version === 1 ? 'expired' : newest && rnd() < 0.1 ? 'proposed' : 'active';
        const agencyApproved = !newest || rnd() > 0.05;
        agreements.push({
          id,
          version,
          status,
          parties: {
            municipality: { organisation, unit },
            agency: { organisation: ORGANISATION[agency], agency },
          },
          approvals: [{ organisation }, ...(agencyApproved ? [{ organisation: ORGANISATION[agency] }] : [])],
          validFrom: version === 1 ? '2023-01-01' : '2025-01-01',
          validTo: version === 1 ? '2024-12-31' : '2027-12-31',
          purposes: Object.fromEntries(purposes.map((p) => [p, terms(rnd, agency)])),
        });
      }
    }
  }
  return { municipalities, agreements };
}

/** Decision inputs from staff across the municipalities, their units and roles; `shape` gives the request. */
export function tenancyInputs(
  t: Tenancy,
  count: number,
  seed: number,
  shape: (staff: StaffMember, rnd: () => number) => Pick<DecisionInput, 'request'> & Partial<DecisionInput>,
  agreements: DecisionInput['agreements'] = t.agreements,
  catalogues: DecisionInput['catalogues'] = TENANCY_CATALOGUES,
): DecisionInput[] {
  const rnd = random(seed);
  return Array.from({ length: count }, () => {
    const m = pick(rnd, t.municipalities);
    const staff: StaffMember = { organisation: m.organisation, unit: pick(rnd, m.units), roles: pick(rnd, ROLE_SETS) };
    const shaped = shape(staff, rnd);
    const consents: Consent[] = [
      consent({
        organisation: staff.organisation,
        unit: staff.unit,
        purposes: [shaped.request.purpose],
        agencies: [...TENANCY_AGENCIES],
        categories: CONSENT_CODES,
      }),
    ];
    return { agreements, catalogues, consents, staff, protectedIdentity: false, now: NOW, ...shaped };
  });
}

const CONSENT_CODES = TENANCY_CATALOGUES.flatMap((c) =>
  c.categories.filter((x) => x.secrecyClass === 'consent').map((x) => x.code),
);

/** Any purpose, any of the four agencies, every category. */
export function mixedRequest(_staff: StaffMember, rnd: () => number): Pick<DecisionInput, 'request'> {
  const purpose: Purpose = pick(rnd, PURPOSES);
  return { request: { subject: SUBJECT, purpose, agencies: subset(rnd, TENANCY_AGENCIES), categories: 'all' } };
}
