import { ORGANISATIONS } from './codes.js';
import { formatOrganisationsnummer, parseOrganisationsnummer } from './organisationsnummer.js';

describe('parseOrganisationsnummer', () => {
  it('accepts the parties of the SPEC and the demo, with or without the hyphen', () => {
    for (const number of Object.values(ORGANISATIONS)) {
      expect(parseOrganisationsnummer(number)).toEqual({ ok: true, value: number });
      expect(parseOrganisationsnummer(formatOrganisationsnummer(number))).toEqual({ ok: true, value: number });
    }
    expect(parseOrganisationsnummer(' 212000-1991 ')).toEqual({ ok: true, value: '2120001991' });
  });

  it('refuses a wrong check digit (Luhn)', () => {
    expect(parseOrganisationsnummer('212000-1992')).toEqual({ ok: false, reason: 'wrong check digit' });
    expect(parseOrganisationsnummer('2021005522')).toEqual({ ok: false, reason: 'wrong check digit' });
  });

  it('refuses what is not ten digits, and a personnummer (third digit below 2)', () => {
    for (const input of ['', '212000199', '21200019911', '2120OO1991', '212000--1991', '21-20001991', 'x'.repeat(30)]) {
      expect(parseOrganisationsnummer(input)).toMatchObject({ ok: false });
    }
    expect(parseOrganisationsnummer(12345)).toMatchObject({ ok: false });
    // 811218-9876 passes Luhn but is a date of birth
    expect(parseOrganisationsnummer('811218-9876')).toEqual({
      ok: false,
      reason: 'the third digit of an organisationsnummer is at least 2',
    });
  });

  it('writes ten digits as NNNNNN-NNNN and leaves anything else alone', () => {
    expect(formatOrganisationsnummer('2120001991')).toBe('212000-1991');
    expect(formatOrganisationsnummer('abc')).toBe('abc');
  });
});
