// The swarm: a task decomposed into an epic whose subtasks real workers complete in parallel,
// each accepted only through the verification gate. Every step is an event in the run's stream
// (`swarm-<run>`), so a run can be resumed after a crash and explained afterwards.
//
// Param types come from ./swarmSchemas as *types only*, so the extension bundle carries no zod.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from './errors';
import type { SwarmExplainParams, SwarmRunParams, SwarmStatusParams, SwarmStopParams, SwarmTranscriptParams } from './swarmSchemas';

export const SWARM_STREAM_PREFIX = 'swarm-';
export const swarmRunStream = (run: string): string => `${SWARM_STREAM_PREFIX}${run}`;

export const SWARM_STRATEGIES = ['file', 'feature', 'risk'] as const;
export type SwarmStrategy = (typeof SWARM_STRATEGIES)[number];

/** One subtask of a plan; `dependsOn` holds 0-based indices of other subtasks in the same plan. */
export interface PlannedSubtask {
  title: string;
  description: string;
  acceptance: string[];
  files: string[];
  dependsOn: number[];
  strategy: SwarmStrategy;
}

export type SwarmRunStatus = 'planning' | 'running' | 'done' | 'failed' | 'stopped';
export type SwarmWorkerState = 'queued' | 'running' | 'verifying' | 'done' | 'failed' | 'blocked' | 'stopped';

export interface SwarmRunOptions {
  concurrency: number;
  bestOf: number;
  /** US dollars for the whole run; null: only the workspace's budgets apply. */
  budgetUsd: number | null;
  chaos: boolean;
  maxTurns: number;
  maxStrikes: number;
  /** Manual tier for every worker; absent: the learned router picks per subtask. */
  tier?: 'small' | 'medium' | 'large';
}

export interface SwarmWorkerView {
  agent: string;
  cell: string;
  title: string;
  files: string[];
  model: string | null;
  state: SwarmWorkerState;
  attempts: number;
  tokens: number;
  costMicros: number;
  modelMs: number;
  toolMs: number;
  lastAction: string | null;
  summary: string | null;
}

export interface SwarmWorkerReport {
  agent: string;
  cell: string;
  state: SwarmWorkerState;
  tokens: number;
  costMicros: number;
  retries: number;
}

export interface SwarmReport {
  decompositionMs: number;
  wallMs: number;
  modelMs: number;
  toolMs: number;
  /** Wall time not spent in model or tool work (planning, hive, reservations, waiting). */
  coordinationOverheadMs: number;
  reservationConflicts: number;
  retries: number;
  tokens: number;
  costMicros: number;
  workers: SwarmWorkerReport[];
  chaos: { injected: Array<{ kind: string; target: string; at: string }>; recovered: number } | null;
}

export interface SwarmRunView {
  id: string;
  task: string;
  status: SwarmRunStatus;
  reason: string | null;
  epic: string | null;
  options: SwarmRunOptions;
  startedAt: string;
  endedAt: string | null;
  workers: SwarmWorkerView[];
  report: SwarmReport;
}

export interface SwarmTimelineEntry {
  at: string;
  type: string;
  cell: string | null;
  agent: string | null;
  text: string;
}

export interface SwarmExplainResult {
  target: string;
  run: string;
  outcome: string;
  timeline: SwarmTimelineEntry[];
  /** From the small tier when a key is configured; null otherwise. */
  summary: string | null;
}

export interface SwarmChanged {
  run: string;
  status: SwarmRunStatus;
}

export const SwarmRunRequest = new RequestType<SwarmRunParams, { run: SwarmRunView }, ApiaryErrorData>('apiary/swarm/run');
export const SwarmStatusRequest = new RequestType<SwarmStatusParams, { runs: SwarmRunView[] }, ApiaryErrorData>('apiary/swarm/status');
export const SwarmStopRequest = new RequestType<SwarmStopParams, { run: SwarmRunView }, ApiaryErrorData>('apiary/swarm/stop');
export const SwarmExplainRequest = new RequestType<SwarmExplainParams, SwarmExplainResult, ApiaryErrorData>('apiary/swarm/explain');
export const SwarmTranscriptRequest = new RequestType<SwarmTranscriptParams, { cell: string; markdown: string }, ApiaryErrorData>('apiary/swarm/transcript');
export const SwarmChangedNotification = new NotificationType<SwarmChanged>('apiary/swarm/changed');
