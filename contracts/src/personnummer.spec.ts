import { luhnValid, maskPersonnummer, parsePersonnummer } from './personnummer.js';

const TODAY = new Date('2025-06-15T12:00:00Z');
const parse = (input: unknown, today = TODAY) => parsePersonnummer(input, today);

describe('parsePersonnummer', () => {
  it.each([
    ['19121212-1212', '191212121212'],
    ['191212121212', '191212121212'],
    ['121212-1212', '201212121212'],
    ['1212121212', '201212121212'],
    ['  19811228-9874 ', '198112289874'],
    ['811228-9874', '198112289874'],
    ['8112289874', '198112289874'],
  ])('normalises %p to %p', (input, value) => {
    expect(parse(input)).toEqual({ ok: true, value, coordinationNumber: false });
  });

  it('accepts a samordningsnummer (day + 60) and keeps its day as written', () => {
    expect(parse('701063-2391')).toEqual({ ok: true, value: '197010632391', coordinationNumber: true });
    expect(parse('19701063-2391')).toEqual({ ok: true, value: '197010632391', coordinationNumber: true });
  });

  it.each(['19121212-1213', '121212-1211', '8112289875', '701063-2390', '19811228-9870'])(
    'refuses a wrong check digit in %p',
    (input) => {
      expect(parse(input)).toEqual({ ok: false, reason: 'wrong check digit' });
    },
  );

  describe('century without one written', () => {
    it('takes the most recent year at which the person is already born', () => {
      expect(parse('250101-1239')).toMatchObject({ ok: true, value: '202501011239' });
      expect(parse('991231-1231')).toMatchObject({ ok: true, value: '199912311231' });
      expect(parse('000229-1235')).toMatchObject({ ok: true, value: '200002291235' });
    });

    it('goes back a century when the date has not come yet this year', () => {
      expect(parse('251231-1230')).toMatchObject({ ok: true, value: '192512311230' });
      expect(parse('260101-1238')).toMatchObject({ ok: true, value: '192601011238' });
    });

    it('counts today as already born', () => {
      expect(parse('250101-1239', new Date('2025-01-01T00:00:00Z'))).toMatchObject({ value: '202501011239' });
      expect(parse('250101-1239', new Date('2024-12-31T23:59:59Z'))).toMatchObject({ value: '192501011239' });
    });

    it('reads "+" as a hundred years or older', () => {
      expect(parse('121212+1212')).toMatchObject({ ok: true, value: '191212121212' });
      expect(parse('200101+1234')).toMatchObject({ ok: true, value: '192001011234' });
      expect(parse('250101+1239')).toMatchObject({ ok: true, value: '192501011239' });
      expect(parse('251231+1230')).toMatchObject({ ok: true, value: '182512311230' });
    });

    it('depends on the day passed in, not on the clock', () => {
      expect(parse('420101-1238', new Date('2030-01-01T00:00:00Z'))).toMatchObject({ value: '194201011238' });
      expect(parse('420101-1238', new Date('2045-01-01T00:00:00Z'))).toMatchObject({ value: '204201011238' });
    });
  });

  it.each([
    '19000229-0005',
    '20250229-1236',
    '250229-1236',
    '210431-1234',
    '19121312-1212',
    '19120012-1212',
    '19121200-1212',
    '19121232-1212',
    '19121292-1212',
  ])('refuses %p, which has no such birth date', (input) => {
    expect(parse(input)).toEqual({ ok: false, reason: 'no such birth date' });
  });

  it('refuses a birth date after today and a century with "+"', () => {
    expect(parse('20260101-1238')).toEqual({ ok: false, reason: 'birth date in the future' });
    expect(parse('19121212+1212')).toEqual({ ok: false, reason: '"+" only goes with a two-digit year' });
  });

  it.each([
    '',
    '   ',
    'abc',
    '1212121212121',
    '12121-21212',
    '19121212--1212',
    '19121212 1212',
    '1912-12-12-1212',
    '19121212_1212',
    '١٢١٢١٢-١٢١٢',
    '12121212121212121212121212',
    '1'.repeat(10_000),
  ])('refuses garbage %p without repeating it', (input) => {
    const result = parse(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).not.toContain('1212');
  });

  it.each([undefined, null, 191212121212, {}, ['191212121212']])('refuses %p, which is not a string', (input) => {
    expect(parse(input)).toEqual({ ok: false, reason: 'a personnummer must be a string' });
  });

  it('uses the clock when no day is passed', () => {
    expect(parsePersonnummer('811228-9874')).toMatchObject({ ok: true, value: '198112289874' });
  });
});

describe('luhnValid', () => {
  it('checks the last digit of YYMMDDNNNC', () => {
    expect(luhnValid('1212121212')).toBe(true);
    expect(luhnValid('8112289874')).toBe(true);
    expect(luhnValid('8112289873')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('12a')).toBe(false);
  });
});

describe('maskPersonnummer', () => {
  it('keeps the birth date and hides the rest', () => {
    expect(maskPersonnummer('191212121212')).toBe('19121212-****');
  });
});
