/** What an adapter does wrong on purpose, so that tests and demos can show partial answers. */
export interface FaultSettings {
  /** answer latency: a log-normal distribution given by its median and 99th percentile */
  latencyMedianMs: number;
  latencyP99Ms: number;
  /** share of queries answered with an error, 0..1 */
  errorRate: number;
  /** takes queries but never answers them, as an agency whose back end is down */
  down: boolean;
}

export const DEFAULT_FAULTS: FaultSettings = { latencyMedianMs: 8, latencyP99Ms: 60, errorRate: 0, down: false };

const Z99 = 2.3263478740408408;

export class Faults {
  private current: FaultSettings;

  constructor(
    settings: FaultSettings = DEFAULT_FAULTS,
    private readonly random: () => number = Math.random,
  ) {
    this.current = checked(settings);
  }

  get settings(): FaultSettings {
    return { ...this.current };
  }

  update(changes: Partial<FaultSettings>): FaultSettings {
    this.current = checked({ ...this.current, ...changes });
    return this.settings;
  }

  /** A draw from the latency distribution, in milliseconds. */
  latencyMs(): number {
    const { latencyMedianMs: median, latencyP99Ms: p99 } = this.current;
    if (median <= 0) return 0;
    const sigma = Math.log(p99 / median) / Z99;
    return median * Math.exp(sigma * standardNormal(this.random));
  }

  shouldFail(): boolean {
    return this.current.errorRate > 0 && this.random() < this.current.errorRate;
  }

  get down(): boolean {
    return this.current.down;
  }
}

function checked(s: FaultSettings): FaultSettings {
  const problems: string[] = [];
  if (!(s.latencyMedianMs >= 0)) problems.push('latencyMedianMs must be ≥ 0');
  if (!(s.latencyP99Ms >= s.latencyMedianMs)) problems.push('latencyP99Ms must be ≥ latencyMedianMs');
  if (!(s.errorRate >= 0 && s.errorRate <= 1)) problems.push('errorRate must be between 0 and 1');
  if (typeof s.down !== 'boolean') problems.push('down must be true or false');
  if (problems.length) throw new RangeError(problems.join('; '));
  return { ...s };
}

/** Box–Muller. */
function standardNormal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
