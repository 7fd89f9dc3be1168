import { agencySenders } from './trusted-agencies.js';

describe('the agencies the hub trusts', () => {
  it('lets each registered agency’s adapter speak for that agency alone', () => {
    const senders = agencySenders([
      { number: '2021005521', agency_code: 'fk' },
      { number: '2021005836', agency_code: 'pm' },
    ]);
    expect(senders).toEqual(
      new Map([
        ['adapter-fk', new Set(['2021005521'])],
        ['adapter-pm', new Set(['2021005836'])],
      ]),
    );
  });
});
