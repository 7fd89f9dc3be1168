import { createRandom, hashSeed } from './random.js';

describe('seeded random', () => {
  it('repeats its sequence for a seed and differs for another', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRandom(seed).next);
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('keeps int, pick and weighted within bounds', () => {
    const rng = createRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const n = rng.int(3, 6);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(6);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    expect(['a', 'b']).toContain(rng.pick(['a', 'b']));
    expect(
      rng.weighted([
        ['never', 0],
        ['always', 1],
      ] as const),
    ).toBe('always');
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('draws close to the asked probability', () => {
    const rng = createRandom(1);
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (rng.chance(0.3)) hits++;
    expect(hits / 100_000).toBeCloseTo(0.3, 2);
  });

  it('hashes parts into distinct 32-bit seeds', () => {
    expect(hashSeed(1, 'a')).toBe(hashSeed(1, 'a'));
    expect(hashSeed(1, 'a')).not.toBe(hashSeed(1, 'b'));
    expect(hashSeed(1, 'a')).not.toBe(hashSeed('1', 'a'));
    expect(hashSeed(2 ** 40)).toBeLessThan(2 ** 32);
  });
});
