// What a benchmark reports: the shape `apiary bench --json` prints, one object per benchmark.

export interface Metric {
  value: number;
  unit: string;
  /** The same figure for a reference implementation, measured in the same run. */
  reference?: number;
  /** value / reference. */
  ratio?: number;
  /** As the issue states it: ">= 1.0x reference", "<= 5 s", … ("informational" when there is none). */
  goal: string;
}

export interface BenchResult {
  name: string;
  metrics: Record<string, Metric>;
}

/** A metric measured against a reference; the ratio is rounded for reading, not for judging. */
export function compared(value: number, reference: number, unit: string, goal: string): Metric {
  return { value, unit, reference, ratio: reference > 0 ? round(value / reference, 2) : 0, goal };
}

export function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
