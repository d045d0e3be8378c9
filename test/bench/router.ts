// Router evaluation: a simulated stream of tasks (kinds × tiers with hidden success
// probabilities, token sizes, and per-token prices in the real ratios of the price table).
// The bandit routes each task; all-large, all-medium, the static cold-start rules and an oracle
// that knows the hidden probabilities route the same stream. Seeded, so every run is identical.
//
// Assumptions (stated, not measured): a modern small model is nearly as good as the medium one on
// look-ups, docs, tests and most bug fixes; refactors and designs gain from bigger models.
import { TIERS, type Tier } from '../../shared/llm';
import { coldStartTier, TierRouter } from '../../server/learning/router';
import { seededRng, type Rng } from '../../server/learning/rng';
import { tierPrices, tierRelativeCost } from '../../server/learning/tierPrices';
import { round, type BenchResult } from './support/result';

interface Kind {
  kind: string;
  share: number;
  inputTokens: number;
  outputTokens: number;
  readOnly: boolean;
  p: Record<Tier, number>;
}

export const KINDS: Kind[] = [
  { kind: 'lookup', share: 0.25, inputTokens: 3000, outputTokens: 400, readOnly: true, p: { small: 0.97, medium: 0.97, large: 0.98 } },
  { kind: 'docs', share: 0.15, inputTokens: 4000, outputTokens: 1200, readOnly: false, p: { small: 0.94, medium: 0.95, large: 0.96 } },
  { kind: 'test', share: 0.15, inputTokens: 8000, outputTokens: 2000, readOnly: false, p: { small: 0.9, medium: 0.91, large: 0.94 } },
  { kind: 'bugfix', share: 0.2, inputTokens: 12000, outputTokens: 2500, readOnly: false, p: { small: 0.88, medium: 0.9, large: 0.94 } },
  { kind: 'refactor', share: 0.15, inputTokens: 16000, outputTokens: 4000, readOnly: false, p: { small: 0.8, medium: 0.88, large: 0.93 } },
  { kind: 'design', share: 0.1, inputTokens: 6000, outputTokens: 2000, readOnly: true, p: { small: 0.4, medium: 0.8, large: 0.92 } },
];

const TASKS = 6000;
const WARMUP = 1000;

type Policy = (k: Kind, rng: Rng) => Tier;

interface Tally {
  cost: number;
  successes: number;
  n: number;
  regret: number;
}

export interface RouterSimulation {
  policies: Record<string, Tally>;
  explorationShare: number;
}

export function simulateRouter(seed = 42, tasks = TASKS, warmup = WARMUP): RouterSimulation {
  const prices = tierPrices();
  const rel = tierRelativeCost(prices);
  const costOf = (k: Kind, t: Tier): number => (k.inputTokens * prices[t].input + k.outputTokens * prices[t].output) / 1e6;
  const bandit = new TierRouter({ relativeCost: rel });
  const expectedReward = (k: Kind, t: Tier): number => k.p[t] * (1 - 0.3 * rel[t]);
  const oracleTier = (k: Kind): Tier => TIERS.reduce((b, t) => (expectedReward(k, t) > expectedReward(k, b) ? t : b), 'medium' as Tier);
  let explored = 0;
  const policies: Record<string, Policy> = {
    bandit: (k, rng) => {
      const d = bandit.route({ kind: k.kind, readOnly: k.readOnly, estimatedTokens: k.inputTokens + k.outputTokens }, rng);
      if (d.reason === 'explore') explored++;
      return d.tier;
    },
    allLarge: () => 'large',
    allMedium: () => 'medium',
    staticRules: (k) => coldStartTier({ kind: k.kind, readOnly: k.readOnly, estimatedTokens: k.inputTokens + k.outputTokens }),
    oracle: (k) => oracleTier(k),
  };
  const tallies: Record<string, Tally> = {};
  for (const name of Object.keys(policies)) tallies[name] = { cost: 0, successes: 0, n: 0, regret: 0 };
  // One task stream and one outcome draw per task and tier, shared by every policy (common random numbers).
  const stream = seededRng(seed);
  const decide = seededRng(seed + 1);
  for (let i = 0; i < tasks; i++) {
    let r = stream();
    const k = KINDS.find((x) => (r -= x.share) < 0) ?? KINDS[KINDS.length - 1]!;
    const draw = stream();
    for (const [name, policy] of Object.entries(policies)) {
      const tier = policy(k, decide);
      const success = draw < k.p[tier];
      if (name === 'bandit') bandit.observe(k.kind, tier, success);
      if (i < warmup) continue;
      const t = tallies[name]!;
      t.n++;
      t.cost += costOf(k, tier);
      if (success) t.successes++;
      t.regret += expectedReward(k, oracleTier(k)) - expectedReward(k, tier);
    }
  }
  return { policies: tallies, explorationShare: explored / tasks };
}

export async function benchRouter(): Promise<BenchResult> {
  const sim = simulateRouter();
  const p = sim.policies;
  const rate = (t: Tally): number => t.successes / t.n;
  const b = p.bandit!;
  const m = p.allMedium!;
  const metrics: BenchResult['metrics'] = {
    'bandit saving vs all-medium': { value: round((1 - b.cost / m.cost) * 100, 1), unit: '%', goal: '>= 60% cheaper than all-medium (after warm-up)' },
    'bandit success vs all-medium': { value: round((rate(b) / rate(m)) * 100, 1), unit: '%', reference: round(rate(m) * 100, 1), ratio: round(rate(b) / rate(m), 3), goal: '>= 98% of all-medium success rate' },
    'exploration share': { value: round(sim.explorationShare * 100, 1), unit: '%', goal: '>= 10%' },
  };
  for (const [name, t] of Object.entries(p)) {
    metrics[`${name} cost`] = { value: round(t.cost, 4), unit: 'USD', goal: 'informational' };
    metrics[`${name} success`] = { value: round(rate(t) * 100, 1), unit: '%', goal: 'informational' };
    metrics[`${name} regret`] = { value: round(t.regret, 1), unit: 'reward', goal: 'informational' };
  }
  return { name: 'router', metrics };
}
