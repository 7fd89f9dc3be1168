/**
 * Nöjd-Kund-Index as SCB computes it for the public sector (and SKR's Insikt after it): three questions answered on
 * 1–10, each rescaled to 0–100 by (x − 1) / 9 · 100, and the index the mean of the three. SCB weights the three by
 * a model fitted to each survey; its published weights stay close to a third each, so they are weighted equally
 * here (docs/kundnojdhet.md).
 */
export const NKI_QUESTIONS = [
  {
    key: 'overall',
    text: 'Hur nöjd eller missnöjd är du sammantaget med servicen du fick i dag?',
    low: 'Mycket missnöjd',
    high: 'Mycket nöjd',
  },
  {
    key: 'expectations',
    text: 'Hur väl uppfyllde servicen dina förväntningar?',
    low: 'Inte alls',
    high: 'Helt och hållet',
  },
  {
    key: 'ideal',
    text: 'Föreställ dig en service som är perfekt. Hur nära ett sådant ideal kommer servicen du fick i dag?',
    low: 'Långt ifrån',
    high: 'Mycket nära',
  },
] as const;

export type NkiQuestion = (typeof NKI_QUESTIONS)[number]['key'];
export type NkiAnswers = Record<NkiQuestion, number>;

/** Fewer answers than this and the index is not shown: a handful of answers says little and may single someone out. */
export const NKI_MIN_ANSWERS = 5;

/** One respondent's index, 0–100. */
export function nkiScore(answers: NkiAnswers): number {
  return ((answers.overall + answers.expectations + answers.ideal) / 3 - 1) * (100 / 9);
}

/** Student's t, two-sided 95 %, by degrees of freedom; beyond the table the normal 1.96 is close enough. */
const T_975: Record<number, number> = {
  1: 12.706,
  2: 4.303,
  3: 3.182,
  4: 2.776,
  5: 2.571,
  6: 2.447,
  7: 2.365,
  8: 2.306,
  9: 2.262,
  10: 2.228,
  11: 2.201,
  12: 2.179,
  13: 2.16,
  14: 2.145,
  15: 2.131,
  16: 2.12,
  17: 2.11,
  18: 2.101,
  19: 2.093,
  20: 2.086,
  25: 2.06,
  30: 2.042,
  40: 2.021,
  60: 2.0,
  120: 1.98,
};

export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  const known = Object.keys(T_975)
    .map(Number)
    .filter((d) => d <= df);
  const nearest = known[known.length - 1]!;
  return df > 120 ? 1.96 : T_975[nearest]!;
}

/** The index of a group of answers with its 95 % confidence interval, or suppressed below NKI_MIN_ANSWERS. */
export interface NkiFigure {
  answers: number;
  suppressed: boolean;
  nki: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

/**
 * From the database's aggregates of the respondents' scores: their count, mean and sample standard deviation. The
 * interval is the mean ± t · s / √n, kept within 0–100; a smaller degrees-of-freedom row of the table is taken
 * between rows, which widens the interval rather than narrows it.
 */
export function nkiFigure(answers: number, mean: number | null, stddev: number | null): NkiFigure {
  if (answers < NKI_MIN_ANSWERS || mean === null) {
    return { answers, suppressed: true, nki: null, ciLow: null, ciHigh: null };
  }
  const half = tQuantile975(answers - 1) * ((stddev ?? 0) / Math.sqrt(answers));
  return {
    answers,
    suppressed: false,
    nki: oneDecimal(mean),
    ciLow: oneDecimal(Math.max(0, mean - half)),
    ciHigh: oneDecimal(Math.min(100, mean + half)),
  };
}
