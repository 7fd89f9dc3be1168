import { ForbiddenException } from '@nestjs/common';
import type { StaffUser } from './staff-user.js';
import { unitOf } from './unit-of.js';

const user = (unit?: string): StaffUser => ({
  id: 'anna.guide',
  name: 'Anna Vägledare',
  organisation: '2120001967',
  roles: ['guide'],
  ...(unit && { unit }),
});

describe('unitOf', () => {
  it('answers the unit the token names', () => {
    expect(unitOf(user('Servicecenter'), 'why')).toBe('Servicecenter');
  });

  it('refuses a token without a unit with 403 no-unit and the reason given', () => {
    let thrown: unknown;
    try {
      unitOf(user(), 'queries need a unit');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ForbiddenException);
    expect((thrown as ForbiddenException).getStatus()).toBe(403);
    expect((thrown as ForbiddenException).getResponse()).toEqual({ error: 'no-unit', message: 'queries need a unit' });
  });
});
