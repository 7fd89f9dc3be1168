import { staffUserFromClaims } from './staff-claims.js';

const claims = { sub: 'anna.guide', name: 'Anna Vägledare', organisation: '2120001967', unit: 'Servicecenter' };

describe('staffUserFromClaims', () => {
  it('takes the staff member from well-formed claims', () => {
    expect(staffUserFromClaims({ ...claims, roles: ['guide', 'no-such-role'] })).toEqual({
      id: 'anna.guide',
      name: 'Anna Vägledare',
      organisation: '2120001967',
      unit: 'Servicecenter',
      roles: ['guide'],
    });
  });

  it.each(['sub', 'name', 'unit'])('refuses a %s claim the audit chain could not store', (claim) => {
    for (const text of ['anna\u0000', 'anna\ud800']) {
      expect(staffUserFromClaims({ ...claims, roles: ['guide'], [claim]: text })).toBe(
        `the token's ${claim} claim has a NUL character or an unpaired surrogate`,
      );
    }
  });
});
