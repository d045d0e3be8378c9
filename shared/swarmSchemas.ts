// Zod schemas of the swarm requests and of the plan the planning call returns.
import { z } from 'zod';
import { SWARM_STRATEGIES } from './swarm';
import { modelIdSchema, tierSchema } from './learningSchemas';

const runId = z.string().regex(/^[a-z0-9]{4,32}$/, 'a run id like 3f9a0c2b');

export const swarmRunParamsSchema = z.object({
  task: z.string().trim().min(1, 'the task is empty').max(20_000).optional(),
  /** Run the swarm on an existing hive cell (its title and description are the task). */
  cell: z.string().min(3).max(120).optional(),
  bestOf: z.number().int().min(1).max(8).default(1),
  budgetUsd: z.number().positive().max(100_000).optional(),
  concurrency: z.number().int().min(1).max(16).optional(),
  chaos: z.boolean().default(false),
  /** Use this model tier for every worker of the run instead of the learned router. */
  tier: tierSchema.optional(),
  /** Return only when the run has ended. */
  wait: z.boolean().default(false),
}).refine((p) => (p.task !== undefined) !== (p.cell !== undefined), { message: 'give a task or a cell (not both)' });
export type SwarmRunParams = z.input<typeof swarmRunParamsSchema>;
export type SwarmRunInput = z.output<typeof swarmRunParamsSchema>;

export const swarmStatusParamsSchema = z.object({ run: runId.optional() });
export type SwarmStatusParams = z.input<typeof swarmStatusParamsSchema>;

export const swarmStopParamsSchema = z.object({ run: runId, worker: z.string().min(1).max(40).optional() });
export type SwarmStopParams = z.input<typeof swarmStopParamsSchema>;

/** A run id, or a cell id of a run's epic or subtask. */
export const swarmExplainParamsSchema = z.object({ target: z.string().min(1).max(120) });
export type SwarmExplainParams = z.input<typeof swarmExplainParamsSchema>;

/** swarm_complete: an agent finishing a cell it worked on; model/tier say which tier the outcome counts for. */
export const swarmCompleteParamsSchema = z.object({
  cell: z.string().min(3).max(120),
  summary: z.string().trim().min(1, 'the summary is empty').max(10_000),
  model: modelIdSchema.optional(),
  tier: tierSchema.optional(),
});
export type SwarmCompleteParams = z.input<typeof swarmCompleteParamsSchema>;

export const swarmTranscriptParamsSchema = z.object({ cell: z.string().min(3).max(120) });
export type SwarmTranscriptParams = z.input<typeof swarmTranscriptParamsSchema>;

/** What the planning tool takes: the model fills this in. */
export const plannedSubtaskSchema = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(20_000).default(''),
  acceptance: z.array(z.string().trim().min(1).max(2000)).max(20).default([]),
  files: z.array(z.string().min(1).max(500)).max(100).default([]),
  dependsOn: z.array(z.number().int()).max(50).default([]),
  strategy: z.enum(SWARM_STRATEGIES).default('file'),
});
export const planSchema = z.object({ subtasks: z.array(plannedSubtaskSchema).max(50) });
