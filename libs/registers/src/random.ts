/**
 * A small seeded pseudo-random generator (mulberry32). The registers must come out the same on every machine and in
 * every run, so nothing here reads Math.random or the clock.
 */
export interface Random {
  /** uniform in [0, 1) */
  next(): number;
  /** an integer in [min, max], both included */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** an item drawn with the weight beside it */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** standard normal (Box–Muller) */
  gaussian(): number;
  /** log-normal around `median`; `spread` is the standard deviation of the logarithm */
  logNormal(median: number, spread: number): number;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const gaussian = (): number => {
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (entries) => {
      let total = 0;
      for (const [, weight] of entries) total += weight;
      let at = next() * total;
      for (const [item, weight] of entries) {
        at -= weight;
        if (at < 0) return item;
      }
      return entries[entries.length - 1]![0];
    },
    gaussian,
    logNormal: (median, spread) => median * Math.exp(spread * gaussian()),
  };
}

/**
 * One 32-bit seed from several parts (FNV-1a over their text, then a murmur3 finaliser), so that every person and
 * every purpose gets its own stream: a person's data does not change when another person's does.
 */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${typeof part}:${part}|`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
