import { parsePersonnummer } from '@hub/contracts';
import {
  BENEFIT_INCOME_CAP,
  CHILD_ALLOWANCE_PER_CHILD,
  deriveAgencyData,
  LOW_INCOME_LIMIT,
  type AgencyData,
  type PersonAgencyData,
} from './agency-data.js';
import { addDays, ageOn } from './dates.js';
import { examplePeople, unknownSubject } from './examples.js';
import { REGISTER_AGENCIES, REGISTER_CATEGORIES, REGISTER_FIELDS, registerRecord } from './fields.js';
import { formatAddress, generatePopulation, type Population } from './population.js';

const TODAY = '2026-11-23';

/** Checks every item and lists the failures, so that a failure names who rather than stopping at the first. */
function violations<T>(items: readonly T[], problem: (item: T) => string | false): string[] {
  return items.map(problem).filter((p): p is string => p !== false);
}

describe('agency data derived from the population', () => {
  let population: Population;
  let data: AgencyData;
  let everyone: PersonAgencyData[];

  beforeAll(() => {
    population = generatePopulation({ seed: 1 });
    data = deriveAgencyData(population, TODAY);
    everyone = [...data.bySubject.values()];
  });

  const householdOf = (d: PersonAgencyData) => population.householdById.get(d.person.householdId)!;
  const member = (subject: string) => data.bySubject.get(subject)!;
  const income = (d: PersonAgencyData) => d.skv.income[0]!.income;

  it('is the same for the same population and day, from a Date or a string', () => {
    const again = deriveAgencyData(generatePopulation({ seed: 1 }), new Date(`${TODAY}T08:00:00Z`));
    expect(JSON.stringify([...again.bySubject.values()])).toBe(JSON.stringify(everyone));
    expect(data.assessedYear).toBe(2025);
  });

  it('refuses a day before the population was counted', () => {
    expect(() => deriveAgencyData(population, '2025-06-01')).toThrow(RangeError);
  });

  it('only registers job seekers whose taxed income at SKV is low, 5–8 % of working age', () => {
    const registered = everyone.filter((d) => d.af.registration.length > 0);
    expect(registered.length).toBeGreaterThan(100);
    expect(violations(registered, (d) => income(d) > LOW_INCOME_LIMIT && `${d.person.subject} ${income(d)}`)).toEqual(
      [],
    );
    const workingAge = everyone.filter((d) => d.age >= 16 && d.age <= 64);
    const inskrivna = workingAge.filter((d) => d.af.registration.some((r) => r.status === 'inskriven'));
    expect(inskrivna.length / workingAge.length).toBeGreaterThanOrEqual(0.05);
    expect(inskrivna.length / workingAge.length).toBeLessThanOrEqual(0.08);
    const problems = violations(
      inskrivna,
      (d) =>
        (d.af.officer.length !== 1 ||
          !/^Arbetsförmedlingen \p{Lu}/u.test(d.af.officer[0]!.office) ||
          !/^010-486 \d{2} \d{2}$/.test(d.af.officer[0]!.phone) ||
          !/^(11|22|68|70) \p{Lu}/u.test(d.af.registration[0]!.category) ||
          d.af.programmes.some((p) => p.to < p.from || p.from < d.af.registration[0]!.since)) &&
        `${d.person.subject} ${JSON.stringify(d.af)}`,
    );
    expect(problems).toEqual([]);
  });

  it('pays barnbidrag only to parents, 1,250 kr a month per child under 16 in the household that month', () => {
    const payments = everyone.flatMap((d) =>
      d.fk.payments.filter((p) => p.benefit === 'barnbidrag').map((p) => ({ d, p })),
    );
    expect(payments.length).toBeGreaterThan(1_000);
    const problems = violations(payments, ({ d, p }) => {
      const monthStart = `${p.period}-01`;
      const children = householdOf(d)
        .children.map(member)
        .filter((c) => c.person.birthDate < monthStart && ageOn(c.person.birthDate, monthStart) < 16);
      return (
        (d.person.householdRole !== 'adult' ||
          children.length === 0 ||
          p.amount !== children.length * CHILD_ALLOWANCE_PER_CHILD) &&
        `${d.person.subject} ${JSON.stringify(p)}`
      );
    });
    expect(problems).toEqual([]);
  });

  it('gives children no income, no job-seeker registration and no payments', () => {
    const children = everyone.filter((x) => x.age < 18);
    const problems = violations(
      children,
      (d) =>
        (d.skv.income.length !== 1 || income(d) !== 0 || d.af.registration.length > 0 || d.fk.payments.length > 0) &&
        d.person.subject,
    );
    expect(problems).toEqual([]);
  });

  it('shows one household one address at SKV and FK', () => {
    const split = violations(population.households, (h) => {
      const addresses = new Set(
        [...h.adults, ...h.children].flatMap((s) => member(s).skv.folkbokforing.map((f) => f.address)),
      );
      return addresses.size > 1 && h.id;
    });
    expect(split).toEqual([]);
    const dwellings = violations(everyone, (d) =>
      d.fk.housingAllowance.some(
        (h) =>
          h.dwellingAddress !== d.skv.folkbokforing[0]!.address ||
          h.dwellingAddress !== formatAddress(d.person.address),
      )
        ? d.person.subject
        : false,
    );
    expect(dwellings).toEqual([]);
  });

  it('folkbokför everyone but those with a samordningsnummer; F-skatt for about 5 %', () => {
    const problems = violations(
      everyone,
      (d) =>
        (d.skv.folkbokforing.length !== (d.person.coordinationNumber ? 0 : 1) ||
          d.skv.fTax.length !== 1 ||
          d.skv.fTax[0]!.registered !== (d.skv.fTax[0]!.since !== null)) &&
        d.person.subject,
    );
    expect(problems).toEqual([]);
    const workingAge = everyone.filter((d) => d.age >= 18 && d.age <= 64);
    const fTax = workingAge.filter((d) => d.skv.fTax[0]!.registered).length / workingAge.length;
    expect(fTax).toBeGreaterThan(0.03);
    expect(fTax).toBeLessThan(0.1);
  });

  it('lists only payments of the last 12 months, at the amounts each benefit allows', () => {
    const since = addDays(TODAY, -365);
    const payments = everyone.flatMap((d) => d.fk.payments.map((p) => ({ d, p })));
    const problems = violations(payments, ({ d, p }) => {
      const wrong = (why: string) => `${d.person.subject} ${JSON.stringify(p)}: ${why}`;
      if (!(p.paidOn > since && p.paidOn <= TODAY)) return wrong('outside the last 12 months');
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(p.period) || p.paidOn < `${p.period}-01`) return wrong('period');
      switch (p.benefit) {
        case 'bostadsbidrag':
          return (p.amount < 500 || p.amount > 5_000) && wrong('amount');
        case 'sjukpenning':
          return p.amount > Math.round((BENEFIT_INCOME_CAP * 0.8) / 12) && wrong('above the cap');
        case 'aktivitetsersättning':
          return (d.age < 19 || d.age > 30) && wrong('age');
        case 'föräldrapenning':
          return (
            !householdOf(d).children.some((c) => ageOn(member(c).person.birthDate, `${p.period}-01`) < 2) &&
            wrong('no child under 2')
          );
        default:
          return false;
      }
    });
    expect(problems).toEqual([]);
  });

  it('grants housing allowance to low-income families and young adults', () => {
    const applicants = everyone.filter((d) => d.fk.housingAllowance.length > 0);
    expect(applicants.length).toBeGreaterThan(20);
    const problems = violations(applicants, (d) => {
      const household = householdOf(d);
      const minors = household.children.filter((c) => member(c).age < 18).length;
      const householdIncome = household.adults.reduce((sum, s) => sum + income(member(s)), 0);
      return (
        ((minors === 0 && (d.age < 18 || d.age > 28)) || householdIncome >= 380_000) &&
        `${d.person.subject} ${householdIncome}`
      );
    });
    expect(problems).toEqual([]);
  });

  it('keeps medical certificates for everyone paid sjukpenning', () => {
    const sick = everyone.filter((d) => d.fk.payments.some((p) => p.benefit === 'sjukpenning'));
    expect(sick.length).toBeGreaterThan(50);
    expect(violations(sick, (d) => d.fk.medicalCertificates.length === 0 && d.person.subject)).toEqual([]);
  });

  it('answers every category of every agency with exactly the fields of REGISTER_FIELDS', () => {
    const problems = violations(everyone, (d) => {
      for (const agency of REGISTER_AGENCIES) {
        const record = registerRecord(d, agency);
        if (Object.keys(record.categories).join() !== REGISTER_CATEGORIES[agency].join()) return `${agency} categories`;
        for (const code of REGISTER_CATEGORIES[agency]) {
          const names = REGISTER_FIELDS[code].map((f) => f.name).join();
          if (record.categories[code]!.some((item) => Object.keys(item).join() !== names)) return `${code} fields`;
        }
      }
      return false;
    });
    expect(problems).toEqual([]);
    const showcase = registerRecord(member(examplePeople(data).withAllFk.subject), 'fk');
    for (const code of REGISTER_CATEGORIES.fk) {
      expect(showcase.categories[code]!.length).toBeGreaterThan(0);
      for (const item of showcase.categories[code]!) expect(Object.values(item)).not.toContain(null);
    }
  });

  it('names example people that fit their description, the same ones every time', () => {
    const examples = examplePeople(data);
    expect(examplePeople(deriveAgencyData(generatePopulation({ seed: 1 }), TODAY))).toEqual(examples);
    const of = (p: { subject: string }) => member(p.subject);
    expect(Object.values(of(examples.withAllFk).fk).every((list) => list.length > 0)).toBe(true);
    expect(of(examples.protected).person.protectedIdentity).not.toBeNull();
    for (const [kind, person] of Object.entries(examples.protectedByKind)) expect(person.protectedIdentity).toBe(kind);
    expect(examples.samordningsnummer.coordinationNumber).toBe(true);
    expect(of(examples.jobSeekerInProgramme).af.programmes.some((p) => p.from <= TODAY && p.to >= TODAY)).toBe(true);
    expect(of(examples.formerJobSeeker).af.registration[0]!.status).toBe('avaktualiserad');
    expect(of(examples.withFTax).skv.fTax[0]!.registered).toBe(true);
    expect(of(examples.withBostadsbidrag).fk.housingAllowance[0]!.decision).toBe('beviljat');
    expect(of(examples.withBostadsbidragAvslag).fk.housingAllowance[0]!.decision).toBe('avslag');
    expect(of(examples.child).age).toBeLessThan(16);
    expect(of(examples.ordinary).fk.payments).toEqual([]);
    for (const person of [examples.withAllFk, examples.ordinary, examples.jobSeeker, examples.withFTax]) {
      expect(person.protectedIdentity).toBeNull();
      expect(person.municipalityCode).toBe('1880');
    }
  });

  it('names people who are not in the population', () => {
    const unknown = [0, 1, 2].map((n) => unknownSubject(population, n));
    expect(unknownSubject(population, 0)).toBe(unknown[0]);
    expect(new Set(unknown).size).toBe(3);
    for (const subject of unknown) {
      expect(parsePersonnummer(subject, new Date(`${TODAY}T12:00:00Z`))).toMatchObject({ ok: true, value: subject });
      expect(population.bySubject.has(subject)).toBe(false);
    }
  });

  it.each([1, 2, 3])('finds every example in a population of 2,000 (seed %i)', (seed) => {
    expect(() => examplePeople(deriveAgencyData(generatePopulation({ seed, size: 2_000 }), TODAY))).not.toThrow();
  });
});
