import { AGREEMENT_STATUSES, PURPOSES } from '@hub/contracts';
import { decide, decideReferral } from './decide.js';
import { AgreementIndex, CatalogueIndex } from './indexes.js';
import { random, tenancy, tenancyInputs, TENANCY_AGENCIES, TENANCY_CATALOGUES } from './policy.tenancy.js';
import { SUBJECT } from './policy.fixtures.js';
import type { DecisionInput } from './decisions.js';
import type { AgreementVersion, StaffMember } from './types.js';

/**
 * 300 municipalities x 4 agencies in 3 versions, roughed up: statuses, approvals and validity changed at random,
 * versions shuffled, some agreements of one municipality's unit copied to another municipality with the same unit name.
 */
function messyAgreements(seed: number): { versions: AgreementVersion[]; t: ReturnType<typeof tenancy> } {
  const t = tenancy(300, seed);
  const rnd = random(seed + 1);
  const versions = t.agreements.map((a): AgreementVersion => {
    const r = rnd();
    if (r < 0.05) return { ...a, status: AGREEMENT_STATUSES[Math.floor(rnd() * AGREEMENT_STATUSES.length)] };
    if (r < 0.08) return { ...a, approvals: a.approvals.slice(0, 1) };
    if (r < 0.11) return { ...a, validFrom: '2025-07-01' };
    if (r < 0.13) return { ...a, validTo: '2025-06-09' };
    return a;
  });
  for (let i = 0; i < 200; i++) {
    const a = versions[Math.floor(rnd() * versions.length)];
    const other = t.municipalities[Math.floor(rnd() * t.municipalities.length)];
    versions.push({
      ...a,
      parties: { ...a.parties, municipality: { organisation: other.organisation, unit: a.parties.municipality.unit } },
    });
  }
  for (let i = versions.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [versions[i], versions[j]] = [versions[j], versions[i]];
  }
  return { versions, t };
}

/** The versions between the staff member's unit and any agency, found by looking at every one of them. */
function scan(versions: readonly AgreementVersion[], staff: StaffMember): AgreementVersion[] {
  const out: AgreementVersion[] = [];
  for (const a of versions) {
    const m = a.parties.municipality;
    if (m.organisation === staff.organisation && m.unit === staff.unit) out.push(a);
  }
  return out;
}

describe('AgreementIndex over many tenants', () => {
  const { versions, t } = messyAgreements(11);
  const index = new AgreementIndex(versions);
  const catalogues = new CatalogueIndex(TENANCY_CATALOGUES);

  const inputs: DecisionInput[] = tenancyInputs(
    t,
    600,
    12,
    (staff, rnd) => {
      const x = rnd();
      // now and then a unit the municipality does not have, or an organisation with no agreements at all
      const who =
        x < 0.05 ? { ...staff, unit: 'Socialtjänsten' } : x < 0.08 ? { ...staff, organisation: '2129999999' } : staff;
      const agencies = [...TENANCY_AGENCIES, 'xx'].filter(() => rnd() < 0.7);
      return {
        staff: who,
        protectedIdentity: rnd() < 0.1,
        request: {
          subject: SUBJECT,
          purpose: PURPOSES[Math.floor(rnd() * PURPOSES.length)],
          agencies,
          categories: 'all',
          justification: rnd() < 0.5 ? 'Utredning av rätt till bistånd denna vecka' : undefined,
        },
      };
    },
    index,
    catalogues,
  );

  it('has 1,200 agreements in 3,600 versions, and more copied across municipalities', () => {
    expect(new Set(versions.map((a) => a.id)).size).toBe(1_200);
    expect(versions.length).toBe(3_800);
  });

  it('gives the same decisions as the versions of the unit found by a plain scan', () => {
    let released = 0;
    for (const input of inputs) {
      const d = decide(input);
      expect(d).toEqual(decide({ ...input, agreements: scan(versions, input.staff) }));
      released += d.agencies.filter((a) => a.status === 'release').length;
    }
    // the set is not all denials
    expect(released).toBeGreaterThan(inputs.length / 2);
  });

  it('gives the same referral decisions as a plain scan', () => {
    for (const input of inputs.slice(0, 300)) {
      for (const agency of TENANCY_AGENCIES) {
        const referralType = TENANCY_CATALOGUES.find((c) => c.agency === agency)!.referralTypes![0].code;
        const r = { ...input, request: { ...input.request, agency, referralType } };
        expect(decideReferral(r)).toEqual(decideReferral({ ...r, agreements: scan(versions, input.staff) }));
      }
    }
  });

  it('gives the same decisions as every version passed as a plain array', () => {
    for (const input of inputs.slice(0, 5)) expect(decide(input)).toEqual(decide({ ...input, agreements: versions }));
  });
});
