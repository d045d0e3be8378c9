// Small statistics for repeated measurements: benchmarks report medians, which a single slow
// round (a page-cache flush, another process on the disk) does not move.

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export function now(): number {
  return performance.now();
}

/** Runs `fn` and returns how long it took in milliseconds. */
export async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = now();
  await fn();
  return now() - start;
}
