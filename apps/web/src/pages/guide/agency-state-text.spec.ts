import { describeAgencyState } from './agency-state-text.js';
import { organisationName, rememberAgencies, rememberOrganisations } from '../../texts.js';

describe('an agency’s state in words', () => {
  beforeAll(() => {
    rememberAgencies([
      { agency: 'fk', organisation: '2021005521', name: 'Försäkringskassan' },
      { agency: 'af', organisation: '2021002114', name: 'Arbetsförmedlingen' },
      { agency: 'skv', organisation: '2021005448', name: 'Skatteverket' },
    ]);
    rememberOrganisations([{ number: '2120001967', name: 'Örebro kommun' }]);
  });

  it('names an agency as its announced catalogue does, and by its code until then', () => {
    expect(describeAgencyState({ agency: 'pm', state: 'waiting' })).toBe('PM: Väntar på svar.');
    expect(rememberAgencies([{ agency: 'pm', organisation: '2021005836', name: 'Pensionsmyndigheten' }])).toBe(true);
    expect(rememberAgencies([{ agency: 'pm', organisation: '2021005836', name: 'Pensionsmyndigheten' }])).toBe(false);
    expect(describeAgencyState({ agency: 'pm', state: 'waiting' })).toBe('Pensionsmyndigheten: Väntar på svar.');
    expect(organisationName('2021005836')).toBe('Pensionsmyndigheten');
    expect(organisationName('2120001967')).toBe('Örebro kommun');
    expect(organisationName('2120001991')).toBe('2120001991');
    expect(rememberOrganisations([{ number: '2120001991', name: 'Karlskoga kommun' }])).toBe(true);
    expect(organisationName('2120001991')).toBe('Karlskoga kommun');
  });

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
