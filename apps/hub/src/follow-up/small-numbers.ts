/**
 * Small numbers (issue 18): no figure of the follow-up or of a report may single out a person, so a count from 1 to
 * SMALL_NUMBER_THRESHOLD - 1 is suppressed, as official statistics do, and shown as "färre än 5". Zero is shown: it
 * tells of nobody. Shared by every follow-up figure and report.
 */
export const SMALL_NUMBER_THRESHOLD = 5;

/** What the UI and the reports write for a suppressed count. */
export const SUPPRESSED_TEXT = `färre än ${SMALL_NUMBER_THRESHOLD}`;

/** The count, or null when it is too small to show. */
export function suppressSmall(count: number): number | null {
  return count > 0 && count < SMALL_NUMBER_THRESHOLD ? null : count;
}

/** A figure computed from `samples` people (a median, a share): null when they are too few to show it. */
export function unlessFewSamples<T>(samples: number, value: T): T | null {
  return samples < SMALL_NUMBER_THRESHOLD ? null : value;
}
