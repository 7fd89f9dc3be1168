import type { AgencyData, PersonAgencyData } from './agency-data.js';
import { dayNumber, dayOfNumber } from './dates.js';
import { composeSubject } from './personnummer.js';
import { PROTECTED_IDENTITIES, type Person, type Population, type ProtectedIdentity } from './population.js';
import { createRandom, hashSeed } from './random.js';

/** Named people for tests and demos, the same ones every time for the same seed, size and day. */
export interface ExamplePeople {
  /** has records in all four FK categories: payments, an open case, a housing allowance decision, certificates */
  withAllFk: Person;
  /** an adult with protected identity (any kind) */
  protected: Person;
  protectedByKind: Record<ProtectedIdentity, Person>;
  samordningsnummer: Person;
  /** employed, no FK payments or cases, not registered at AF: someone the agencies have little to say about */
  ordinary: Person;
  child: Person;
  parentWithBarnbidrag: Person;
  retired: Person;
  jobSeeker: Person;
  /** registered job seeker in a labour-market programme running today */
  jobSeekerInProgramme: Person;
  /** avaktualiserad at AF */
  formerJobSeeker: Person;
  withFTax: Person;
  /** housing allowance granted */
  withBostadsbidrag: Person;
  /** housing allowance refused */
  withBostadsbidragAvslag: Person;
  onSickLeave: Person;
  onParentalLeave: Person;
  withAktivitetsersattning: Person;
}

const DEMO_MUNICIPALITY = '1880';

/**
 * The first person in population order who fits, preferring people in Örebro kommun (the demo municipality) and,
 * unless the example is about them, people without protected identity or samordningsnummer.
 */
export function examplePeople(data: AgencyData): ExamplePeople {
  const all = [...data.bySubject.values()];
  const pick = (what: string, fits: (d: PersonAgencyData) => boolean, plain = true): Person => {
    const candidates = all.filter(
      (d) => fits(d) && (!plain || (d.person.protectedIdentity === null && !d.person.coordinationNumber)),
    );
    const found = candidates.find((d) => d.person.municipalityCode === DEMO_MUNICIPALITY) ?? candidates[0];
    if (!found) throw new Error(`no one in this population is an example of "${what}": use a larger population`);
    return found.person;
  };
  const paid = (d: PersonAgencyData, benefit: string) => d.fk.payments.some((p) => p.benefit === benefit);
  const adult = (d: PersonAgencyData) => d.age >= 18;
  const protectedOf = (kind: ProtectedIdentity) =>
    pick(`protected: ${kind}`, (d) => adult(d) && d.person.protectedIdentity === kind, false);

  return {
    withAllFk: pick('with records in every FK category', (d) =>
      Object.values(d.fk).every((records) => records.length > 0),
    ),
    protected: pick('protected', (d) => adult(d) && d.person.protectedIdentity !== null, false),
    protectedByKind: Object.fromEntries(PROTECTED_IDENTITIES.map((kind) => [kind, protectedOf(kind)])) as Record<
      ProtectedIdentity,
      Person
    >,
    samordningsnummer: pick('samordningsnummer', (d) => d.person.coordinationNumber, false),
    ordinary: pick(
      'ordinary',
      (d) =>
        d.situation === 'employed' &&
        d.fk.payments.length === 0 &&
        d.fk.openCases.length === 0 &&
        d.af.registration.length === 0 &&
        !d.skv.fTax[0]!.registered,
    ),
    child: pick('child', (d) => d.age < 16),
    parentWithBarnbidrag: pick('parent with barnbidrag', (d) => paid(d, 'barnbidrag')),
    retired: pick('retired', (d) => d.situation === 'retired'),
    jobSeeker: pick('job seeker', (d) => d.af.registration.some((r) => r.status === 'inskriven')),
    jobSeekerInProgramme: pick(
      'job seeker in a programme',
      (d) =>
        d.af.registration.some((r) => r.status === 'inskriven') &&
        d.af.programmes.some((p) => p.from <= data.today && p.to >= data.today),
    ),
    formerJobSeeker: pick('former job seeker', (d) => d.af.registration.some((r) => r.status === 'avaktualiserad')),
    withFTax: pick('with F-skatt', (d) => d.skv.fTax.some((f) => f.registered)),
    withBostadsbidrag: pick('with bostadsbidrag', (d) => d.fk.housingAllowance.some((h) => h.decision === 'beviljat')),
    withBostadsbidragAvslag: pick('refused bostadsbidrag', (d) =>
      d.fk.housingAllowance.some((h) => h.decision === 'avslag'),
    ),
    onSickLeave: pick('on sick leave', (d) => paid(d, 'sjukpenning') && d.fk.medicalCertificates.length > 0),
    onParentalLeave: pick('on parental leave', (d) => paid(d, 'föräldrapenning')),
    withAktivitetsersattning: pick('with aktivitetsersättning', (d) => paid(d, 'aktivitetsersättning')),
  };
}

/**
 * A valid personnummer of no one in the population, for "unknown person" tests; `n` gives others, each the same on
 * every call.
 */
export function unknownSubject(population: Population, n = 0): string {
  const rng = createRandom(hashSeed(population.seed, 'unknown-subject', n));
  const taken = new Set(population.people.map((p) => p.subject.slice(2)));
  for (;;) {
    const birthDate = dayOfNumber(rng.int(dayNumber(1940, 1, 1), dayNumber(2005, 12, 31)));
    const subject = composeSubject(birthDate, String(rng.int(0, 999)).padStart(3, '0'), false);
    if (!taken.has(subject.slice(2))) return subject;
  }
}
