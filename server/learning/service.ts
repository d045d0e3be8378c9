// The learning service other features call: record an outcome (an event), and ask the model —
// folded from the read model, refolded after each new outcome — for strategy advice, a tier,
// the failures a retry should know about, and review predictions.
import { randomBytes } from 'node:crypto';
import type { Database } from 'sql.js';
import type { LearningReport, Outcome, RecordOutcomeResult, RouterDay, StrategyAdvice, TrustView } from '../../shared/learning';
import { outcomeParamsSchema, type OutcomeParams } from '../../shared/learningSchemas';
import type { EventStore } from '../store/eventStore';
import { LearningModel } from './model';
import { OUTCOME_RECORDED, OUTCOMES_STREAM, readOutcomes } from './projection';
import type { ReviewInput } from './review';
import type { RouteDecision, RouteRequest } from './router';
import type { Rng } from './rng';
import { tierRelativeCost } from './tierPrices';
import { resolveTier, type ModelCatalog } from './modelTier';
import { loadPricing } from '../llm/pricing/priceTable';
import { invalidParams } from '../rpc/registry';
import type { Tier } from '../../shared/llm';

export interface LearningServiceOptions {
  events: EventStore;
  db: () => Database;
  now(): number;
  rng?: Rng;
  /** Agents' trust, when the approvals service runs. */
  trust?: () => TrustView[] | undefined;
  /** Tier → model in force (the LLM settings); absent: the price table's defaults. */
  tierModels?: () => Readonly<Record<Tier, string>> | undefined;
}

export class LearningService {
  private cached: LearningModel | null = null;
  private readonly relCost = tierRelativeCost();
  private readonly priceTable = loadPricing().table;
  private readonly stop: () => void;

  constructor(private readonly opts: LearningServiceOptions) {
    this.stop = opts.events.onCommitted((batch) => {
      if (batch.some((e) => e.type === OUTCOME_RECORDED)) this.cached = null;
    });
  }

  /**
   * Records an outcome (validated; bad input changes nothing). Its tier is the one given, else
   * the one its model maps to (see modelTier); when neither says, it is recorded without one.
   */
  async recordOutcome(raw: OutcomeParams, agent: string): Promise<RecordOutcomeResult> {
    const parsed = outcomeParamsSchema.safeParse(raw);
    if (!parsed.success) throw invalidParams(parsed.error);
    const { tier: _given, ...p } = parsed.data;
    const tier = resolveTier(parsed.data, this.catalog())?.tier;
    const outcome: Outcome = { ...p, ...(tier ? { tier } : {}), at: p.at ?? new Date(this.opts.now()).toISOString(), agent };
    const before = new Set(this.model().antiPatterns().map((a) => a.pattern));
    const id = `out-${randomBytes(6).toString('hex')}`;
    await this.opts.events.append(OUTCOMES_STREAM, [{ id, type: OUTCOME_RECORDED, data: outcome }], 'any', { actor: agent });
    const antiPatterns = this.model().antiPatterns().filter((a) => !before.has(a.pattern)).map((a) => a.text);
    return { id, tier: tier ?? null, antiPatterns };
  }

  /** What a reported model is mapped with: the tier models in force and the price table. */
  catalog(): ModelCatalog {
    return { tiers: this.opts.tierModels?.() ?? this.priceTable.tiers, models: this.priceTable.models };
  }

  /** The model as of now (cached until the next outcome). */
  model(): LearningModel {
    if (!this.cached) this.cached = LearningModel.fold(readOutcomes(this.opts.db()), this.opts.now(), { relativeCost: this.relCost });
    return this.cached;
  }

  strategyAdvice(kind: string): StrategyAdvice {
    return this.model().strategyAdvice(kind);
  }

  route(req: RouteRequest): RouteDecision {
    return this.model().route(req, this.opts.rng ?? Math.random);
  }

  relevantFailures(verificationOutput: string): string[] {
    return this.model().relevantFailures(verificationOutput);
  }

  /** Probability that a change needs a human, or null before 50 labelled outcomes. */
  predictReview(input: ReviewInput): number | null {
    return this.model().predictReview(input);
  }

  report(): LearningReport {
    const m = this.model();
    const outcomes = readOutcomes(this.opts.db());
    const days = new Map<string, { pulls: number; reward: number }>();
    for (const o of outcomes) {
      // The router's history: an outcome of unknown tier is not one of its pulls.
      if (!o.tier) continue;
      const key = `${o.at.slice(0, 10)}\u0000${o.tier}`;
      const d = days.get(key) ?? { pulls: 0, reward: 0 };
      d.pulls++;
      d.reward += m.router.reward(o.tier, o.success);
      days.set(key, d);
    }
    const history: RouterDay[] = [...days]
      .map(([k, d]) => {
        const [day, tier] = k.split('\u0000') as [string, RouterDay['tier']];
        return { day, tier, pulls: d.pulls, meanReward: Math.round((d.reward / d.pulls) * 100) / 100 };
      })
      .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.tier.localeCompare(b.tier)));
    const trust = this.opts.trust?.();
    return {
      outcomes: m.count,
      patterns: m.patternViews(),
      antiPatterns: m.antiPatterns(),
      router: {
        kinds: m.router.kinds().map((kind) => ({ kind, tiers: m.router.stats(kind).map((s) => ({ ...s, meanReward: Math.round(s.meanReward * 100) / 100, successRate: Math.round(s.successRate * 100) / 100 })) })),
        history,
        outcomesWithoutTier: m.untiered,
      },
      ...(trust ? { trust } : {}),
      reviewModel: { trained: m.predictReview({ tier: 'medium', errors: 0, retries: 0, tokens: 0, success: true }) !== null, samples: m.reviewSampleCount() },
    };
  }

  dispose(): void {
    this.stop();
  }
}
