import { dayNumber, dayOfNumber } from './dates.js';
import { MUNICIPALITIES, MUNICIPALITY_BY_CODE, COMMON_STREETS, type Municipality } from './municipalities.js';
import { composeSubject } from './personnummer.js';
import { createRandom, hashSeed, type Random } from './random.js';
import { GIVEN_NAMES, SURNAMES, nameEra } from './swedish-names.js';

/**
 * Ages are counted on this fixed day, not on the day the population is generated, so that a seed gives the same
 * people (and the same personnummer) on every day; people simply grow older as the real date moves on.
 */
export const POPULATION_REFERENCE_DATE = '2026-01-01';
export const DEFAULT_POPULATION_SIZE = 10_000;

export type Sex = 'female' | 'male';

export const CIVIL_STATUSES = ['ogift', 'gift', 'skild', 'änka', 'änkling', 'registrerad partner'] as const;
export type CivilStatus = (typeof CIVIL_STATUSES)[number];

export const PROTECTED_IDENTITIES = [
  'sekretessmarkering',
  'skyddad-folkbokforing',
  'fingerade-personuppgifter',
] as const;
export type ProtectedIdentity = (typeof PROTECTED_IDENTITIES)[number];

export type HouseholdKind = 'single' | 'couple' | 'couple-with-children' | 'single-parent';

export interface Address {
  /** street name and number, e.g. `Storgatan 12` */
  street: string;
  /** `702 10` */
  postalCode: string;
  /** the postal town */
  city: string;
}

export interface Person {
  /** YYYYMMDDNNNC */
  subject: string;
  /** a samordningsnummer (day + 60): not folkbokförd in Sweden */
  coordinationNumber: boolean;
  givenName: string;
  surname: string;
  /** YYYY-MM-DD */
  birthDate: string;
  /** follows the second-to-last digit of the subject: odd for men, even for women */
  sex: Sex;
  householdId: string;
  /** in a household with children, the children (also grown ones living at home) against the parents */
  householdRole: 'adult' | 'child';
  municipality: string;
  /** kommunkod */
  municipalityCode: string;
  address: Address;
  civilStatus: CivilStatus;
  protectedIdentity: ProtectedIdentity | null;
}

export interface Household {
  id: string;
  kind: HouseholdKind;
  municipalityCode: string;
  address: Address;
  /** subjects of the adults (parents in a family) */
  adults: readonly string[];
  /** subjects of the children living at home, youngest first */
  children: readonly string[];
}

export interface Population {
  seed: number;
  size: number;
  referenceDate: string;
  people: readonly Person[];
  households: readonly Household[];
  bySubject: ReadonlyMap<string, Person>;
  householdById: ReadonlyMap<string, Household>;
}

export interface PopulationOptions {
  seed: number;
  /** default 10,000 */
  size?: number;
}

interface MemberPlan {
  age: number;
  sex: Sex;
  role: 'adult' | 'child';
  civilStatus: CivilStatus;
  /** the samordningsnummer of someone not folkbokförd here */
  coordinationNumber?: boolean;
}

type Band = readonly [from: number, to: number, weight: number];

const HOUSEHOLD_KINDS: readonly (readonly [HouseholdKind, number])[] = [
  ['single', 40],
  ['couple', 27],
  ['couple-with-children', 17],
  ['single-parent', 7],
];

const SINGLE_AGES: readonly Band[] = [
  [18, 24, 16],
  [25, 34, 22],
  [35, 49, 13],
  [50, 64, 15],
  [65, 79, 19],
  [80, 89, 10],
  [90, 100, 1.5],
];

const COUPLE_AGES: readonly Band[] = [
  [20, 29, 16],
  [30, 44, 8],
  [45, 64, 38],
  [65, 79, 28],
  [80, 94, 10],
];

const CHILD_COUNTS: readonly (readonly [number, number])[] = [
  [1, 38],
  [2, 42],
  [3, 15],
  [4, 5],
];

const YOUNGEST_CHILD_AGES: readonly Band[] = [
  [0, 5, 42],
  [6, 11, 34],
  [12, 17, 24],
];

