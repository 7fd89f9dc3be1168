import fc from 'fast-check';
import { REASON_CODES } from '@hub/contracts';
import { decide } from './decide.js';
import { AgreementIndex, CatalogueIndex } from './indexes.js';
import { decisionInput } from './policy.arbitraries.js';
import { POLICY_RULES } from './rules.js';
import type { AgencyDecision, Decision, DecisionInput } from './decisions.js';
import type { AgencyCatalogue, AgreementVersion, CatalogueCategoryEntry, Consent } from './types.js';

// Oracles written independently of the implementation: the Swedish day through Intl, dates as strings.
const stockholm = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const swedishDay = (d: Date) => stockholm.format(d);

const RUNS = { numRuns: 1000 };

function entries(input: DecisionInput, agency: string, code: string): CatalogueCategoryEntry[] {
  const c = (input.catalogues as AgencyCatalogue[]).find((x) => x.agency === agency);
  return c ? c.categories.filter((x) => x.code === code) : [];
}

function agreementUsed(input: DecisionInput, a: AgencyDecision): AgreementVersion | undefined {
  return (input.agreements as AgreementVersion[]).find(
    (x) => x.id === a.agreement?.id && x.version === a.agreement.version && x.parties.agency.agency === a.agency,
  );
}

function inForce(a: AgreementVersion, now: Date): boolean {
  const today = swedishDay(now);
  const { municipality, agency } = a.parties;
  const approvers = a.approvals.map((x) => x.organisation);
  return (
    a.status === 'active' &&
    approvers.includes(municipality.organisation) &&
    approvers.includes(agency.organisation) &&
    a.validFrom <= today &&
    today <= a.validTo
  );
}

function consentValid(c: Consent, input: DecisionInput, agency: string, category: string): boolean {
  const today = swedishDay(input.now);
  const yearLater = `${Number(c.validFrom.slice(0, 4)) + 1}${c.validFrom.slice(4)}`;
  return (
    c.subject === input.request.subject &&
    c.organisation === input.staff.organisation &&
    c.unit === input.staff.unit &&
    c.purposes.includes(input.request.purpose) &&
    c.agencies.includes(agency) &&
    c.categories.includes(category) &&
    (c.revokedAt == null || c.revokedAt.getTime() > input.now.getTime()) &&
    c.validFrom <= today &&
    today <= c.validUntil &&
    c.validUntil <= yearLater
  );
}

const released = (d: Decision) =>
  d.agencies.flatMap((a) =>
    a.categories.filter((c) => c.status === 'release').map((c) => ({ agency: a, category: c })),
  );

