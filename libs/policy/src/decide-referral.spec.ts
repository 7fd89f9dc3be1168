import fc from 'fast-check';
import { decideReferral } from './decide.js';
import { AGENCY_RULES, REFERRAL_RULES } from './rules.js';
import {
  agreement,
  AGREEMENTS,
  CASEWORKER,
  CATALOGUES,
  consent,
  GUIDE,
  LEGAL_BASIS,
  NOW,
  SUBJECT,
  withPurpose,
} from './policy.fixtures.js';
import type { ReferralDecisionInput } from './decisions.js';
import type { ReferralRequest } from './types.js';

const referral = (overrides: Partial<ReferralRequest> = {}): ReferralRequest => ({
  subject: SUBJECT,
  purpose: 'vagledning',
  agency: 'af',
  referralType: 'af.inskrivning-arbetssokande',
  ...overrides,
});

const input = (overrides: Partial<ReferralDecisionInput> = {}): ReferralDecisionInput => ({
  agreements: AGREEMENTS,
  consents: [consent()],
  catalogues: CATALOGUES,
  staff: GUIDE,
  request: referral(),
  now: NOW,
  ...overrides,
});

const replaced = (agency: string, a: ReturnType<typeof agreement>) =>
  AGREEMENTS.map((x) => (x.parties.agency.agency === agency ? a : x));

const DENIALS = [
  [
    'no agreement with the agency',
    { agreements: AGREEMENTS.filter((a) => a.parties.agency.agency !== 'af') },
    'no-agreement',
    'agreement-exists',
  ],
  [
    'a suspended agreement',
    { agreements: replaced('af', agreement('af', { status: 'suspended' })) },
    'agreement-inactive',
    'agreement-active',
  ],
  [
    'an agreement approved by one party',
    { agreements: replaced('af', agreement('af', { approvals: [{ organisation: GUIDE.organisation }] })) },
    'agreement-inactive',
    'agreement-approved-by-both-parties',
  ],
  [
    'an agreement past validTo',
    { agreements: replaced('af', agreement('af', { validTo: '2025-06-09' })) },
    'agreement-inactive',
    'agreement-in-force',
  ],
  [
    'a purpose the agreement lacks',
    { request: referral({ purpose: 'etablering' }) },
    'purpose-not-covered',
    'purpose-covered',
  ],
  ['a role the agreement does not allow', { staff: CASEWORKER }, 'role-not-allowed', 'role-allowed'],
  [
    'a type not in the catalogue',
    { request: referral({ referralType: 'af.okand-typ' }) },
    'referral-type-unknown',
    'referral-type-in-catalogue',
  ],
  [
    'a type of another agency',
    { request: referral({ referralType: 'fk.bostadsbidrag-ansokan' }) },
    'referral-type-unknown',
    'referral-type-in-catalogue',
  ],
  [
    'a type the agreement does not list for the purpose',
    { agreements: replaced('af', withPurpose(agreement('af'), 'vagledning', { referralTypes: [] })) },
    'referral-type-not-covered',
    'referral-type-in-agreement',
  ],
  ['no consent and no legal basis', { consents: [] }, 'consent-missing', 'referral-needs-consent-or-legal-basis'],
  [
    'a revoked consent',
    { consents: [consent({ revokedAt: new Date('2025-06-01T00:00:00Z') })] },
    'consent-missing',
    'referral-needs-consent-or-legal-basis',
  ],
  [
    'an expired consent',
    { consents: [consent({ validUntil: '2025-06-09' })] },
    'consent-missing',
    'referral-needs-consent-or-legal-basis',
  ],
  [
    'a consent that does not cover the agency',
    { consents: [consent({ agencies: ['fk'] })] },
    'consent-missing',
    'referral-needs-consent-or-legal-basis',
  ],
  [
    'a consent given to another unit',
    { consents: [consent({ unit: 'Socialkontoret' })] },
    'consent-missing',
    'referral-needs-consent-or-legal-basis',
  ],
  [
    "another subject's consent",
    { consents: [consent({ subject: '198001019806' })] },
    'consent-missing',
    'referral-needs-consent-or-legal-basis',
  ],
] as const;

