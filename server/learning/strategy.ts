// Strategy insights for decomposition: which strategy (file-, feature-, risk-based) worked for
// this kind of task — or, with no evidence for it, for kinds sharing a word with it — how sure
// that is, and what to avoid. The planner puts `promptText` into its planning prompt.
import { STRATEGIES, type DecompositionStrategy, type StrategyAdvice } from '../../shared/learning';
import { failureRate, type Evidence } from './decay';
import { antiPatternText, isAntiPattern } from './maturity';

export const DEFAULT_STRATEGY: DecompositionStrategy = 'feature';

const LABEL: Record<DecompositionStrategy, string> = {
  file: 'file-based decomposition (one subtask per file or module)',
  feature: 'feature-based decomposition (one subtask per user-visible behaviour)',
  risk: 'risk-based decomposition (riskiest part first, isolated, then the rest)',
};

export function strategyLabel(s: DecompositionStrategy): string {
  return LABEL[s];
}

/** Evidence per kind, then per strategy. */
export type StrategyTable = Map<string, Map<DecompositionStrategy, Evidence>>;

function similarKinds(kind: string, table: StrategyTable): string[] {
  const words = new Set(kind.split(/[^a-z0-9]+/).filter(Boolean));
  return [...table.keys()].filter((k) => k !== kind && k.split(/[^a-z0-9]+/).some((w) => words.has(w)));
}

/** Posterior mean of success (Beta(1,1) prior) and its evidence mass. */
function score(e: Evidence | undefined): { mean: number; mass: number } {
  if (!e) return { mean: 0.5, mass: 0 };
  return { mean: (1 + e.helpful) / (2 + e.helpful + e.harmful), mass: e.helpful + e.harmful };
}

export function adviseStrategy(kind: string, table: StrategyTable, patternLines: string[] = []): StrategyAdvice {
  let evidence = table.get(kind);
  let basis = kind;
  if (!evidence || evidence.size === 0) {
    const merged = new Map<DecompositionStrategy, Evidence>();
    for (const k of similarKinds(kind, table)) {
      for (const [s, e] of table.get(k)!) {
        const m = merged.get(s) ?? { helpful: 0, harmful: 0, count: 0 };
        m.helpful += e.helpful * 0.5;
        m.harmful += e.harmful * 0.5;
        m.count += e.count;
        merged.set(s, m);
      }
    }
    evidence = merged;
    basis = `tasks similar to ${kind}`;
  }
  const avoid: string[] = [];
  let best: DecompositionStrategy = DEFAULT_STRATEGY;
  let bestMean = -1;
  let bestMass = 0;
  for (const s of STRATEGIES) {
    const e = evidence.get(s);
    if (e && isAntiPattern(e)) {
      avoid.push(antiPatternText(`${LABEL[s]} for ${kind} tasks`, e));
      continue;
    }
    const { mean, mass } = score(e);
    // Untried strategies sit at the prior (0.5): a strategy that keeps failing loses to them.
    if (mean > bestMean || (mean === bestMean && s === DEFAULT_STRATEGY)) {
      best = s;
      bestMean = mean;
      bestMass = mass;
    }
  }
  // Confidence: how far the chosen strategy is from a coin flip, scaled by how much evidence there is.
  const confidence = bestMass === 0 ? 0 : Math.round(Math.min(1, Math.abs(bestMean - 0.5) * 2 * (bestMass / (bestMass + 2))) * 100) / 100;
  const chosen = evidence.get(best);
  const record = chosen ? ` It succeeded in ${Math.round((1 - failureRate(chosen)) * 100)}% of ${chosen.count} past ${basis}.` : ' No past evidence: this is the default.';
  const lines = [`Decomposition: use ${LABEL[best]}.${record}`, ...avoid, ...patternLines];
  return { kind, strategy: best, confidence, avoid, promptText: lines.join('\n') };
}