const hasLegalBasis = (a: AgreementVersion | undefined, purpose: string) =>
  (a?.purposes[purpose]?.legalBasis?.reference.trim() ?? '') !== '';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('decide: invariants', () => {
  it('generates inputs that release and inputs that reach every rule, so that the properties test something', () => {
    const samples = fc.sample(decisionInput, { numRuns: 1000, seed: 42 });
    const decisions = samples.map((i) => decide(i));
    expect(decisions.filter((d) => released(d).length > 0).length).toBeGreaterThan(100);
    const reached = new Set(
      decisions.flatMap((d) => d.agencies.flatMap((a) => [a.rule, ...a.categories.map((c) => c.rule)])),
    );
    for (const r of POLICY_RULES) if (r.scope === 'agency' || r.scope === 'category') expect(reached).toContain(r.name);
  });

  it('never releases a category of class never', () => {
    fc.assert(
      fc.property(decisionInput, (input) => {
        for (const { agency, category } of released(decide(input))) {
          const es = entries(input, agency.agency, category.category);
          expect(es.length).toBeGreaterThan(0);
          expect(es.map((e) => e.secrecyClass)).not.toContain('never');
        }
      }),
      RUNS,
    );
  });

  it('releases nothing without an active agreement in force today that both parties approved, covering the query', () => {
    fc.assert(
      fc.property(decisionInput, (input) => {
        for (const a of decide(input).agencies) {
          expect(a.status === 'release').toBe(a.categories.some((c) => c.status === 'release'));
          if (a.status !== 'release') continue;
          const used = agreementUsed(input, a);
          expect(used).toBeDefined();
          expect(inForce(used!, input.now)).toBe(true);
          expect(used!.parties.municipality).toEqual({
            organisation: input.staff.organisation,
            unit: input.staff.unit,
          });
          const terms = used!.purposes[input.request.purpose];
          expect(terms).toBeDefined();
          expect(terms!.roles.some((r) => input.staff.roles.includes(r))).toBe(true);
          for (const c of a.categories) if (c.status === 'release') expect(terms!.categories).toContain(c.category);
          // no newer version of the same agreement is in force
          const newer = (input.agreements as AgreementVersion[]).filter(
            (x) => x.id === used!.id && x.version > used!.version && x.parties.agency.agency === a.agency,
          );
          for (const x of newer) {
            if (
              x.parties.municipality.organisation === input.staff.organisation &&
              x.parties.municipality.unit === input.staff.unit
            ) {
              expect(inForce(x, input.now)).toBe(false);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it('never releases a legal-basis category on consent alone', () => {
    fc.assert(
      fc.property(decisionInput, (input) => {
        for (const { agency, category } of released(decide(input))) {
          if (entries(input, agency.agency, category.category).some((e) => e.secrecyClass === 'legal-basis')) {
            expect(hasLegalBasis(agreementUsed(input, agency), input.request.purpose)).toBe(true);
            expect(category.basis).toMatch(/legal-basis/);
          }
        }
        const stripped: DecisionInput = {
          ...input,
          agreements: (input.agreements as AgreementVersion[]).map((a) => ({
            ...a,
            purposes: Object.fromEntries(Object.entries(a.purposes).map(([p, t]) => [p, { ...t!, legalBasis: null }])),
          })),
        };
        for (const { agency, category } of released(decide(stripped))) {
          const es = entries(input, agency.agency, category.category);
          expect(es.map((e) => e.secrecyClass)).not.toContain('legal-basis');
          expect(category.basis).not.toMatch(/legal-basis/);
        }
      }),
      RUNS,
    );
  });

  it('releases on consent only a valid consent that covers the category; a revoked or expired one releases nothing', () => {
    fc.assert(
      fc.property(decisionInput, fc.boolean(), (input, revoke) => {
        const d = decide(input);
        for (const { agency, category } of released(d)) {
          if (category.basis === 'consent' || category.basis === 'consent-and-legal-basis') {
            const c = input.consents.find((x) => x.id === agency.consentId);
            expect(c).toBeDefined();
            expect(consentValid(c!, input, agency.agency, category.category)).toBe(true);
          }
        }
        const yesterday = new Date(input.now.getTime() - 86_400_000);
        const invalidated: DecisionInput = {
          ...input,
          consents: input.consents.map((c) =>
            revoke ? { ...c, revokedAt: input.now } : { ...c, validUntil: swedishDay(yesterday) },
          ),
        };
        const after = decide(invalidated);
        // the same as without any consent, but for the explanation of why none could be used
        const unexplained = (x: Decision) => x.agencies.map((a) => ({ ...a, consentProblem: undefined }));
        expect(unexplained(after)).toEqual(unexplained(decide({ ...input, consents: [] })));
        for (const { agency, category } of released(after)) {
          expect(agency.consentId).toBeUndefined();
          expect(category.basis === 'agreement' || category.basis === 'legal-basis').toBe(true);
          const terms = agreementUsed(input, agency)!.purposes[input.request.purpose]!;
          expect(terms.consentRequired).toBe(false);
          const classes = entries(input, agency.agency, category.category).map((e) => e.secrecyClass);
          if (classes.includes('consent'))
            expect(hasLegalBasis(agreementUsed(input, agency), input.request.purpose)).toBe(true);
        }
        // what was released afterwards was released before, on the same grounds or more
        const before = new Set(released(d).map((r) => `${r.agency.agency}/${r.category.category}`));
        for (const r of released(after)) expect(before).toContain(`${r.agency.agency}/${r.category.category}`);
      }),
      RUNS,
    );
  });

  it('for a protected identity requires a justification and never releases an address or location field', () => {
    fc.assert(
      fc.property(decisionInput, (raw) => {
        const input = { ...raw, protectedIdentity: true };
        const d = decide(input);
        expect(d.protectedIdentity).toBe(true);
        expect(d.handlingInstruction).toMatch(/skyddade personuppgifter/);
        const justified = (input.request.justification?.trim().length ?? 0) >= 10;
        for (const a of d.agencies) {
          expect(a.protectedIdentity).toBe(true);
          expect(a.handlingInstruction).toBe(d.handlingInstruction);
          if (!justified) {
            expect(a.status).toBe('deny');
            expect([
              'no-agreement',
              'agreement-inactive',
              'purpose-not-covered',
              'role-not-allowed',
              'justification-missing',
            ]).toContain(a.reason);
          }
        }
        for (const { agency, category } of released(d)) {
          const es = entries(input, agency.agency, category.category);
          const fields = es.flatMap((e) => e.fields);
          const sensitive = fields.filter((f) => f.kind !== 'other').map((f) => f.name);
          for (const name of sensitive) expect(category.withheldFields).toContain(name);
          // something other than the withheld fields is left to release
          expect(fields.some((f) => f.kind === 'other' && !category.withheldFields.includes(f.name))).toBe(true);
        }
        if (justified) {
          // with a justification, protection only withholds: it releases no category the unprotected decision denied
          const open = new Set(
            released(decide({ ...raw, protectedIdentity: false })).map(
              (r) => `${r.agency.agency}/${r.category.category}`,
            ),
          );
          for (const r of released(d)) expect(open).toContain(`${r.agency.agency}/${r.category.category}`);
        }
      }),
      RUNS,
    );
  });

  it('is pure: the same input, frozen, gives the same decision, with indexes as with arrays', () => {
    fc.assert(
      fc.property(decisionInput, (input) => {
        const frozen = deepFreeze(structuredClone(input));
        const d = decide(frozen);
        expect(decide(frozen)).toEqual(d);
        expect(frozen).toEqual(input);
        const indexed = {
          ...frozen,
          agreements: new AgreementIndex(frozen.agreements as AgreementVersion[]),
          catalogues: new CatalogueIndex(frozen.catalogues as AgencyCatalogue[]),
        };
        expect(decide(indexed)).toEqual(d);
      }),
      { numRuns: 500 },
    );
  });

  it('answers every agency asked, once, with reasons and rules from the lists', () => {
    const rules = new Set<string>([...POLICY_RULES.map((r) => r.name), 'released']);
    fc.assert(
      fc.property(decisionInput, (input) => {
        const d = decide(input);
        expect(d.agencies.map((a) => a.agency)).toEqual([...new Set(input.request.agencies)]);
        for (const a of d.agencies) {
          if (a.status === 'deny') expect(REASON_CODES).toContain(a.reason);
          for (const c of a.categories) {
            expect(rules).toContain(c.rule);
            if (c.status === 'deny') expect(REASON_CODES).toContain(c.reason);
            else expect(c.basis).toBeDefined();
          }
        }
      }),
      RUNS,
    );
  });
});
