import { describeAgencyState } from './agency-state-text.js';

describe('an agency’s state in words', () => {
  it('says what each state means in Swedish, with the reason and what to do', () => {
    expect(describeAgencyState({ agency: 'fk', state: 'waiting' })).toBe('Försäkringskassan: Väntar på svar.');
    expect(
      describeAgencyState({
        agency: 'af',
        state: 'ok',
        result: {
          agency: 'af',
          status: 'ok',
          found: true,
          released: [{ category: 'af.inskrivning', data: {} }],
          denied: [],
        },
      }),
    ).toBe('Arbetsförmedlingen: svar med 1 uppgift.');
    expect(
      describeAgencyState({
        agency: 'skv',
        state: 'denied',
        result: { agency: 'skv', status: 'denied', reason: 'consent-missing', released: [], denied: [] },
      }),
    ).toMatch(/^Skatteverket: nekad\. Samtycke saknas.*Registrera ett samtycke/);
    expect(
      describeAgencyState({
        agency: 'fk',
        state: 'timeout',
        result: { agency: 'fk', status: 'timeout', reason: 'deadline-exceeded', released: [], denied: [] },
      }),
    ).toBe('Försäkringskassan: inget svar i tid. Myndigheten svarade inte i tid. Försök igen om en stund.');
  });
});
