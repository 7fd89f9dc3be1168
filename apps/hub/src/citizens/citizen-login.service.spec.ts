import { citizenFromClaims } from './citizen-login.service.js';

const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3';

describe('the citizen’s identity from the ID token', () => {
  it('takes the personnummer, normalised, and the name at LoA3', () => {
    expect(citizenFromClaims({ acr: LOA3, personnummer: '191212121212', name: 'Tolvan Tolvansson' })).toEqual({
      personnummer: '191212121212',
      name: 'Tolvan Tolvansson',
      loa: LOA3,
    });
  });

  it('refuses a login below LoA3, without a personnummer, or with a wrong check digit', () => {
    expect(citizenFromClaims({ acr: 'http://id.elegnamnden.se/loa/1.0/loa2', personnummer: '191212121212' })).toMatch(
      /not at LoA3/,
    );
    expect(citizenFromClaims({ personnummer: '191212121212' })).toMatch(/not at LoA3 \(acr missing\)/);
    expect(citizenFromClaims({ acr: LOA3 })).toBe('the provider gave no personnummer');
    expect(citizenFromClaims({ acr: LOA3, personnummer: '191212121213' })).toBe(
      'the provider gave a personnummer that is not valid',
    );
  });
});
