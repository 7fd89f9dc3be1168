import { addDays, addMonths, addMonthsToMonth, ageOn, dayInMonth, isoDate, monthOf } from './dates.js';
import {
  formatAddress,
  municipalityOf,
  type CivilStatus,
  type Household,
  type Person,
  type Population,
} from './population.js';
import { createRandom, hashSeed, type Random } from './random.js';

/** Every job seeker's taxed income is at most this (SEK a year): AF's registers agree with SKV's. */
export const LOW_INCOME_LIMIT = 220_000;
/** barnbidrag per child under 16, SEK a month */
export const CHILD_ALLOWANCE_PER_CHILD = 1_250;
/** flerbarnstillägg by number of children under 16, SEK a month */
export const LARGE_FAMILY_SUPPLEMENT: Readonly<Record<number, number>> = { 2: 150, 3: 730, 4: 1_740 };
/** Sickness and parental benefit count income up to 10 prisbasbelopp (2025: 588,000 SEK a year). */
export const BENEFIT_INCOME_CAP = 588_000;
/** föräldrapenning at the lowest level (250 SEK a day), SEK a month */
export const PARENTAL_BENEFIT_FLOOR = 7_500;

export const BENEFITS = [
  'barnbidrag',
  'flerbarnstillägg',
  'bostadsbidrag',
  'föräldrapenning',
  'sjukpenning',
  'aktivitetsersättning',
] as const;
export type Benefit = (typeof BENEFITS)[number];