const PROTECTED_KIND_WEIGHTS: readonly (readonly [ProtectedIdentity, number])[] = [
  ['sekretessmarkering', 70],
  ['skyddad-folkbokforing', 25],
  ['fingerade-personuppgifter', 5],
];

/** A deterministic synthetic population: the same seed and size always give exactly the same people. */
export function generatePopulation(options: PopulationOptions): Population {
  const { seed } = options;
  const size = options.size ?? DEFAULT_POPULATION_SIZE;
  if (!Number.isSafeInteger(seed)) throw new RangeError('seed must be a safe integer');
  if (!Number.isInteger(size) || size < 1 || size > 2_000_000) throw new RangeError('size must be 1..2,000,000');

  const rng = createRandom(hashSeed('population', seed));
  const referenceYear = Number(POPULATION_REFERENCE_DATE.slice(0, 4));
  const usedSubjects = new Set<string>();
  const people: Person[] = [];
  const households: Household[] = [];
  const municipalityWeights = MUNICIPALITIES.map((m) => [m, m.weight] as const);

  // About 1 % carry a samordningsnummer: adults living alone, e.g. seasonal workers.
  const coordinationTarget = size >= 100 ? Math.max(1, Math.round(size * 0.01)) : 0;
  const folkbokfordTarget = size - coordinationTarget;

  const addHousehold = (kind: HouseholdKind, plans: readonly MemberPlan[]): void => {
    const municipality = rng.weighted(municipalityWeights);
    const household: Household = {
      id: `H${String(households.length + 1).padStart(7, '0')}`,
      kind,
      municipalityCode: municipality.code,
      address: drawAddress(rng, municipality),
      adults: [],
      children: [],
    };
    const surnames = familySurnames(rng, plans);
    const givenNames = new Set<string>();
    plans.forEach((plan, i) => {
      const birthDate = drawBirthDate(rng, referenceYear - 1 - plan.age);
      const subject = uniqueSubject(rng, usedSubjects, birthDate, plan.sex, plan.coordinationNumber === true);
      const person: Person = {
        subject,
        coordinationNumber: plan.coordinationNumber === true,
        givenName: drawGivenName(rng, plan.sex, Number(birthDate.slice(0, 4)), givenNames),
        surname: surnames[i]!,
        birthDate,
        sex: plan.sex,
        householdId: household.id,
        householdRole: plan.role,
        municipality: municipality.name,
        municipalityCode: municipality.code,
        address: household.address,
        civilStatus: plan.civilStatus,
        protectedIdentity: null,
      };
      people.push(person);
      (plan.role === 'adult' ? (household.adults as string[]) : (household.children as string[])).push(subject);
    });
    households.push(household);
  };

  while (people.length < folkbokfordTarget) {
    const kind = rng.weighted(HOUSEHOLD_KINDS);
    const plans = planHousehold(rng, kind);
    // The last household takes what room is left: a household that does not fit becomes a person living alone.
    if (plans.length > folkbokfordTarget - people.length) addHousehold('single', planSingle(rng));
    else addHousehold(kind, plans);
  }
  for (let i = 0; i < coordinationTarget; i++) {
    const sex: Sex = rng.chance(0.6) ? 'male' : 'female';
    addHousehold('single', [
      { age: rng.int(20, 60), sex, role: 'adult', civilStatus: 'ogift', coordinationNumber: true },
    ]);
  }

  markProtectedHouseholds(rng, size, people, households);

  return {
    seed,
    size,
    referenceDate: POPULATION_REFERENCE_DATE,
    people,
    households,
    bySubject: new Map(people.map((p) => [p.subject, p])),
    householdById: new Map(households.map((h) => [h.id, h])),
  };
}

function drawAge(rng: Random, bands: readonly Band[]): number {
  const [from, to] = rng.weighted(bands.map((band) => [band, band[2]] as const));
  return rng.int(from, to);
}

function planSingle(rng: Random): MemberPlan[] {
  const age = drawAge(rng, SINGLE_AGES);
  // Women outlive men: most people living alone in old age are women.
  const sex: Sex = rng.chance(age >= 75 ? 0.65 : 0.5) ? 'female' : 'male';
  return [{ age, sex, role: 'adult', civilStatus: singleCivilStatus(rng, age, sex) }];
}

