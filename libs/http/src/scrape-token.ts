import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken } from './staff-tokens.js';

/** A Prometheus scrape token is a shared secret; shorter ones are refused at start-up. */
export const SCRAPE_TOKEN_MIN_LENGTH = 24;

/**
 * `METRICS_TOKEN` from the environment: the token, none when unset or empty (as `METRICS_TOKEN=` in an env file
 * leaves it), or what is wrong with it.
 */
export function scrapeTokenFrom(value: string | undefined): { token?: string; problem?: string } {
  if (!value) return {};
  if (value.length < SCRAPE_TOKEN_MIN_LENGTH) {
    return {
      problem: `METRICS_TOKEN must be at least ${SCRAPE_TOKEN_MIN_LENGTH} characters when set, got ${value.length}`,
    };
  }
  return { token: value };
}

/** Whether an Authorization header carries the configured scrape token; compared in constant time. */
export function isScrapeToken(authorization: string | string[] | undefined, token: string | undefined): boolean {
  const sent = bearerToken(authorization);
  if (!token || sent === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(token));
}
