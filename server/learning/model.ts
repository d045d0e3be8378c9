// The learning model: every outcome folded, in order, into decayed pattern evidence, strategy
// evidence per kind, the tier router, the failure knowledge base and the review model's samples.
// Pure: the same outcomes and `now` give the same model, so the host rebuilds it from its read model.
import type { AntiPatternView, Outcome, PatternView, StrategyAdvice } from '../../shared/learning';
import type { Tier } from '../../shared/llm';
import { addEvidence, decayWeight, emptyEvidence, type Evidence } from './decay';
import { FailureBase } from './failureBase';
import { scoreOutcome } from './feedback';
import { antiPatternView, isAntiPattern, maturityOf, patternView, PROMPT_WEIGHT } from './maturity';
import { predictNeedsHuman, trainReviewModel, type ReviewInput, type ReviewModel } from './review';
import { TierRouter, type RouteDecision, type RouteRequest, type RouterOptions } from './router';
import type { Rng } from './rng';
import { adviseStrategy, type StrategyTable } from './strategy';

export class LearningModel {
  readonly patterns = new Map<string, Evidence>();
  readonly strategies: StrategyTable = new Map();
  /** Evidence per tier × kind (decayed), beside the router's discounted posteriors. */
  readonly tierKind = new Map<string, Evidence>();
  readonly router: TierRouter;
  readonly failures = new FailureBase();
  private readonly reviewSamples: Array<{ input: ReviewInput; neededHuman: boolean }> = [];
  private review: ReviewModel | null | undefined;
  count = 0;
  /** Outcomes folded without a tier (patterns, strategies and failures only). */
  untiered = 0;

  constructor(
    private readonly nowMs: number,
    routerOptions: RouterOptions,
  ) {
    this.router = new TierRouter(routerOptions);
  }

  static fold(outcomes: Iterable<Outcome>, nowMs: number, routerOptions: RouterOptions): LearningModel {
    const m = new LearningModel(nowMs, routerOptions);
    for (const o of outcomes) m.observe(o);
    return m;
  }

  observe(o: Outcome): void {
    this.count += 1;
    const w = decayWeight(Date.parse(o.at), this.nowMs);
    const fb = scoreOutcome(o);
    for (const p of o.patterns) addEvidence(this.evidence(this.patterns, p), fb.helpful, fb.harmful, w);
    if (o.strategy) {
      let perKind = this.strategies.get(o.kind);
      if (!perKind) this.strategies.set(o.kind, (perKind = new Map()));
      const e = perKind.get(o.strategy) ?? emptyEvidence();
      perKind.set(o.strategy, e);
      addEvidence(e, fb.helpful, fb.harmful, w);
    }
    // Tier × kind statistics only from outcomes whose tier is known: guessing one would pull
    // the router towards a tier that never did the work.
    if (o.tier) {
      addEvidence(this.evidence(this.tierKind, `${o.tier}\u0000${o.kind}`), fb.helpful, fb.harmful, w);
      this.router.observe(o.kind, o.tier, o.success);
    } else {
      this.untiered += 1;
    }
    this.failures.observe(o);
    if (o.neededHuman !== undefined) {
      this.reviewSamples.push({ input: o, neededHuman: o.neededHuman });
      this.review = undefined;
    }
  }

  private evidence(map: Map<string, Evidence>, key: string): Evidence {
    let e = map.get(key);
    if (!e) map.set(key, (e = emptyEvidence()));
    return e;
  }

  patternViews(): PatternView[] {
    return [...this.patterns].map(([p, e]) => patternView(p, e)).sort((a, b) => b.helpful - a.helpful || a.pattern.localeCompare(b.pattern));
  }

  antiPatterns(): AntiPatternView[] {
    return [...this.patterns].filter(([, e]) => isAntiPattern(e)).map(([p, e]) => antiPatternView(p, e)).sort((a, b) => b.failureRate - a.failureRate);
  }

  /** Prompt lines for patterns: proven first ("PROVEN:"), then established; deprecated ones drop out and come back inverted. */
  patternLines(limit = 8): string[] {
    const ranked = [...this.patterns]
      .map(([p, e]) => ({ p, e, m: maturityOf(e) }))
      .filter((x) => x.m === 'proven' || x.m === 'established')
      .sort((a, b) => PROMPT_WEIGHT[b.m] * b.e.helpful - PROMPT_WEIGHT[a.m] * a.e.helpful)
      .slice(0, limit)
      .map((x) => `${x.m === 'proven' ? 'PROVEN' : 'WORKED BEFORE'}: ${x.p}`);
    return [...ranked, ...this.antiPatterns().slice(0, limit).map((a) => a.text)];
  }

  strategyAdvice(kind: string): StrategyAdvice {
    return adviseStrategy(kind.toLowerCase(), this.strategies, this.patternLines());
  }

  route(req: RouteRequest, rng: Rng): RouteDecision {
    return this.router.route({ ...req, kind: req.kind.toLowerCase() }, rng);
  }

  relevantFailures(output: string): string[] {
    return this.failures.relevantFailures(output);
  }

  reviewSampleCount(): number {
    return this.reviewSamples.length;
  }

  /** Probability that a change like this needs a human, or null before ≥ 50 labelled outcomes. */
  predictReview(input: ReviewInput): number | null {
    if (this.review === undefined) this.review = trainReviewModel(this.reviewSamples);
    return this.review ? predictNeedsHuman(this.review, input) : null;
  }

  tierKindEvidence(tier: Tier, kind: string): Evidence | undefined {
    return this.tierKind.get(`${tier}\u0000${kind}`);
  }
}
