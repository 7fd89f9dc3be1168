import { ORGANISATIONS, REASON_CODES, type ReasonCode } from '@hub/contracts';
import { AgreementIndex, CatalogueIndex } from './indexes.js';
import { decide, PROTECTED_IDENTITY_INSTRUCTION } from './decide.js';
import {
  agreement,
  AGREEMENTS,
  CASEWORKER,
  CATALOGUES,
  consent,
  GUIDE,
  input,
  JUSTIFICATION,
  LEGAL_BASIS,
  NOW,
  request,
  withPurpose,
} from './policy.fixtures.js';
import { POLICY_RULES } from './rules.js';
import type { AgencyDecision, CategoryDecision, Decision, DecisionInput, PolicyRuleName } from './decisions.js';

function agencyOf(d: Decision, agency: string): AgencyDecision {
  const a = d.agencies.find((x) => x.agency === agency);
  if (!a) throw new Error(`no decision for ${agency}`);
  return a;
}

function categoryOf(d: Decision, agency: string, category: string): CategoryDecision {
  const c = agencyOf(d, agency).categories.find((x) => x.category === category);
  if (!c) throw new Error(`no decision for ${category}`);
  return c;
}

function replaceAgreement(agency: string, a: ReturnType<typeof agreement>) {
  return AGREEMENTS.map((x) => (x.parties.agency.agency === agency ? a : x));
}

const only = (agency: string, categories: string[]) =>
  request({ agencies: [agency], categories: { [agency]: categories } });

interface AgencyRow {
  rule: PolicyRuleName;
  reason: ReasonCode;
  case: string;
  agency: string;
  input: DecisionInput;
}

const agencyRows: AgencyRow[] = [
  {
    rule: 'agreement-exists',
    reason: 'no-agreement',
    case: 'no agreement for the unit',
    agency: 'fk',
    input: input({ staff: { ...GUIDE, unit: 'Socialtjänsten' } }),
  },
  {
    rule: 'agreement-exists',
    reason: 'no-agreement',
    case: 'no agreement with the agency',
    agency: 'kfm',
    input: input({ request: request({ agencies: ['kfm'] }) }),
  },
  {
    rule: 'agreement-exists',
    reason: 'no-agreement',
    case: "another municipality's agreement",
    agency: 'fk',
    input: input({ staff: { ...GUIDE, organisation: '2120000142' } }),
  },
  {
    rule: 'agreement-active',
    reason: 'agreement-inactive',
    case: 'suspended',
    agency: 'fk',
    input: input({ agreements: replaceAgreement('fk', agreement('fk', { status: 'suspended' })) }),
  },
  {
    rule: 'agreement-active',
    reason: 'agreement-inactive',
    case: 'proposed',
    agency: 'fk',
    input: input({ agreements: replaceAgreement('fk', agreement('fk', { status: 'proposed' })) }),
  },
  {
    rule: 'agreement-approved-by-both-parties',
    reason: 'agreement-inactive',
    case: 'approved by the municipality only',
    agency: 'fk',
    input: input({
      agreements: replaceAgreement('fk', agreement('fk', { approvals: [{ organisation: ORGANISATIONS.orebro }] })),
    }),
  },
  {
    rule: 'agreement-in-force',
    reason: 'agreement-inactive',
    case: 'past validTo while still stored as active',
    agency: 'fk',
    input: input({ now: new Date('2027-01-01T12:00:00Z') }),
  },
  {
    rule: 'agreement-in-force',
    reason: 'agreement-inactive',
    case: 'before validFrom',
    agency: 'fk',
    input: input({ agreements: replaceAgreement('fk', agreement('fk', { validFrom: '2025-07-01' })) }),
  },
  {
    rule: 'agreement-in-force',
    reason: 'agreement-inactive',
    case: 'past midnight in Stockholm, still the last day in UTC',
    agency: 'fk',
    input: input({
      agreements: replaceAgreement('fk', agreement('fk', { validTo: '2025-12-31' })),
      now: new Date('2025-12-31T23:30:00Z'),
    }),
  },
  {
    rule: 'purpose-covered',
    reason: 'purpose-not-covered',
    case: 'etablering is not in the agreement',
    agency: 'fk',
    input: input({ request: request({ purpose: 'etablering' }) }),
  },
  {
    rule: 'role-allowed',
    reason: 'role-not-allowed',
    case: 'a manager queries',
    agency: 'fk',
    input: input({ staff: { ...GUIDE, roles: ['manager', 'auditor'] } }),
  },
  {
    rule: 'role-allowed',
    reason: 'role-not-allowed',
    case: 'a guide queries for ekonomiskt-bistand',
    agency: 'fk',
    input: input({ request: request({ purpose: 'ekonomiskt-bistand' }) }),
  },
  {
    rule: 'justification-given',
    reason: 'justification-missing',
    case: 'protected identity without justification',
    agency: 'fk',
    input: input({ protectedIdentity: true }),
  },
  {
    rule: 'justification-given',
    reason: 'justification-missing',
    case: 'protected identity with a justification of blanks and a word',
    agency: 'skv',
    input: input({ protectedIdentity: true, request: request({ justification: '   behövs      ' }) }),
  },
];

