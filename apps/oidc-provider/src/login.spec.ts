import { ORGANISATIONS, STAFF_ROLES } from '@hub/contracts';
import { DEMO_ACCOUNTS, staffClaimsOf } from './demo-accounts.js';
import { authenticate } from './login.js';

describe('demo login', () => {
  it('accepts every demo account with the demo password', () => {
    for (const account of DEMO_ACCOUNTS) expect(authenticate(account.id, 'demo', 'demo')).toBe(account);
    expect(authenticate(' anna.guide ', 'demo', 'demo')?.id).toBe('anna.guide');
  });

  it('refuses a wrong password, an unknown user and an empty password', () => {
    expect(authenticate('anna.guide', 'Demo', 'demo')).toBeUndefined();
    expect(authenticate('anna.guide', '', 'demo')).toBeUndefined();
    expect(authenticate('nobody', 'demo', 'demo')).toBeUndefined();
    expect(authenticate('anna.guide', 'demo', 'another-password')).toBeUndefined();
  });

  it('has one account per role of SPEC section 2, guides in both municipalities, and units only in municipalities', () => {
    const roles = DEMO_ACCOUNTS.flatMap((account) => account.roles);
    expect(new Set(roles)).toEqual(new Set(STAFF_ROLES));
    const municipalities: string[] = [ORGANISATIONS.orebro, ORGANISATIONS.karlskoga];
    expect(roles.filter((role) => role === 'guide')).toHaveLength(3);
    for (const account of DEMO_ACCOUNTS) {
      expect(account.organisation).toMatch(/^[0-9]{10}$/);
      expect(account.unit === undefined).toBe(!municipalities.includes(account.organisation));
    }
    // the second municipality has its own guide, admin and manager
    const karlskoga = DEMO_ACCOUNTS.filter((account) => account.organisation === ORGANISATIONS.karlskoga);
    expect(karlskoga.flatMap((account) => account.roles).sort()).toEqual(['admin', 'guide', 'manager']);
    expect(new Set(DEMO_ACCOUNTS.map((account) => account.id)).size).toBe(DEMO_ACCOUNTS.length);
  });

  it('gives the claims the hub reads, without a unit for agency staff', () => {
    const [guide] = DEMO_ACCOUNTS;
    expect(staffClaimsOf(guide)).toEqual({
      sub: 'anna.guide',
      name: 'Anna Vägledare',
      organisation: '2120001967',
      unit: 'Servicecenter',
      roles: ['guide'],
    });
    const fk = DEMO_ACCOUNTS.find((account) => account.id === 'fredrik.fk');
    expect(fk && staffClaimsOf(fk)).not.toHaveProperty('unit');
  });
});