function singleCivilStatus(rng: Random, age: number, sex: Sex): CivilStatus {
  const widowed: CivilStatus = sex === 'female' ? 'änka' : 'änkling';
  if (age < 25) return 'ogift';
  if (age < 50)
    return rng.weighted([
      ['ogift', 75],
      ['skild', 25],
    ] as const);
  if (age < 70)
    return rng.weighted([
      ['ogift', 35],
      ['skild', 50],
      [widowed, 15],
    ] as const);
  return rng.weighted([
    ['ogift', 20],
    ['skild', 25],
    [widowed, 55],
  ] as const);
}

function planCouple(rng: Random, firstAge: number, secondAge: number): MemberPlan[] {
  const sameSex = rng.chance(0.02);
  const firstSex: Sex = rng.chance(0.5) ? 'female' : 'male';
  const secondSex: Sex = sameSex ? firstSex : firstSex === 'female' ? 'male' : 'female';
  let status: CivilStatus;
  // Registered partnership was replaced by marriage in 2009: only couples adult by then can still have one.
  if (sameSex && Math.min(firstAge, secondAge) >= 35 && rng.chance(0.35)) status = 'registrerad partner';
  else status = rng.chance(Math.min(firstAge, secondAge) >= 45 ? 0.8 : 0.55) ? 'gift' : 'ogift';
  const cohabitantStatus = (age: number): CivilStatus =>
    status !== 'ogift' ? status : age >= 40 && rng.chance(0.3) ? 'skild' : 'ogift';
  return [
    { age: firstAge, sex: firstSex, role: 'adult', civilStatus: cohabitantStatus(firstAge) },
    { age: secondAge, sex: secondSex, role: 'adult', civilStatus: cohabitantStatus(secondAge) },
  ];
}

function planChildren(rng: Random): MemberPlan[] {
  const count = rng.weighted(CHILD_COUNTS);
  const children: MemberPlan[] = [];
  let age = drawAge(rng, YOUNGEST_CHILD_AGES);
  for (let i = 0; i < count; i++) {
    // Grown children still living at home: some do, up to 24.
    if (age > 24 || (age >= 18 && !rng.chance(0.5))) break;
    children.push({ age, sex: rng.chance(0.51) ? 'male' : 'female', role: 'child', civilStatus: 'ogift' });
    age += rng.int(1, 5);
  }
  return children;
}

function planHousehold(rng: Random, kind: HouseholdKind): MemberPlan[] {
  switch (kind) {
    case 'single':
      return planSingle(rng);
    case 'couple': {
      const first = drawAge(rng, COUPLE_AGES);
      return planCouple(rng, first, Math.min(100, Math.max(18, first + rng.int(-6, 6))));
    }
    case 'couple-with-children':
    case 'single-parent': {
      const children = planChildren(rng);
      const oldestChild = children.length ? children[children.length - 1]!.age : rng.int(0, 17);
      const parentAge = Math.min(64, oldestChild + rng.int(22, 38));
      if (kind === 'single-parent') {
        const sex: Sex = rng.chance(0.78) ? 'female' : 'male';
        const civilStatus = rng.weighted([
          ['ogift', 50],
          ['skild', 50],
        ] as const);
        return [{ age: parentAge, sex, role: 'adult', civilStatus }, ...children];
      }
      const partnerAge = Math.max(oldestChild + 18, parentAge + rng.int(-3, 7));
      return [...planCouple(rng, parentAge, partnerAge), ...children];
    }
  }
}

/** Couples share a surname more often than not; children take one of their parents'. */
function familySurnames(rng: Random, plans: readonly MemberPlan[]): string[] {
  const adults = plans.filter((p) => p.role === 'adult');
  const adultNames = [drawSurname(rng)];
  if (adults.length > 1) adultNames.push(rng.chance(0.65) ? adultNames[0]! : drawSurname(rng));
  const childName = rng.pick(adultNames);
  let adultIndex = 0;
  return plans.map((p) => (p.role === 'adult' ? adultNames[adultIndex++]! : childName));
}