describe('decide: agency rules', () => {
  it.each(agencyRows)('$rule → $reason ($case)', (row) => {
    const d = agencyOf(decide(row.input), row.agency);
    expect(d).toMatchObject({ status: 'deny', reason: row.reason, rule: row.rule });
    expect(d.consentId).toBeUndefined();
    expect(d.legalBasis).toBeUndefined();
    for (const c of d.categories) expect(c).toMatchObject({ status: 'deny', reason: row.reason, rule: row.rule });
  });

  it('names the agreement version it denied on, and none when there is none', () => {
    const suspended = decide(input({ agreements: replaceAgreement('fk', agreement('fk', { status: 'suspended' })) }));
    expect(agencyOf(suspended, 'fk').agreement).toEqual({ id: AGREEMENTS[0].id, version: 1 });
    expect(agencyOf(decide(input({ staff: { ...GUIDE, unit: 'X' } })), 'fk').agreement).toBeUndefined();
  });

  it('lists the requested categories as denied, or the agreed ones when all were asked for', () => {
    const d = decide(input({ staff: { ...GUIDE, roles: ['manager'] } }));
    expect(agencyOf(d, 'af').categories.map((c) => c.category)).toEqual(['af.inskrivning', 'af.program']);
    const named = decide(input({ staff: { ...GUIDE, roles: ['manager'] }, request: only('af', ['af.handlaggare']) }));
    expect(agencyOf(named, 'af').categories.map((c) => c.category)).toEqual(['af.handlaggare']);
  });

  it('holds on the last Swedish day of validity, up to midnight in Stockholm', () => {
    const agreements = replaceAgreement('fk', agreement('fk', { validTo: '2025-12-31' }));
    const d = decide(input({ agreements, now: new Date('2025-12-31T22:59:59.999Z'), consents: [] }));
    expect(agencyOf(d, 'fk')).toMatchObject({ status: 'deny', reason: 'consent-missing' });
    const summer = replaceAgreement('fk', agreement('fk', { validTo: '2025-06-30' }));
    expect(agencyOf(decide(input({ agreements: summer, now: new Date('2025-06-30T21:59:59Z') })), 'fk').status).toBe(
      'release',
    );
    expect(agencyOf(decide(input({ agreements: summer, now: new Date('2025-06-30T22:00:00Z') })), 'fk').reason).toBe(
      'agreement-inactive',
    );
  });

  it('does not ask for a justification unless the identity is protected', () => {
    expect(agencyOf(decide(input()), 'fk').status).toBe('release');
  });
});

