// Learning loop types shared by host and clients: outcomes of finished work, pattern maturity,
// strategy advice, the router's view. Imported by the extension, so no zod here (see learningSchemas).
import { RequestType0, RequestType } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from './errors';
import type { Tier } from './llm';
import type { OutcomeParams } from './learningSchemas';

export type DecompositionStrategy = 'file' | 'feature' | 'risk';
export const STRATEGIES: readonly DecompositionStrategy[] = ['file', 'feature', 'risk'];

/** One finished piece of work, as the swarm's gate or an outside agent reports it. */
export interface Outcome {
  /** Task kind: "bugfix", "refactor", "docs", "design", "test", … (free text, lower-case). */
  kind: string;
  strategy?: DecompositionStrategy;
  /** Pattern ids/texts the work followed (e.g. "write the failing test first"). */
  patterns: string[];
  /**
   * The tier that did the work. Absent when nobody knows (an outside agent whose model could not
   * be mapped): such an outcome still feeds patterns, strategies and failures, never the router.
   */
  tier?: Tier;
  /** The model that did the work, as reported (outside agents). */
  model?: string;
  success: boolean;
  durationMs: number;
  errors: number;
  retries: number;
  tokens: number;
  costUsd: number;
  /** ISO time. */
  at: string;
  agent?: string;
  cell?: string;
  /** Did a human have to step in (approval asked, rejected or edited)? Feeds review prediction. */
  neededHuman?: boolean;
  /** Files touched; a review-prediction feature. */
  filesChanged?: number;
  /** Verification output of a failed attempt, for the failure knowledge base. */
  verificationOutput?: string;
}

export type Maturity = 'candidate' | 'established' | 'proven' | 'deprecated';

export interface PatternView {
  pattern: string;
  maturity: Maturity;
  helpful: number;
  harmful: number;
  observations: number;
  failureRate: number;
}

export interface AntiPatternView {
  pattern: string;
  failureRate: number;
  observations: number;
  text: string;
}

export interface StrategyAdvice {
  kind: string;
  strategy: DecompositionStrategy;
  /** 0..1: how sure the advice is (grows with decayed evidence). */
  confidence: number;
  avoid: string[];
  promptText: string;
}

export interface TierStat {
  tier: Tier;
  pulls: number;
  meanReward: number;
  successRate: number;
}

export interface RouterDay {
  day: string;
  tier: Tier;
  pulls: number;
  meanReward: number;
}

export interface TrustView {
  agent: string;
  trust: number;
}

export interface LearningReport {
  outcomes: number;
  patterns: PatternView[];
  antiPatterns: AntiPatternView[];
  /** outcomesWithoutTier: outcomes of an unknown model, which the router leaves out. */
  router: { kinds: Array<{ kind: string; tiers: TierStat[] }>; history: RouterDay[]; outcomesWithoutTier: number };
  /** Present only when the approvals service runs in this host. */
  trust?: TrustView[];
  reviewModel: { trained: boolean; samples: number };
}

export interface RecordOutcomeResult {
  id: string;
  /** The tier the outcome counts for (given, or mapped from the model); null: unknown. */
  tier: Tier | null;
  /** AVOID lines and strategy advice that changed because of this outcome (for the caller's log). */
  antiPatterns: string[];
}

export const LearningRecordOutcomeRequest = new RequestType<OutcomeParams, RecordOutcomeResult, ApiaryErrorData>('apiary/learning/recordOutcome');
export const LearningReportRequest = new RequestType0<LearningReport, ApiaryErrorData>('apiary/learning/report');
