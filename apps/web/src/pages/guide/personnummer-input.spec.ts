import { checkPersonnummer } from './personnummer-input.js';

const TODAY = new Date('2026-11-23T12:00:00Z');

describe('checking a personnummer as it is typed', () => {
  it('says nothing for an empty field and counts digits while typing', () => {
    expect(checkPersonnummer('   ', TODAY)).toEqual({ state: 'empty' });
    expect(checkPersonnummer('191212', TODAY)).toEqual({ state: 'incomplete', message: '6 av 10 eller 12 siffror.' });
  });

  it('accepts the forms people type and normalises them to twelve digits', () => {
    for (const typed of ['19121212-1212', '191212121212', '121212+1212', ' 19121212 1212 ']) {
      expect(checkPersonnummer(typed, TODAY)).toMatchObject({ state: 'valid', value: '191212121212' });
    }
  });

  it('reads a two-digit year as someone under 100', () => {
    expect(checkPersonnummer('1212121212', TODAY)).toMatchObject({ state: 'valid', value: '201212121212' });
  });

  it('knows a samordningsnummer', () => {
    expect(checkPersonnummer('19701063-2391', TODAY)).toMatchObject({
      state: 'valid',
      coordinationNumber: true,
      message: 'Giltigt samordningsnummer.',
    });
  });

  it('explains a wrong check digit, an impossible date and stray characters in Swedish', () => {
    expect(checkPersonnummer('19121212-1213', TODAY)).toMatchObject({
      state: 'invalid',
      message: expect.stringMatching(/^Kontrollsiffran/),
    });
    expect(checkPersonnummer('19121312-1212', TODAY)).toMatchObject({
      state: 'invalid',
      message: expect.stringMatching(/födelsedatum/),
    });
    expect(checkPersonnummer('1912121a', TODAY)).toMatchObject({ state: 'invalid' });
  });

  it('treats eleven digits as not yet finished', () => {
    expect(checkPersonnummer('19121212121', TODAY)).toMatchObject({ state: 'incomplete' });
  });
});