describe('decide: agreement versions', () => {
  const fk = agreement('fk');

  it('keeps using the active version while a newer one awaits approval', () => {
    const v2 = { ...fk, version: 2, status: 'proposed' as const, approvals: [{ organisation: ORGANISATIONS.orebro }] };
    const d = decide(input({ agreements: [v2, fk] }));
    expect(agencyOf(d, 'fk')).toMatchObject({ status: 'release', agreement: { id: fk.id, version: 1 } });
  });

  it('uses the newest version in force; it supersedes older ones still stored as active', () => {
    const v2 = withPurpose({ ...fk, version: 2 }, 'vagledning', { roles: ['caseworker'] });
    const d = agencyOf(decide(input({ agreements: [fk, v2] })), 'fk');
    expect(d).toMatchObject({ status: 'deny', reason: 'role-not-allowed', agreement: { id: fk.id, version: 2 } });
  });

  it('falls back to the older version while the newer one is not yet in force', () => {
    const v2 = { ...fk, version: 2, validFrom: '2025-07-01' };
    const d = decide(input({ agreements: [v2, { ...fk, validTo: '2025-06-30' }] }));
    expect(agencyOf(d, 'fk')).toMatchObject({ status: 'release', agreement: { version: 1 } });
  });

  it('takes another agreement between the same parties that covers the purpose', () => {
    const other = {
      ...agreement('fk'),
      id: 'ffffffff-0000-4000-8000-000000000000',
      purposes: {
        etablering: {
          categories: ['fk.pagaende-arenden'],
          referralTypes: [],
          roles: ['guide' as const],
          consentRequired: false,
        },
      },
    };
    const d = decide(
      input({
        agreements: [fk, other],
        request: request({ purpose: 'etablering' }),
        consents: [consent({ purposes: ['etablering'] })],
      }),
    );
    expect(agencyOf(d, 'fk')).toMatchObject({ status: 'release', agreement: { id: other.id } });
  });

  it('reports the version that came closest when none holds', () => {
    const expired = { ...fk, validTo: '2025-05-31' };
    const suspended = { ...fk, version: 2, status: 'suspended' as const };
    expect(agencyOf(decide(input({ agreements: [suspended, expired] })), 'fk')).toMatchObject({
      reason: 'agreement-inactive',
      rule: 'agreement-in-force',
      agreement: { version: 1 },
    });
  });
});

interface CategoryRow {
  rule: PolicyRuleName;
  reason: ReasonCode;
  case: string;
  agency: string;
  category: string;
  input: DecisionInput;
  consentProblem?: string;
}

const consentRows = (
  problem: string,
  why: string,
  overrides: Parameters<typeof consent>[0],
  req: Parameters<typeof request>[0] = {},
): CategoryRow => ({
  rule: 'consent-class-needs-consent-or-legal-basis',
  reason: 'consent-missing',
  case: why,
  agency: 'fk',
  category: 'fk.utbetalningar',
  input: input({ consents: [consent(overrides)], request: request(req) }),
  consentProblem: problem,
});