export const CASE_STATUSES = ['under-utredning', 'vantar-pa-komplettering', 'beslut-pa-vag'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const HOUSING_DECISIONS = ['beviljat', 'avslag'] as const;
export type HousingDecision = (typeof HOUSING_DECISIONS)[number];

export const REGISTRATION_STATUSES = ['inskriven', 'avaktualiserad'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** sökandekategori: Arbetsförmedlingen's code and text */
export const JOB_SEEKER_CATEGORIES = {
  11: 'Öppet arbetslös',
  22: 'Deltidsarbetslös',
  68: 'Programmet Arbetsmarknadsutbildning',
  70: 'Jobb- och utvecklingsgarantin',
} as const;
export type JobSeekerCategoryCode = keyof typeof JOB_SEEKER_CATEGORIES;

/** What a person lives on today; it decides their data at all three agencies. */
export type Situation =
  | 'child'
  | 'pupil'
  | 'student'
  | 'employed'
  | 'self-employed'
  | 'job-seeker'
  | 'former-job-seeker'
  | 'sick'
  | 'activity-compensation'
  | 'retired';

export interface Payment {
  benefit: Benefit;
  amount: number;
  /** YYYY-MM */
  period: string;
  paidOn: string;
}
export interface OpenCase {
  type: string;
  status: CaseStatus;
  received: string;
}
export interface HousingAllowanceDecision {
  decision: HousingDecision;
  /** SEK a month; 0 when refused */
  amount: number;
  decidedAt: string;
  dwellingAddress: string;
}
export interface MedicalCertificate {
  certificate: string;
  issuedAt: string;
}
export interface JobSeekerRegistration {
  status: RegistrationStatus;
  /** the day the current status began */
  since: string;
  /** code and text, e.g. `11 Öppet arbetslös` */
  category: string;
}
export interface Programme {
  name: string;
  from: string;
  to: string;
}
export interface Officer {
  office: string;
  phone: string;
}
export interface PopulationRegistration {
  address: string;
  municipality: string;
  municipalityCode: string;
  civilStatus: CivilStatus;
}
export interface TaxedIncome {
  year: number;
  income: number;
}
export interface FTaxRegistration {
  registered: boolean;
  since: string | null;
}

export interface PersonAgencyData {
  person: Person;
  /** age on the day the data was derived for */
  age: number;
  situation: Situation;
  fk: {
    payments: Payment[];
    openCases: OpenCase[];
    housingAllowance: HousingAllowanceDecision[];
    medicalCertificates: MedicalCertificate[];
  };
  af: { registration: JobSeekerRegistration[]; programmes: Programme[]; officer: Officer[] };
  skv: { folkbokforing: PopulationRegistration[]; income: TaxedIncome[]; fTax: FTaxRegistration[] };
}

export interface AgencyData {
  population: Population;
  /** YYYY-MM-DD the data was derived for */
  today: string;
  /** the last assessed income year: today's year − 1 */
  assessedYear: number;
  bySubject: ReadonlyMap<string, PersonAgencyData>;
}

interface Draft extends PersonAgencyData {
  /** taxed income of the assessed year */
  income: number;
  /** sjukpenninggrundande inkomst: what sickness and parental benefit are computed from */
  benefitIncome: number;
  jobSeekerCategory?: JobSeekerCategoryCode;
}

const DIAGNOSES = [
  'F32.1 Medelsvår depressiv episod',
  'F43.8 Andra specificerade reaktioner på svår stress',
  'M54.5 Lumbago',
  'M75.1 Rotatorkuffsyndrom',
  'S82.6 Fraktur på laterala malleolen',
  'M17.1 Primär gonartros',
  'G93.3 Postviralt trötthetssyndrom',
  'C50.9 Bröstcancer, ospecificerad',
] as const;

/**
 * The three agencies' data about every person on `today`, derived from the person and their household alone: each
 * person draws from their own random stream, so the data stays coherent across agencies (one situation decides
 * FK payments, AF registration and SKV income) and never depends on the order of the population.
 */
export function deriveAgencyData(population: Population, today: Date | string): AgencyData {
  const day = typeof today === 'string' ? isoDate(new Date(`${today}T00:00:00Z`)) : isoDate(today);
  if (day < population.referenceDate) {
    throw new RangeError(`today (${day}) is before the population's reference date ${population.referenceDate}`);
  }
  const context: Context = {
    seed: population.seed,
    today: day,
    windowStart: addDays(day, -365),
    months: candidateMonths(day),
    assessedYear: Number(day.slice(0, 4)) - 1,
  };
  const showcase = showcaseHousehold(population, day);
  const drafts = new Map<string, Draft>();
  for (const person of population.people) {
    drafts.set(person.subject, draftPerson(context, person, showcase?.adults[0] === person.subject));
  }
  for (const household of population.households) {
    householdBenefits(context, household, drafts, household === showcase);
  }
  for (const draft of drafts.values()) {
    personalBenefits(context, draft, draft.person.subject === showcase?.adults[0]);
    employmentService(context, draft);
    taxAgency(context, draft);
    draft.fk.payments.sort(
      (a, b) => compareText(b.period, a.period) || BENEFITS.indexOf(a.benefit) - BENEFITS.indexOf(b.benefit),
    );
    draft.fk.openCases.sort((a, b) => compareText(b.received, a.received) || compareText(a.type, b.type));
  }
  const bySubject = new Map<string, PersonAgencyData>();
  for (const [subject, draft] of drafts) {
    const { income: _income, benefitIncome: _benefitIncome, jobSeekerCategory: _category, ...data } = draft;
    bySubject.set(subject, data);
  }
  return { population, today: day, assessedYear: context.assessedYear, bySubject };
}

// Code-unit order rather than localeCompare, whose answer may change with the runtime's collation data.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Context {
  seed: number;
  today: string;
  /** payments are of the last 12 months: paid after this day, up to today */
  windowStart: string;
  /** the 13 months that can hold a payment made in the window, oldest first */
  months: readonly string[];
  assessedYear: number;
}

function streamFor(context: Context, subject: string, purpose: string): Random {
  return createRandom(hashSeed(context.seed, subject, purpose));
}

/**
 * One household is made to have data in every FK category (a sick single parent with housing allowance and an open
 * case), so that tests always find such a person: the first single parent of working age with a child under 16.
 */
function showcaseHousehold(population: Population, today: string): Household | undefined {
  return population.households.find((h) => {
    if (h.kind !== 'single-parent') return false;
    const parent = population.bySubject.get(h.adults[0]!)!;
    const age = ageOn(parent.birthDate, today);
    return (
      parent.protectedIdentity === null &&
      age >= 25 &&
      age <= 55 &&
      h.children.some((c) => ageOn(population.bySubject.get(c)!.birthDate, today) < 16)
    );
  });
}

function drawSituation(rng: Random, person: Person, age: number): Situation {
  if (age < 16) return 'child';
  if (age < 18) return 'pupil';
  if (person.coordinationNumber) return rng.chance(0.15) ? 'self-employed' : 'employed';
  if (age >= 65) return age < 70 && rng.chance(0.2) ? 'employed' : 'retired';
  if (age < 25) {
    return rng.weighted<Situation>([
      ['student', 45],
      ['employed', 33],
      ['job-seeker', 12],
      ['former-job-seeker', 2],
      ['activity-compensation', age >= 19 ? 3 : 0],
      ['sick', 1],
      ['self-employed', 2],
    ]);
  }
  return rng.weighted<Situation>([
    ['employed', 74],
    ['self-employed', 5.5],
    ['job-seeker', 6.5],
    ['former-job-seeker', 1.5],
    ['sick', 3.5],
    ['activity-compensation', age < 30 ? 2 : 0],
    ['student', age < 35 ? 4 : 0.5],
  ]);
}

const round100 = (amount: number): number => Math.round(amount / 100) * 100;
const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

function salary(rng: Random, age: number): number {
  const median = age < 25 ? 270_000 : age < 30 ? 350_000 : 420_000;
  return round100(clamp(rng.logNormal(median, 0.3), 230_000, 2_500_000));
}

function draftPerson(context: Context, person: Person, forcedSick: boolean): Draft {
  const rng = streamFor(context, person.subject, 'situation');
  const age = ageOn(person.birthDate, context.today);
  const situation: Situation = forcedSick ? 'sick' : drawSituation(rng, person, age);
  let income = 0;
  let benefitIncome = 0;
  let jobSeekerCategory: JobSeekerCategoryCode | undefined;
  switch (situation) {
    case 'child':
    case 'pupil':
      break;
    case 'employed':
      income = person.coordinationNumber ? round100(rng.int(60_000, 350_000)) : salary(rng, age);
      benefitIncome = income;
      break;
    case 'self-employed':
      income = round100(clamp(rng.logNormal(330_000, 0.5), 90_000, 2_000_000));
      benefitIncome = income;
      break;
    case 'job-seeker': {
      jobSeekerCategory =
        age < 25
          ? rng.weighted<JobSeekerCategoryCode>([
              [11, 60],
              [22, 15],
              [68, 25],
            ])
          : rng.weighted<JobSeekerCategoryCode>([
              [11, 50],
              [22, 20],
              [68, 12],
              [70, 18],
            ]);
      const [low, high] = {
        11: [60_000, 220_000],
        22: [120_000, 220_000],
        68: [50_000, 180_000],
        70: [40_000, 160_000],
      }[jobSeekerCategory];
      income = round100(rng.int(low, high));
      benefitIncome = income;
      break;
    }
    case 'former-job-seeker':
      income = round100(rng.int(110_000, 220_000));
      benefitIncome = income;
      break;
    case 'sick':
      // The showcase parent earns little enough for housing allowance.
      benefitIncome = forcedSick ? 290_000 : Math.max(200_000, salary(rng, age));
      income = round100(benefitIncome * 0.85);
      break;
    case 'activity-compensation':
      income = 12 * rng.int(9_800, 12_400);
      break;
    case 'student':
      income = rng.chance(0.3) ? 0 : round100(rng.int(10_000, 120_000));
      benefitIncome = income;
      break;
    case 'retired':
      income = round100(clamp(rng.logNormal(210_000, 0.3), 130_000, 600_000));
      break;
  }
  return {
    person,
    age,
    situation,
    income,
    benefitIncome,
    jobSeekerCategory,
    fk: { payments: [], openCases: [], housingAllowance: [], medicalCertificates: [] },
    af: { registration: [], programmes: [], officer: [] },
    skv: { folkbokforing: [], income: [], fTax: [] },
  };
}

function candidateMonths(today: string): string[] {
  const current = monthOf(today);
  return Array.from({ length: 13 }, (_, i) => addMonthsToMonth(current, i - 12));
}

function inWindow(context: Context, paidOn: string): boolean {
  return paidOn > context.windowStart && paidOn <= context.today;
}

function monthlyBenefit(benefitIncome: number): number {
  return Math.round((Math.min(benefitIncome, BENEFIT_INCOME_CAP) * 0.8) / 12);
}

function householdBenefits(
  context: Context,
  household: Household,
  drafts: Map<string, Draft>,
  showcase: boolean,
): void {
  const rng = streamFor(context, household.id, 'household');
  const adults = household.adults.map((s) => drafts.get(s)!);
  const children = household.children.map((s) => drafts.get(s)!);
  // The mother where there is one, as FK pays barnbidrag to her unless the parents ask otherwise.
  const primary = adults.find((a) => a.person.sex === 'female') ?? adults[0]!;
  const other = adults.find((a) => a !== primary);

  if (children.length > 0) {
    for (const period of context.months) {
      const monthStart = `${period}-01`;
      const eligible = children.filter(
        (c) => c.person.birthDate < monthStart && ageOn(c.person.birthDate, monthStart) < 16,
      ).length;
      const paidOn = dayInMonth(period, 20);
      if (eligible === 0 || !inWindow(context, paidOn)) continue;
      primary.fk.payments.push({ benefit: 'barnbidrag', amount: eligible * CHILD_ALLOWANCE_PER_CHILD, period, paidOn });
      const supplement = LARGE_FAMILY_SUPPLEMENT[Math.min(eligible, 4)];
      if (supplement) primary.fk.payments.push({ benefit: 'flerbarnstillägg', amount: supplement, period, paidOn });
    }
    parentalBenefit(context, children, primary, other);
    if (children.some((c) => c.age < 12) && rng.chance(0.06)) {
      primary.fk.openCases.push(openCase(rng, context, 'tillfällig föräldrapenning', 'beslut-pa-vag'));
    }
    if (household.kind === 'single-parent' && rng.chance(0.12)) {
      primary.fk.openCases.push(openCase(rng, context, 'underhållsstöd'));
    }
  }
  housingAllowance(context, rng, household, adults, children, primary, showcase);
}

/** föräldrapenning: the first year mostly with one parent, then a few months with the other. */
function parentalBenefit(context: Context, children: readonly Draft[], primary: Draft, other: Draft | undefined): void {
  const paidPeriods = new Map<Draft, Set<string>>();
  for (const child of children) {
    if (child.age >= 2) continue;
    const birthMonth = monthOf(child.person.birthDate);
    const legs: [Draft | undefined, number, number][] = [
      [primary, 1, 12],
      [other, 13, 15],
    ];
    for (const [parent, fromMonth, toMonth] of legs) {
      if (!parent) continue;
      const periods = paidPeriods.get(parent) ?? new Set<string>();
      paidPeriods.set(parent, periods);
      for (let m = fromMonth; m <= toMonth; m++) {
        const period = addMonthsToMonth(birthMonth, m);
        const paidOn = dayInMonth(period, 25);
        if (periods.has(period) || !inWindow(context, paidOn)) continue;
        periods.add(period);
        const amount = Math.max(PARENTAL_BENEFIT_FLOOR, monthlyBenefit(parent.benefitIncome));
        parent.fk.payments.push({ benefit: 'föräldrapenning', amount, period, paidOn });
      }
    }
  }
}

function housingAllowance(
  context: Context,
  rng: Random,
  household: Household,
  adults: readonly Draft[],
  children: readonly Draft[],
  applicant: Draft,
  showcase: boolean,
): void {
  if (applicant.person.coordinationNumber) return;
  const minors = children.filter((c) => c.age < 18).length;
  const householdIncome = adults.reduce((sum, a) => sum + a.income, 0);
  let applies: boolean;
  let amount: number;
  if (minors > 0) {
    const limit = adults.length === 1 ? 300_000 : 380_000;
    applies = showcase || (householdIncome < limit && rng.chance(adults.length === 1 ? 0.75 : 0.6));
    amount = Math.min(5_000, rng.int(1_500, 2_600) + (minors - 1) * rng.int(500, 900));
  } else {
    // Young people 18–28 in a home of their own.
    const young = household.kind === 'single' && applicant.age >= 18 && applicant.age <= 28;
    applies = young && applicant.income < 150_000 && rng.chance(0.45);
    amount = rng.int(500, 1_300);
  }
  if (!applies) return;
  const decision: HousingDecision = showcase || rng.chance(0.8) ? 'beviljat' : 'avslag';
  const decidedAt = addDays(context.today, -rng.int(40, 330));
  applicant.fk.housingAllowance.push({
    decision,
    amount: decision === 'beviljat' ? amount : 0,
    decidedAt,
    dwellingAddress: formatAddress(household.address),
  });
  if (decision === 'beviljat') {
    for (const period of context.months) {
      const paidOn = dayInMonth(period, 19);
      if (paidOn > decidedAt && inWindow(context, paidOn)) {
        applicant.fk.payments.push({ benefit: 'bostadsbidrag', amount, period, paidOn });
      }
    }
    if (rng.chance(0.1))
      applicant.fk.openCases.push(openCase(rng, context, 'bostadsbidrag', 'vantar-pa-komplettering'));
  } else if (rng.chance(0.35)) {
    applicant.fk.openCases.push(openCase(rng, context, 'bostadsbidrag', 'under-utredning'));
  }
}

function openCase(rng: Random, context: Context, type: string, status?: CaseStatus, received?: string): OpenCase {
  return {
    type,
    status: status ?? rng.pick(CASE_STATUSES),
    received: received ?? addDays(context.today, -rng.int(3, 120)),
  };
}

function personalBenefits(context: Context, draft: Draft, showcase: boolean): void {
  const rng = streamFor(context, draft.person.subject, 'fk');
  const { fk } = draft;
  if (draft.situation === 'sick') {
    const sickSince = addDays(context.today, -(showcase ? 150 : rng.int(45, 420)));
    const diagnosis = rng.pick(DIAGNOSES);
    for (let issuedAt = sickSince; issuedAt <= context.today; issuedAt = addDays(issuedAt, rng.int(28, 90))) {
      fk.medicalCertificates.push({ certificate: `Läkarintyg för sjukpenning (FK 7804): ${diagnosis}`, issuedAt });
    }
    // Paid afterwards: the month's sjukpenning on the 25th of the next month.
    for (const period of context.months) {
      const paidOn = dayInMonth(addMonthsToMonth(period, 1), 25);
      if (period >= monthOf(sickSince) && inWindow(context, paidOn)) {
        fk.payments.push({ benefit: 'sjukpenning', amount: monthlyBenefit(draft.benefitIncome), period, paidOn });
      }
    }
    if (showcase || rng.chance(0.55)) {
      const lastCertificate = fk.medicalCertificates[fk.medicalCertificates.length - 1]!.issuedAt;
      fk.openCases.push(
        openCase(rng, context, 'sjukpenning', showcase ? 'under-utredning' : undefined, lastCertificate),
      );
    }
  }
  if (draft.situation === 'activity-compensation') {
    const monthly = draft.income / 12;
    const startMonth = addMonthsToMonth(monthOf(draft.person.birthDate), 19 * 12 + 1);
    for (const period of context.months) {
      const paidOn = dayInMonth(period, 19);
      if (period >= startMonth && inWindow(context, paidOn)) {
        fk.payments.push({ benefit: 'aktivitetsersättning', amount: monthly, period, paidOn });
      }
    }
    if (rng.chance(0.25)) fk.openCases.push(openCase(rng, context, 'aktivitetsersättning', 'beslut-pa-vag'));
  }
  if (draft.age >= 18 && !draft.person.coordinationNumber) {
    if (rng.chance(0.01)) fk.openCases.push(openCase(rng, context, 'merkostnadsersättning'));
    if (draft.age < 65 && rng.chance(0.004)) fk.openCases.push(openCase(rng, context, 'bilstöd'));
  }
}

function categoryText(code: JobSeekerCategoryCode): string {
  return `${code} ${JOB_SEEKER_CATEGORIES[code]}`;
}

function employmentService(context: Context, draft: Draft): void {
  const rng = streamFor(context, draft.person.subject, 'af');
  const { af } = draft;
  const today = context.today;
  if (draft.situation === 'former-job-seeker') {
    const since = addDays(today, -rng.int(20, 300));
    af.registration.push({ status: 'avaktualiserad', since, category: categoryText(11) });
    if (rng.chance(0.3)) {
      const to = addDays(since, -rng.int(10, 60));
      af.programmes.push({ name: 'Arbetsmarknadsutbildning', from: addDays(to, -rng.int(60, 200)), to });
    }
    return;
  }
  if (draft.situation !== 'job-seeker') return;
  const category = draft.jobSeekerCategory!;
  const registeredDaysAgo = { 11: [20, 540], 22: [60, 720], 68: [180, 900], 70: [460, 1_400] }[category];
  const since = addDays(today, -rng.int(registeredDaysAgo[0]!, registeredDaysAgo[1]!));
  af.registration.push({ status: 'inskriven', since, category: categoryText(category) });
  if (category === 68) {
    if (rng.chance(0.4)) {
      const to = addDays(since, rng.int(30, 90));
      if (to < addDays(today, -130)) {
        af.programmes.push({ name: 'Förberedande utbildning', from: addDays(since, rng.int(7, 25)), to });
      }
    }
    af.programmes.push({
      name: 'Arbetsmarknadsutbildning',
      from: addDays(today, -rng.int(7, 120)),
      to: addDays(today, rng.int(20, 180)),
    });
  } else if (category === 70) {
    // The guarantee follows 450 days without work, and runs until the person leaves it.
    af.programmes.push({
      name: 'Jobb- och utvecklingsgarantin',
      from: addDays(since, 450),
      to: addDays(today, rng.int(30, 400)),
    });
    if (rng.chance(0.4)) {
      af.programmes.push({
        name: 'Arbetspraktik',
        from: addDays(today, -rng.int(5, 60)),
        to: addDays(today, rng.int(14, 120)),
      });
    }
  } else if (category === 11 && rng.chance(0.3)) {
    const from = addDays(since, rng.int(14, 60));
    if (from <= today) af.programmes.push({ name: 'Rusta och matcha', from, to: addDays(from, rng.int(60, 180)) });
  }
  const number = (): string => String(rng.int(0, 99)).padStart(2, '0');
  af.officer.push({ office: municipalityOf(draft.person).employmentOffice, phone: `010-486 ${number()} ${number()}` });
}

function taxAgency(context: Context, draft: Draft): void {
  const rng = streamFor(context, draft.person.subject, 'skv');
  const { person, skv } = draft;
  if (!person.coordinationNumber) {
    skv.folkbokforing.push({
      address: formatAddress(person.address),
      municipality: person.municipality,
      municipalityCode: person.municipalityCode,
      civilStatus: person.civilStatus,
    });
  }
  skv.income.push({ year: context.assessedYear, income: draft.income });
  const sideBusiness =
    (draft.situation === 'employed' && draft.age < 65 && rng.chance(0.02)) ||
    (draft.situation === 'retired' && draft.age < 75 && rng.chance(0.03));
  if (draft.situation === 'self-employed' || sideBusiness) {
    const adult = addMonths(person.birthDate, 18 * 12);
    const drawn = addDays(context.today, -rng.int(60, 8_000));
    skv.fTax.push({ registered: true, since: drawn > adult ? drawn : adult });
  } else {
    skv.fTax.push({ registered: false, since: null });
  }
}
