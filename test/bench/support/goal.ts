// Judges a metric against its goal string, so the goal is written once, as the issue states it:
// ">= 5x reference" compares the ratio; "<= 300 ms" or "<= 5 s" compares the value (time units
// convert). Anything else ("informational") is not judged.
import type { Metric } from './result';

export type Verdict = 'PASS' | 'MISS' | '-';

const TIME_UNITS: Record<string, number> = { 'µs': 1e-3, us: 1e-3, ms: 1, s: 1000 };
const GOAL_RE = /^\s*(>=|<=|>|<)\s*([0-9]+(?:\.[0-9]+)?)\s*(x reference|[^\s].*?)\s*$/;

export function verdict(m: Metric): Verdict {
  const g = GOAL_RE.exec(m.goal);
  if (!g) return '-';
  const [, op, rawTarget, unit] = g as unknown as [string, string, string, string];
  const target = Number(rawTarget);
  let actual: number;
  let wanted = target;
  if (unit === 'x reference') {
    if (m.ratio === undefined) return '-';
    actual = m.ratio;
  } else if (unit === m.unit) {
    actual = m.value;
  } else if (TIME_UNITS[unit] !== undefined && TIME_UNITS[m.unit] !== undefined) {
    actual = m.value * TIME_UNITS[m.unit]!;
    wanted = target * TIME_UNITS[unit]!;
  } else {
    return '-';
  }
  const ok = op === '>=' ? actual >= wanted : op === '<=' ? actual <= wanted : op === '>' ? actual > wanted : actual < wanted;
  return ok ? 'PASS' : 'MISS';
}