const categoryRows: CategoryRow[] = [
  {
    rule: 'category-in-catalogue',
    reason: 'category-unknown',
    case: 'not in any catalogue',
    agency: 'fk',
    category: 'fk.okand',
    input: input({ request: only('fk', ['fk.okand', 'fk.utbetalningar']) }),
  },
  {
    rule: 'category-in-catalogue',
    reason: 'category-unknown',
    case: "another agency's category",
    agency: 'fk',
    category: 'af.program',
    input: input({ request: only('fk', ['af.program']) }),
  },
  {
    rule: 'category-in-catalogue',
    reason: 'category-unknown',
    case: 'the agency announced no catalogue',
    agency: 'fk',
    category: 'fk.utbetalningar',
    input: input({ catalogues: CATALOGUES.filter((c) => c.agency !== 'fk') }),
  },
  {
    rule: 'category-not-never',
    reason: 'category-never',
    case: 'even when an agreement, a legal basis and a consent name it',
    agency: 'fk',
    category: 'fk.medicinskt-underlag',
    input: input({
      agreements: replaceAgreement(
        'fk',
        withPurpose(agreement('fk'), 'vagledning', {
          categories: ['fk.medicinskt-underlag'],
          legalBasis: LEGAL_BASIS,
        }),
      ),
      consents: [consent({ categories: ['fk.medicinskt-underlag'] })],
      request: only('fk', ['fk.medicinskt-underlag']),
    }),
  },
  {
    rule: 'category-in-agreement',
    reason: 'category-not-covered',
    case: 'in the catalogue, not in the agreement for the purpose',
    agency: 'af',
    category: 'af.handlaggare',
    input: input({ request: only('af', ['af.handlaggare']) }),
  },
  {
    rule: 'legal-basis-class-needs-legal-basis',
    reason: 'legal-basis-missing',
    case: 'consent alone is not enough',
    agency: 'fk',
    category: 'fk.bostadsbidrag',
    input: input({
      consents: [consent({ categories: ['fk.bostadsbidrag'] })],
      request: only('fk', ['fk.bostadsbidrag']),
    }),
  },
  {
    rule: 'consent-class-needs-consent-or-legal-basis',
    reason: 'consent-missing',
    case: 'no consent and no legal basis',
    agency: 'fk',
    category: 'fk.utbetalningar',
    input: input({ consents: [] }),
    consentProblem: 'consent-exists',
  },
  consentRows('consent-exists', 'the request names a consent the subject does not have', {}, { consentId: 'nope' }),
  consentRows('consent-of-subject', "another person's consent", { subject: '198112289874' }),
  consentRows('consent-given-to-unit', 'given to another unit', { unit: 'Socialtjänsten' }),
  consentRows('consent-method-known', 'an unknown method', { method: 'telepathy' as 'e-signature' }),
  consentRows('consent-not-revoked', 'revoked', { revokedAt: new Date('2025-06-01T10:00:00Z') }),
  consentRows('consent-not-revoked', 'revoked this very instant', { revokedAt: NOW }),
  consentRows('consent-in-validity', 'expired', { validFrom: '2024-06-01', validUntil: '2025-06-09' }),
  consentRows('consent-in-validity', 'not yet valid', { validFrom: '2025-06-11', validUntil: '2026-02-28' }),
  consentRows('consent-at-most-12-months', 'valid for more than 12 months', { validUntil: '2026-03-02' }),
  consentRows('consent-covers-purpose', 'for another purpose', { purposes: ['etablering'] }),
  consentRows('consent-covers-agency', 'for other agencies', { agencies: ['af', 'skv'] }),
  consentRows('consent-covers-category', 'for other categories', { categories: ['fk.pagaende-arenden'] }),
  {
    rule: 'agreement-requires-consent',
    reason: 'consent-missing',
    case: 'a public category where the agreement requires consent',
    agency: 'skv',
    category: 'skv.f-skatt',
    input: input({
      agreements: replaceAgreement('skv', withPurpose(agreement('skv'), 'vagledning', { consentRequired: true })),
      consents: [],
    }),
    consentProblem: 'consent-exists',
  },
  {
    rule: 'consent-class-needs-consent-or-legal-basis',
    reason: 'consent-missing',
    case: 'a consent category where the agreement requires consent, despite a legal basis',
    agency: 'fk',
    category: 'fk.utbetalningar',
    input: input({
      agreements: replaceAgreement('fk', withPurpose(agreement('fk'), 'ekonomiskt-bistand', { consentRequired: true })),
      staff: CASEWORKER,
      request: request({ purpose: 'ekonomiskt-bistand' }),
    }),
    consentProblem: 'consent-covers-purpose',
  },
  {
    rule: 'agreement-requires-consent',
    reason: 'consent-missing',
    case: 'a legal-basis category where the agreement requires consent',
    agency: 'fk',
    category: 'fk.bostadsbidrag',
    input: input({
      agreements: replaceAgreement('fk', withPurpose(agreement('fk'), 'ekonomiskt-bistand', { consentRequired: true })),
      staff: CASEWORKER,
      request: request({ purpose: 'ekonomiskt-bistand' }),
    }),
    consentProblem: 'consent-covers-purpose',
  },
  {
    rule: 'protected-identity-fields-withheld',
    reason: 'protected-identity',
    case: 'a category of address and location fields only',
    agency: 'skv',
    category: 'skv.folkbokforing',
    input: input({
      protectedIdentity: true,
      request: request({ justification: JUSTIFICATION }),
      catalogues: CATALOGUES.map((c) =>
        c.agency !== 'skv'
          ? c
          : {
              ...c,
              categories: c.categories.map((x) =>
                x.code === 'skv.folkbokforing' ? { ...x, fields: x.fields.filter((f) => f.kind !== 'other') } : x,
              ),
            },
      ),
    }),
  },
  {
    rule: 'protected-identity-fields-withheld',
    reason: 'protected-identity',
    case: 'a category that declares no fields',
    agency: 'af',
    category: 'af.inskrivning',
    input: input({
      protectedIdentity: true,
      request: request({ justification: JUSTIFICATION }),
      catalogues: CATALOGUES.map((c) =>
        c.agency !== 'af'
          ? c
          : { ...c, categories: c.categories.map((x) => (x.code === 'af.inskrivning' ? { ...x, fields: [] } : x)) },
      ),
    }),
  },
];

