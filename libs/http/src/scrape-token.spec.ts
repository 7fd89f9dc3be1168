import { isScrapeToken, scrapeTokenFrom } from './scrape-token.js';

const TOKEN = 'a-scrape-token-of-24-chars';

describe('the metrics scrape token', () => {
  it('is accepted as a bearer token, exactly', () => {
    expect(isScrapeToken(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(isScrapeToken(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(isScrapeToken(`Bearer ${TOKEN.slice(1)}`, TOKEN)).toBe(false);
    expect(isScrapeToken(`bearer ${TOKEN}`, TOKEN)).toBe(false);
    expect(isScrapeToken(TOKEN, TOKEN)).toBe(false);
  });

  it('accepts nothing when no token is configured, or no single header is sent', () => {
    expect(isScrapeToken('Bearer ', undefined)).toBe(false);
    expect(isScrapeToken('Bearer ', '')).toBe(false);
    expect(isScrapeToken(undefined, TOKEN)).toBe(false);
    expect(isScrapeToken([`Bearer ${TOKEN}`], TOKEN)).toBe(false);
  });

  it('is read from METRICS_TOKEN: at least 24 characters, none when unset or empty', () => {
    expect(scrapeTokenFrom(TOKEN)).toEqual({ token: TOKEN });
    expect(scrapeTokenFrom(undefined)).toEqual({});
    expect(scrapeTokenFrom('')).toEqual({});
    expect(scrapeTokenFrom('too-short-a-token')).toEqual({
      problem: 'METRICS_TOKEN must be at least 24 characters when set, got 17',
    });
  });
});
