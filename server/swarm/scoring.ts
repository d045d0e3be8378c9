// Choosing among best-of-N attempts (pure): failures are out; the rest rank by tests passed
// (more is better), diff size (smaller), cost (lower). Equal on all three is a tie a judge
// may break.
export interface AttemptScore {
  attempt: number;
  passed: boolean;
  testsPassed: number | null;
  diffLines: number;
  costMicros: number;
}

export type Choice = { kind: 'winner'; attempt: number; reason: string } | { kind: 'tie'; attempts: number[] } | { kind: 'none'; reason: string };

export function chooseAttempt(scores: readonly AttemptScore[]): Choice {
  const ok = scores.filter((s) => s.passed);
  if (ok.length === 0) return { kind: 'none', reason: `all ${scores.length} attempts failed verification` };
  const ranked = [...ok].sort((a, b) => (b.testsPassed ?? 0) - (a.testsPassed ?? 0) || a.diffLines - b.diffLines || a.costMicros - b.costMicros);
  const best = ranked[0]!;
  const tied = ranked.filter((s) => (s.testsPassed ?? 0) === (best.testsPassed ?? 0) && s.diffLines === best.diffLines && s.costMicros === best.costMicros);
  if (tied.length > 1) return { kind: 'tie', attempts: tied.map((s) => s.attempt) };
  const others = scores.length - 1;
  return { kind: 'winner', attempt: best.attempt, reason: `attempt ${best.attempt} passed with ${best.testsPassed ?? '?'} test(s), a ${best.diffLines}-line diff; ${ok.length - 1} other passing, ${others - (ok.length - 1)} failed` };
}