describe('decide: category rules', () => {
  it.each(categoryRows)('$rule → $reason ($case)', (row) => {
    const d = decide(row.input);
    expect(categoryOf(d, row.agency, row.category)).toEqual({
      category: row.category,
      status: 'deny',
      reason: row.reason,
      rule: row.rule,
      basis: undefined,
      withheldFields: [],
    });
    if (row.consentProblem) expect(agencyOf(d, row.agency).consentProblem).toBe(row.consentProblem);
  });

  it('gives the first denied category as the reason when every category was denied', () => {
    const d = decide(input({ request: only('fk', ['fk.okand', 'fk.medicinskt-underlag']) }));
    expect(agencyOf(d, 'fk')).toMatchObject({
      status: 'deny',
      reason: 'category-unknown',
      rule: 'category-in-catalogue',
    });
  });

  it('denies an agency whose agreement allows no category for the purpose', () => {
    const empty = withPurpose(agreement('af'), 'vagledning', { categories: [] });
    const d = decide(input({ agreements: replaceAgreement('af', empty) }));
    expect(agencyOf(d, 'af')).toMatchObject({ status: 'deny', reason: 'category-not-covered', categories: [] });
  });
});

describe('decide: releases', () => {
  it('releases public on the agreement, consent on consent, and names the consent', () => {
    const d = decide(input());
    expect(agencyOf(d, 'skv')).toMatchObject({
      status: 'release',
      reason: undefined,
      consentId: consent().id,
      legalBasis: undefined,
      agreement: { id: AGREEMENTS[2].id, version: 1 },
      protectedIdentity: false,
      handlingInstruction: undefined,
    });
    expect(categoryOf(d, 'skv', 'skv.f-skatt')).toMatchObject({
      status: 'release',
      basis: 'agreement',
      rule: 'released',
    });
    expect(categoryOf(d, 'skv', 'skv.folkbokforing')).toMatchObject({ status: 'release', basis: 'consent' });
    expect(categoryOf(d, 'skv', 'skv.inkomst')).toMatchObject({ status: 'deny', reason: 'legal-basis-missing' });
    expect(d.agencies.map((a) => a.status)).toEqual(['release', 'release', 'release']);
  });

  it('releases consent and legal-basis categories on the legal basis for a caseworker, without consent', () => {
    const d = decide(input({ staff: CASEWORKER, consents: [], request: request({ purpose: 'ekonomiskt-bistand' }) }));
    const fk = agencyOf(d, 'fk');
    expect(fk).toMatchObject({
      status: 'release',
      consentId: undefined,
      legalBasis: LEGAL_BASIS,
      consentProblem: undefined,
    });
    expect(fk.categories.map((c) => [c.category, c.status, c.basis])).toEqual([
      ['fk.utbetalningar', 'release', 'legal-basis'],
      ['fk.pagaende-arenden', 'release', 'legal-basis'],
      ['fk.bostadsbidrag', 'release', 'legal-basis'],
    ]);
    expect(categoryOf(d, 'af', 'af.handlaggare').basis).toBe('agreement');
  });

  it('relies on consent and legal basis together where the agreement requires consent', () => {
    const fk = withPurpose(agreement('fk'), 'ekonomiskt-bistand', { consentRequired: true });
    const c = consent({ purposes: ['ekonomiskt-bistand'], categories: ['fk.bostadsbidrag'] });
    const d = decide(
      input({
        agreements: [fk],
        staff: CASEWORKER,
        consents: [c],
        request: { ...only('fk', ['fk.bostadsbidrag']), purpose: 'ekonomiskt-bistand' },
      }),
    );
    expect(agencyOf(d, 'fk')).toMatchObject({ status: 'release', consentId: c.id, legalBasis: LEGAL_BASIS });
    expect(categoryOf(d, 'fk', 'fk.bostadsbidrag').basis).toBe('consent-and-legal-basis');
  });

  it('for a protected identity releases with a justification, withholds address and location, and instructs', () => {
    const d = decide(input({ protectedIdentity: true, request: request({ justification: JUSTIFICATION }) }));
    expect(d).toMatchObject({ protectedIdentity: true, handlingInstruction: PROTECTED_IDENTITY_INSTRUCTION });
    expect(agencyOf(d, 'skv')).toMatchObject({ status: 'release', protectedIdentity: true });
    expect(categoryOf(d, 'skv', 'skv.folkbokforing')).toMatchObject({
      status: 'release',
      withheldFields: ['address', 'postalCode', 'municipality'],
    });
    expect(categoryOf(d, 'fk', 'fk.utbetalningar').withheldFields).toEqual([]);
    expect(PROTECTED_IDENTITY_INSTRUCTION).toMatch(/skyddade personuppgifter/);
    expect(PROTECTED_IDENTITY_INSTRUCTION.length).toBeLessThanOrEqual(1000);
  });

  it('picks the consent covering most of the request when none is named, the named one otherwise', () => {
    const narrow = consent({ id: 'c-narrow', categories: ['fk.utbetalningar'] });
    const wide = consent({ id: 'c-wide', categories: ['fk.utbetalningar', 'fk.pagaende-arenden'] });
    expect(agencyOf(decide(input({ consents: [narrow, wide] })), 'fk').consentId).toBe('c-wide');
    const named = decide(input({ consents: [narrow, wide], request: request({ consentId: 'c-narrow' }) }));
    expect(agencyOf(named, 'fk').consentId).toBe('c-narrow');
    expect(categoryOf(named, 'fk', 'fk.pagaende-arenden')).toMatchObject({ status: 'deny', reason: 'consent-missing' });
    expect(agencyOf(named, 'fk').consentProblem).toBe('consent-covers-category');
  });

  it('decides each agency and category once, in the order asked', () => {
    const d = decide(
      input({
        request: request({
          agencies: ['af', 'fk', 'af'],
          categories: { fk: ['fk.utbetalningar', 'fk.utbetalningar'] },
        }),
      }),
    );
    expect(d.agencies.map((a) => a.agency)).toEqual(['af', 'fk']);
    expect(agencyOf(d, 'fk').categories).toHaveLength(1);
  });

  it('decides the same with prebuilt indexes as with plain arrays', () => {
    const plain = input({ protectedIdentity: true, request: request({ justification: JUSTIFICATION }) });
    const indexed = {
      ...plain,
      agreements: new AgreementIndex(AGREEMENTS),
      catalogues: new CatalogueIndex(CATALOGUES),
    };
    expect(decide(indexed)).toEqual(decide(plain));
  });

  it('treats a missing protected-identity flag as protected', () => {
    const d = decide({ ...input(), protectedIdentity: undefined as unknown as boolean });
    expect(d.protectedIdentity).toBe(true);
    expect(agencyOf(d, 'fk').reason).toBe('justification-missing');
  });

  it('denies everything at an invalid instant', () => {
    const d = decide(input({ now: new Date(NaN) }));
    expect(d.agencies.every((a) => a.reason === 'agreement-inactive')).toBe(true);
  });
});

describe('rules', () => {
  it('have unique names and reasons from the contract', () => {
    const names = POLICY_RULES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of POLICY_RULES) expect(REASON_CODES).toContain(r.reason);
  });

  it('every agency and category rule is exercised by a table row', () => {
    const tested = new Set<string>([...agencyRows, ...categoryRows].map((r) => r.rule));
    const consentProblems = new Set(categoryRows.map((r) => r.consentProblem));
    // referral rules have their own table in decide-referral.spec.ts
    for (const r of POLICY_RULES.filter((x) => x.scope !== 'referral')) {
      expect(r.scope === 'consent' ? consentProblems.has(r.name) : tested.has(r.name)).toBe(true);
    }
  });
});