// Frequency falls with rank, roughly as in the real name statistics.
const SURNAME_WEIGHTS = SURNAMES.map((name, rank) => [name, 1 / (rank + 8)] as const);

function drawSurname(rng: Random): string {
  return rng.weighted(SURNAME_WEIGHTS);
}

function drawGivenName(rng: Random, sex: Sex, birthYear: number, takenInHousehold: Set<string>): string {
  const names = GIVEN_NAMES[sex][nameEra(birthYear)];
  let name = rng.pick(names);
  for (let attempt = 0; attempt < 5 && takenInHousehold.has(name); attempt++) name = rng.pick(names);
  takenInHousehold.add(name);
  return name;
}

function drawBirthDate(rng: Random, year: number): string {
  const first = dayNumber(year, 1, 1);
  return dayOfNumber(rng.int(first, dayNumber(year + 1, 1, 1) - 1));
}

function uniqueSubject(
  rng: Random,
  used: Set<string>,
  birthDate: string,
  sex: Sex,
  coordinationNumber: boolean,
): string {
  for (;;) {
    const sexDigit = rng.int(0, 4) * 2 + (sex === 'male' ? 1 : 0);
    const birthNumber = `${String(rng.int(0, 99)).padStart(2, '0')}${sexDigit}`;
    const subject = composeSubject(birthDate, birthNumber, coordinationNumber);
    // Unique over the ten digits without century too, the form people often give.
    const tenDigits = subject.slice(2);
    if (!used.has(tenDigits)) {
      used.add(tenDigits);
      return subject;
    }
  }
}

function drawAddress(rng: Random, municipality: Municipality): Address {
  const local = municipality.streets;
  const streetName = local && rng.chance(0.6) ? rng.pick(local) : rng.pick(COMMON_STREETS);
  const number = rng.chance(0.8) ? rng.int(1, 40) : rng.int(41, 140);
  const letter = rng.chance(0.08) ? rng.pick(['A', 'B', 'C']) : '';
  const [low, high] = municipality.postalCodes;
  const code = String(rng.int(low, high));
  return {
    street: `${streetName} ${number}${letter}`,
    postalCode: `${code.slice(0, 3)} ${code.slice(3)}`,
    city: municipality.postalTown,
  };
}

/**
 * About 0.5 % of the people, whole households at a time (a protected person's family is protected with them). The
 * first three households chosen get one kind each, so that every kind exists in any population worth testing.
 */
function markProtectedHouseholds(rng: Random, size: number, people: Person[], households: Household[]): void {
  const target = Math.round(size * 0.005);
  const minimumHouseholds = size >= 200 ? 3 : 0;
  const bySubject = new Map(people.map((p, i) => [p.subject, i]));
  const candidates = households.filter((h) => !people[bySubject.get(h.adults[0]!)!]!.coordinationNumber);
  shuffle(rng, candidates);
  let marked = 0;
  let chosen = 0;
  for (const household of candidates) {
    if (marked >= target && chosen >= minimumHouseholds) break;
    const kind =
      chosen < PROTECTED_IDENTITIES.length ? PROTECTED_IDENTITIES[chosen]! : rng.weighted(PROTECTED_KIND_WEIGHTS);
    for (const subject of [...household.adults, ...household.children]) {
      const index = bySubject.get(subject)!;
      people[index] = { ...people[index]!, protectedIdentity: kind };
      marked++;
    }
    chosen++;
  }
}

function shuffle<T>(rng: Random, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

export function municipalityOf(person: Pick<Person, 'municipalityCode'>): Municipality {
  const municipality = MUNICIPALITY_BY_CODE.get(person.municipalityCode);
  if (!municipality) throw new RangeError(`unknown kommunkod ${person.municipalityCode}`);
  return municipality;
}

/** The people a predicate accepts, in population order. */
export function findPeople(population: Population, predicate: (person: Person) => boolean): Person[] {
  return population.people.filter(predicate);
}

/** `Storgatan 12, 702 10 Örebro`: an address as one line, as folkbokföring and FK print it. */
export function formatAddress(address: Address): string {
  return `${address.street}, ${address.postalCode} ${address.city}`;
}
