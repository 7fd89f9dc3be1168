import {
  addDays,
  addMonthsToMonth,
  ageOn,
  CASE_STATUSES,
  createRandom,
  dayInMonth,
  formatAddress,
  hashSeed,
  monthOf,
  type AgencyData,
  type CaseStatus,
  type Household,
  type PersonAgencyData,
  type Random,
} from '@hub/registers';

/** The kinds of allmän pension Pensionsmyndigheten pays out. */
export const PENSION_KINDS = ['inkomstpension', 'tilläggspension', 'garantipension', 'premiepension'] as const;
export type PensionKind = (typeof PENSION_KINDS)[number];

export const MEANS_TESTED_DECISIONS = ['beviljat', 'avslag'] as const;
export type MeansTestedDecision = (typeof MEANS_TESTED_DECISIONS)[number];

/** Allmän pension can be drawn from 63; the demo population draws it from 65, as most people do. */
export const PENSION_AGE = 65;
/** Below this yearly pension income a pensioner also gets garantipension (SEK, simplified). */
export const GUARANTEE_LIMIT = 170_000;

export interface PensionPayment {
  benefit: PensionKind;
  amount: number;
  /** YYYY-MM */
  period: string;
  paidOn: string;
}

export interface HousingSupplementDecision {
  decision: MeansTestedDecision;
  /** SEK a month; 0 when refused */
  amount: number;
  decidedAt: string;
  dwellingAddress: string;
}

export interface MaintenanceSupportDecision {
  decision: MeansTestedDecision;
  amount: number;
  decidedAt: string;
}

export interface PensionCase {
  type: string;
  status: CaseStatus;
  received: string;
}

/** What Pensionsmyndigheten holds about one person. */
export interface PensionData {
  payments: PensionPayment[];
  housingSupplement: HousingSupplementDecision[];
  maintenanceSupport: MaintenanceSupportDecision[];
  openCases: PensionCase[];
}

const none = (): PensionData => ({ payments: [], housingSupplement: [], maintenanceSupport: [], openCases: [] });

/**
 * Pensionsmyndigheten's data about every person of the shared synthetic population, derived from the same
 * situation the other agencies' data comes from (a retired person's taxed income at SKV is their pension), each
 * person from their own random stream, so one person's data never depends on another's.
 */
export function derivePensionData(data: AgencyData): Map<string, PensionData> {
  const households = new Map<string, Household>(data.population.households.map((h) => [h.id, h]));
  const windowStart = addDays(data.today, -365);
  const current = monthOf(data.today);
  const months = Array.from({ length: 13 }, (_, i) => addMonthsToMonth(current, i - 12));
  const result = new Map<string, PensionData>();
  for (const person of data.bySubject.values()) {
    result.set(
      person.person.subject,
      pensionOf(data, person, households.get(person.person.householdId), windowStart, months),
    );
  }
  return result;
}

function pensionOf(
  data: AgencyData,
  d: PersonAgencyData,
  household: Household | undefined,
  windowStart: string,
  months: readonly string[],
): PensionData {
  const pension = none();
  if (d.situation !== 'retired' || d.person.coordinationNumber) return pension;
  const rng = createRandom(hashSeed(data.population.seed, d.person.subject, 'pm'));
  const income = d.skv.income[0]?.income ?? 0;
  const bornBefore1954 = d.person.birthDate < '1954-01-01';
  const monthly: Array<[PensionKind, number]> = [
    ['inkomstpension', Math.round((income * (bornBefore1954 ? 0.42 : 0.52)) / 12)],
    ['premiepension', bornBefore1954 ? 0 : Math.round((income * 0.05) / 12)],
    ['tilläggspension', bornBefore1954 ? Math.round((income * 0.14) / 12) : 0],
    ['garantipension', income < GUARANTEE_LIMIT ? Math.round(((GUARANTEE_LIMIT - income) * 0.4) / 12) : 0],
  ];
  const firstMonth = addMonthsToMonth(monthOf(d.person.birthDate), PENSION_AGE * 12 + 1);
  for (const period of [...months].reverse()) {
    const paidOn = dayInMonth(period, 19);
    if (period < firstMonth || paidOn <= windowStart || paidOn > data.today) continue;
    for (const [kind, amount] of monthly)
      if (amount > 0) pension.payments.push({ benefit: kind, amount, period, paidOn });
  }

  // Bostadstillägg and äldreförsörjningsstöd are means-tested: for pensioners with little to live on.
  const alone = (household?.adults.length ?? 1) === 1;
  const housingLimit = alone ? 230_000 : 160_000;
  if (income < housingLimit && rng.chance(alone ? 0.55 : 0.3)) {
    const decision: MeansTestedDecision = rng.chance(0.85) ? 'beviljat' : 'avslag';
    pension.housingSupplement.push({
      decision,
      amount: decision === 'beviljat' ? (alone ? rng.int(1_000, 6_500) : rng.int(500, 3_000)) : 0,
      decidedAt: addDays(data.today, -rng.int(30, 700)),
      dwellingAddress: formatAddress(household?.address ?? d.person.address),
    });
    if (rng.chance(0.08)) pension.openCases.push(openCase(rng, data.today, 'bostadstillägg, ändrade förhållanden'));
  }
  if (income < 150_000 && rng.chance(0.35)) {
    const decision: MeansTestedDecision = rng.chance(0.9) ? 'beviljat' : 'avslag';
    pension.maintenanceSupport.push({
      decision,
      amount: decision === 'beviljat' ? rng.int(300, 3_500) : 0,
      decidedAt: addDays(data.today, -rng.int(30, 700)),
    });
  }
  if (ageOn(d.person.birthDate, data.today) === PENSION_AGE && rng.chance(0.3)) {
    pension.openCases.push(openCase(rng, data.today, 'ansökan om allmän pension'));
  }
  if (d.person.civilStatus.startsWith('än') && rng.chance(0.1)) {
    pension.openCases.push(openCase(rng, data.today, 'efterlevandepension'));
  }
  return pension;
}

function openCase(rng: Random, today: string, type: string): PensionCase {
  return { type, status: rng.pick(CASE_STATUSES), received: addDays(today, -rng.int(3, 120)) };
}