describe('decideReferral', () => {
  it('allows a referral of a type the agreement covers, on a consent covering purpose and agency', () => {
    expect(decideReferral(input())).toEqual({
      agency: 'af',
      referralType: 'af.inskrivning-arbetssokande',
      status: 'allow',
      reason: undefined,
      rule: undefined,
      agreement: { id: agreement('af').id, version: 1 },
      consentId: consent().id,
      legalBasis: undefined,
      consentProblem: undefined,
    });
  });

  it.each(DENIALS)('denies %s', (_what, overrides, reason, rule) => {
    const decision = decideReferral(input(overrides as Partial<ReferralDecisionInput>));
    expect(decision).toMatchObject({ status: 'deny', reason, rule, consentId: undefined });
  });

  it('has a denial row for every agency rule but the justification, and for every referral rule', () => {
    const tested = new Set<string>(DENIALS.map((row) => row[3]));
    for (const rule of [...AGENCY_RULES.filter((r) => r.name !== 'justification-given'), ...REFERRAL_RULES]) {
      expect(tested).toContain(rule.name);
    }
  });

  it('names why the consent could not be used', () => {
    expect(decideReferral(input({ consents: [consent({ agencies: ['fk'] })] })).consentProblem).toBe(
      'consent-covers-agency',
    );
    expect(decideReferral(input({ consents: [consent({ validUntil: '2025-06-09' })] })).consentProblem).toBe(
      'consent-in-validity',
    );
  });

  it('relies on the legal basis where the agreement cites one and does not require consent', () => {
    const withBasis = replaced(
      'af',
      withPurpose(agreement('af'), 'vagledning', { legalBasis: LEGAL_BASIS, consentRequired: false }),
    );
    expect(decideReferral(input({ agreements: withBasis, consents: [] }))).toMatchObject({
      status: 'allow',
      consentId: undefined,
      legalBasis: { reference: LEGAL_BASIS.reference },
    });
    const required = replaced(
      'af',
      withPurpose(agreement('af'), 'vagledning', { legalBasis: LEGAL_BASIS, consentRequired: true }),
    );
    expect(decideReferral(input({ agreements: required, consents: [] }))).toMatchObject({
      status: 'deny',
      reason: 'consent-missing',
    });
    expect(decideReferral(input({ agreements: required }))).toMatchObject({
      status: 'allow',
      consentId: consent().id,
      legalBasis: { reference: LEGAL_BASIS.reference },
    });
  });

  it('uses the named consent only', () => {
    const other = consent({ id: '0b5f2f5e-3c39-4d0e-9a53-3f4f0d8f7c11' });
    expect(
      decideReferral(input({ consents: [consent(), other], request: referral({ consentId: other.id }) })).consentId,
    ).toBe(other.id);
    expect(
      decideReferral(input({ request: referral({ consentId: '9a4b7f0c-0000-4000-8000-000000000000' }) })).status,
    ).toBe('deny');
  });

  it('never allows a referral without an agreement in force that both parties approved (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('draft', 'proposed', 'active', 'suspended', 'terminated', 'expired'),
        fc.boolean(),
        fc.integer({ min: -400, max: 400 }),
        (status, bothApproved, shiftDays) => {
          const validTo = new Date(NOW.getTime() + shiftDays * 86_400_000).toISOString().slice(0, 10);
          const a = agreement('af', {
            status,
            validTo,
            approvals: bothApproved ? agreement('af').approvals : [{ organisation: GUIDE.organisation }],
          });
          const decision = decideReferral(input({ agreements: replaced('af', a) }));
          const inForce = status === 'active' && bothApproved && validTo >= '2025-06-10';
          return decision.status === (inForce ? 'allow' : 'deny');
        },
      ),
    );
  });
});
