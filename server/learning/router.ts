// Model routing: a Thompson-sampling bandit per task kind over the tiers.
//
// Reward of an outcome = success − λ·(tier's relative price), in [0,1], folded into a Beta
// posterior per (kind, tier). Each update of a kind discounts that kind's older evidence by γ,
// so the router follows drift. At least ε = 10% of decisions explore a tier at random. λ grows
// as the remaining budget shrinks, so a nearly spent budget leans cheaper; a per-run override
// wins over everything; a kind with too little evidence falls back to simple rules.
import { TIERS, type Tier } from '../../shared/llm';
import { sampleBeta, type Rng } from './rng';

export interface RouterOptions {
  /** Relative price per tier (largest = 1), e.g. from the price table's output rates. */
  relativeCost: Record<Tier, number>;
  /** Weight of cost in the reward with a full budget (default 0.3). */
  costPenalty?: number;
  /** Share of decisions that explore at random (default 0.1, never lower). */
  exploration?: number;
  /** Discount of a kind's evidence on each of its updates (default 0.99). */
  discount?: number;
  /** Observations of a kind before the bandit takes over from the rules (default 3). */
  coldStart?: number;
}

export interface RouteRequest {
  kind: string;
  /** The work reads and reports but changes nothing. */
  readOnly?: boolean;
  /** Expected prompt + output tokens; short read-only work goes to the small tier cold. */
  estimatedTokens?: number;
  /** Remaining share of the tightest budget, 0..1 (absent: no budget). */
  budgetRemaining?: number;
  /** Manual override for this run. */
  override?: Tier;
}

export type RouteReason = 'override' | 'cold-start' | 'explore' | 'exploit' | 'budget';

export interface RouteDecision {
  tier: Tier;
  reason: RouteReason;
}

interface Arm {
  alpha: number;
  beta: number;
  pulls: number;
  rewardSum: number;
  successes: number;
}

const DESIGN_KINDS = /design|architect|plan|spec/;

export function coldStartTier(req: RouteRequest): Tier {
  if (DESIGN_KINDS.test(req.kind)) return 'large';
  if (req.readOnly && (req.estimatedTokens ?? 0) <= 8000) return 'small';
  return 'medium';
}

export class TierRouter {
  private readonly arms = new Map<string, Record<Tier, Arm>>();
  private readonly costPenalty: number;
  private readonly exploration: number;
  private readonly discount: number;
  private readonly coldStart: number;

  constructor(private readonly opts: RouterOptions) {
    this.costPenalty = opts.costPenalty ?? 0.3;
    this.exploration = Math.max(0.1, opts.exploration ?? 0.1);
    this.discount = opts.discount ?? 0.99;
    this.coldStart = opts.coldStart ?? 3;
  }

  reward(tier: Tier, success: boolean, budgetRemaining?: number): number {
    if (!success) return 0;
    return Math.max(0, 1 - this.penalty(budgetRemaining) * this.opts.relativeCost[tier]);
  }

  /** λ: the cost weight, up to 4x as the budget runs out. */
  private penalty(budgetRemaining?: number): number {
    const left = budgetRemaining === undefined ? 1 : Math.max(0, Math.min(1, budgetRemaining));
    return this.costPenalty * (1 + 3 * (1 - left));
  }

  observe(kind: string, tier: Tier, success: boolean): void {
    const arms = this.armsOf(kind);
    for (const t of TIERS) {
      // Discount towards the uniform prior, so old evidence fades but the prior stays.
      arms[t].alpha = 1 + (arms[t].alpha - 1) * this.discount;
      arms[t].beta = 1 + (arms[t].beta - 1) * this.discount;
    }
    const arm = arms[tier];
    const r = this.reward(tier, success);
    arm.alpha += r;
    arm.beta += 1 - r;
    arm.pulls += 1;
    arm.rewardSum += r;
    if (success) arm.successes += 1;
  }

  route(req: RouteRequest, rng: Rng): RouteDecision {
    if (req.override) return { tier: req.override, reason: 'override' };
    if (req.budgetRemaining !== undefined && req.budgetRemaining <= 0.05) return { tier: 'small', reason: 'budget' };
    const arms = this.arms.get(req.kind);
    const seen = arms ? TIERS.reduce((n, t) => n + arms[t].pulls, 0) : 0;
    if (!arms || seen < this.coldStart) return { tier: coldStartTier(req), reason: 'cold-start' };
    if (rng() < this.exploration) return { tier: TIERS[Math.floor(rng() * TIERS.length)]!, reason: 'explore' };
    // Sample each arm's success probability, then value it at today's cost weight.
    const λ = this.penalty(req.budgetRemaining);
    let best: Tier = 'medium';
    let bestValue = -Infinity;
    for (const t of TIERS) {
      const a = arms[t];
      // The posterior is over reward at the base penalty; rescale for the budget's penalty.
      const base = 1 - this.costPenalty * this.opts.relativeCost[t];
      const p = sampleBeta(a.alpha, a.beta, rng) / Math.max(base, 1e-6);
      const value = Math.min(1, p) * (1 - λ * this.opts.relativeCost[t]);
      if (value > bestValue) {
        bestValue = value;
        best = t;
      }
    }
    return { tier: best, reason: 'exploit' };
  }

  stats(kind: string): Array<{ tier: Tier; pulls: number; meanReward: number; successRate: number }> {
    const arms = this.arms.get(kind);
    return TIERS.map((tier) => {
      const a = arms?.[tier];
      return { tier, pulls: a?.pulls ?? 0, meanReward: a && a.pulls ? a.rewardSum / a.pulls : 0, successRate: a && a.pulls ? a.successes / a.pulls : 0 };
    });
  }

  kinds(): string[] {
    return [...this.arms.keys()].sort();
  }

  private armsOf(kind: string): Record<Tier, Arm> {
    let arms = this.arms.get(kind);
    if (!arms) {
      const fresh = (): Arm => ({ alpha: 1, beta: 1, pulls: 0, rewardSum: 0, successes: 0 });
      arms = { small: fresh(), medium: fresh(), large: fresh() };
      this.arms.set(kind, arms);
    }
    return arms;
  }
}

/** Relative prices (largest = 1) from per-MTok output rates of the tiers' models. */
export function relativeCosts(outputRates: Record<Tier, number>): Record<Tier, number> {
  const max = Math.max(...TIERS.map((t) => outputRates[t]));
  return { small: outputRates.small / max, medium: outputRates.medium / max, large: outputRates.large / max };
}
