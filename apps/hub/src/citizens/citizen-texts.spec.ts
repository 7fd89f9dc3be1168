import { accessLogSentence, type AccessLogFacts } from './citizen-texts.js';

const facts = (over: Partial<AccessLogFacts> = {}): AccessLogFacts => ({
  kind: 'query',
  actorKind: 'staff',
  outcome: 'ok',
  unitName: 'Servicecenter',
  organisationName: 'Örebro kommun',
  purpose: 'vagledning',
  agencyNames: ['Försäkringskassan'],
  releasedNames: ['Utbetalningar de senaste 12 månaderna'],
  denied: [],
  details: {},
  ...over,
});

describe('the access log in plain Swedish', () => {
  it('says who asked which agency, why, what was released and what was not, and why not', () => {
    expect(
      accessLogSentence(
        facts({
          outcome: 'partial',
          denied: [{ name: 'Pågående ärenden', reason: 'det fanns inget samtycke från dig som täckte det' }],
        }),
      ),
    ).toBe(
      'Servicecenter i Örebro kommun frågade Försäkringskassan om uppgifter om dig för vägledning. ' +
        'Lämnades ut: Utbetalningar de senaste 12 månaderna. ' +
        'Lämnades inte ut: Pågående ärenden, eftersom det fanns inget samtycke från dig som täckte det. ' +
        'En del uppgifter lämnades ut.',
    );
  });

  it('says so when nothing was released', () => {
    expect(accessLogSentence(facts({ outcome: 'timeout', releasedNames: [] }))).toBe(
      'Servicecenter i Örebro kommun frågade Försäkringskassan om uppgifter om dig för vägledning. ' +
        'Myndigheten svarade inte i tid, inga uppgifter lämnades ut.',
    );
  });

  it('tells referrals, their agency’s news, consents and an auditor’s report apart', () => {
    expect(accessLogSentence(facts({ kind: 'referral', outcome: 'sent', agencyNames: ['Arbetsförmedlingen'] }))).toBe(
      'Servicecenter i Örebro kommun skickade en remiss om dig till Arbetsförmedlingen för vägledning.',
    );
    expect(
      accessLogSentence(
        facts({ kind: 'referral', actorKind: 'service', outcome: 'cancelled', organisationName: 'Arbetsförmedlingen' }),
      ),
    ).toBe('Arbetsförmedlingen meddelade om remissen om dig: makulerad.');
    expect(
      accessLogSentence(facts({ kind: 'consent', outcome: 'recorded', purpose: null, details: { method: 'telefon' } })),
    ).toBe(
      'Servicecenter i Örebro kommun registrerade ditt samtycke (muntligt per telefon) till uppgifter från Försäkringskassan.',
    );
    expect(accessLogSentence(facts({ kind: 'access-report', outcome: 'reported', unitName: null }))).toBe(
      'En granskare på Örebro kommun tog fram en förteckning över vem som tagit del av dina uppgifter.',
    );
  });
});
