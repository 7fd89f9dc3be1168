import { parsePersonnummer } from '@hub/contracts';
import { ageOn } from './dates.js';
import { MUNICIPALITY_BY_CODE } from './municipalities.js';
import {
  DEFAULT_POPULATION_SIZE,
  findPeople,
  generatePopulation,
  POPULATION_REFERENCE_DATE,
  PROTECTED_IDENTITIES,
  type Person,
  type Population,
} from './population.js';

const TODAY = new Date('2026-11-23T12:00:00Z');

/** Checks every person and lists who fails, so that a failure names them rather than stopping at the first. */
function violations<T>(items: readonly T[], problem: (item: T) => string | false): string[] {
  return items.map(problem).filter((p): p is string => p !== false);
}

describe('synthetic population', () => {
  let population: Population;

  beforeAll(() => {
    population = generatePopulation({ seed: 1 });
  });

  const share = (count: number) => count / population.people.length;
  const person = (subject: string): Person => population.bySubject.get(subject)!;

  it('has 10,000 people by default and exactly the size asked for', () => {
    expect(population.people).toHaveLength(DEFAULT_POPULATION_SIZE);
    for (const size of [1, 7, 250, 1_234]) expect(generatePopulation({ seed: 3, size }).people).toHaveLength(size);
  });

  it('gives exactly the same population for the same seed and size, and another one for another seed', () => {
    const again = generatePopulation({ seed: 1 });
    expect(JSON.stringify(again.people)).toBe(JSON.stringify(population.people));
    expect(JSON.stringify(again.households)).toBe(JSON.stringify(population.households));
    const other = generatePopulation({ seed: 2 });
    expect(other.people.filter((p) => population.bySubject.has(p.subject)).length).toBeLessThan(50);
    expect(other.people.slice(0, 20).map((p) => p.givenName)).not.toEqual(
      population.people.slice(0, 20).map((p) => p.givenName),
    );
  });

  it('gives every person a valid, unique personnummer whose second-to-last digit tells the sex', () => {
    const problems = violations(population.people, (p) => {
      const parsed = parsePersonnummer(p.subject, TODAY);
      if (!parsed.ok || parsed.value !== p.subject) return `${p.subject} does not parse`;
      if (parsed.coordinationNumber !== p.coordinationNumber) return `${p.subject} samordningsnummer flag`;
      if ((Number(p.subject[10]) % 2 === 1 ? 'male' : 'female') !== p.sex) return `${p.subject} sex`;
      const day = Number(p.subject.slice(6, 8)) - (p.coordinationNumber ? 60 : 0);
      const birthDate = `${p.subject.slice(0, 4)}-${p.subject.slice(4, 6)}-${String(day).padStart(2, '0')}`;
      return birthDate !== p.birthDate && `${p.subject} birth date ${p.birthDate}`;
    });
    expect(problems).toEqual([]);
    expect(new Set(population.people.map((p) => p.subject.slice(2))).size).toBe(population.people.length);
  });

  it('gives about 1 % a samordningsnummer: adults living alone, never protected', () => {
    const coordination = findPeople(population, (p) => p.coordinationNumber);
    expect(share(coordination.length)).toBeCloseTo(0.01, 3);
    const problems = violations(
      coordination,
      (p) =>
        (p.protectedIdentity !== null || population.householdById.get(p.householdId)!.adults.length !== 1) && p.subject,
    );
    expect(problems).toEqual([]);
  });

  it('protects about 0.5 %, whole households, with every kind present', () => {
    const marked = findPeople(population, (p) => p.protectedIdentity !== null);
    expect(share(marked.length)).toBeGreaterThanOrEqual(0.003);
    expect(share(marked.length)).toBeLessThanOrEqual(0.008);
    expect(new Set(marked.map((p) => p.protectedIdentity))).toEqual(new Set(PROTECTED_IDENTITIES));
    const mixed = violations(
      population.households,
      (h) => new Set([...h.adults, ...h.children].map((s) => person(s).protectedIdentity)).size !== 1 && h.id,
    );
    expect(mixed).toEqual([]);
  });

  it('spreads ages from 0 to 100 plausibly', () => {
    const ages = population.people.map((p) => ageOn(p.birthDate, POPULATION_REFERENCE_DATE));
    expect(Math.min(...ages)).toBe(0);
    expect(Math.max(...ages)).toBeLessThanOrEqual(100);
    expect(Math.max(...ages)).toBeGreaterThanOrEqual(95);
    const under18 = share(ages.filter((a) => a < 18).length);
    const over64 = share(ages.filter((a) => a >= 65).length);
    expect(under18).toBeGreaterThan(0.15);
    expect(under18).toBeLessThan(0.3);
    expect(over64).toBeGreaterThan(0.15);
    expect(over64).toBeLessThan(0.27);
  });

  it('keeps households together: one address and municipality, children younger than their parents', () => {
    const problems = violations(population.households, (h) => {
      if (h.adults.length < 1 || h.adults.length > 2) return `${h.id} has ${h.adults.length} adults`;
      const members = [...h.adults, ...h.children].map(person);
      if (members.some((m) => m.householdId !== h.id || m.address !== h.address)) return `${h.id} address`;
      if (members.some((m) => m.municipalityCode !== h.municipalityCode)) return `${h.id} municipality`;
      const youngestParent = Math.max(...h.adults.map((s) => Number(person(s).birthDate.slice(0, 4))));
      for (const child of h.children.map(person)) {
        if (child.householdRole !== 'child' || child.civilStatus !== 'ogift') return `${h.id} child ${child.subject}`;
        if (Number(child.birthDate.slice(0, 4)) - youngestParent < 16) return `${h.id} parent too young`;
      }
      const [a, b] = h.adults.map(person);
      const married = (p: Person | undefined) => p?.civilStatus === 'gift' || p?.civilStatus === 'registrerad partner';
      return b !== undefined && (married(a) || married(b)) && a!.civilStatus !== b.civilStatus && `${h.id} couple`;
    });
    expect(problems).toEqual([]);
  });

  it('uses real municipalities, Örebro län most, with plausible postal addresses', () => {
    const county = (p: Person) => MUNICIPALITY_BY_CODE.get(p.municipalityCode)!.county;
    expect(share(findPeople(population, (p) => county(p) === 'Örebro län').length)).toBeGreaterThan(0.45);
    expect(MUNICIPALITY_BY_CODE.get('1880')!.name).toBe('Örebro');
    expect(MUNICIPALITY_BY_CODE.get('0180')!.name).toBe('Stockholm');
    expect(MUNICIPALITY_BY_CODE.get('1480')!.name).toBe('Göteborg');
    const problems = violations(population.people, (p) => {
      const municipality = MUNICIPALITY_BY_CODE.get(p.municipalityCode)!;
      const postalCode = Number(p.address.postalCode.replace(' ', ''));
      return (
        (p.municipality !== municipality.name ||
          p.address.city !== municipality.postalTown ||
          !/^\p{Lu}[\p{L} ]+ \d{1,3}[A-C]?$/u.test(p.address.street) ||
          !/^\d{3} \d{2}$/.test(p.address.postalCode) ||
          postalCode < municipality.postalCodes[0] ||
          postalCode > municipality.postalCodes[1]) &&
        `${p.subject}: ${JSON.stringify(p.address)} in ${p.municipality}`
      );
    });
    expect(problems).toEqual([]);
  });

  it('names people and gives widows and widowers the status of their sex', () => {
    const problems = violations(
      population.people,
      (p) =>
        (!/^\p{Lu}\p{Ll}+(-\p{Lu}\p{Ll}+)?$/u.test(p.givenName) ||
          !/^\p{Lu}\p{Ll}+$/u.test(p.surname) ||
          (p.civilStatus === 'änka' && p.sex !== 'female') ||
          (p.civilStatus === 'änkling' && p.sex !== 'male')) &&
        `${p.subject} ${p.givenName} ${p.surname} ${p.civilStatus}`,
    );
    expect(problems).toEqual([]);
  });

  it('refuses a seed or size it cannot honour', () => {
    expect(() => generatePopulation({ seed: 1.5 })).toThrow(RangeError);
    expect(() => generatePopulation({ seed: 1, size: 0 })).toThrow(RangeError);
  });
});
