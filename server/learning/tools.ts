// MCP tool for outside agents to report how a piece of work went, so the learning loop (patterns,
// strategies, routing, failure knowledge) learns from them too.
import { z } from 'zod';
import { defineTool, type McpTool } from '../mcp/tool';
import type { LearningService } from './service';
import { modelIdSchema, tierSchema } from '../../shared/learningSchemas';
import { ApiaryError } from '../../shared/errors';

/** The arguments both outcome tools take about the model that did the work (router statistics are per tier). */
export const OUTCOME_MODEL_ARGS = {
  model: modelIdSchema.optional().describe('Your model id, e.g. "claude-sonnet-4-5"; sets the tier the outcome counts for. Default: the model you registered.'),
  tier: tierSchema.optional().describe("Overrides the model's tier."),
};

/** The model an outcome names: the one given, else the one the agent registered (when it is a usable id). */
export function reportedModel(given: string | undefined, registered: string | null): string | undefined {
  if (given !== undefined) return given;
  const r = registered === null ? undefined : modelIdSchema.safeParse(registered);
  return r?.success ? r.data : undefined;
}

export function learningTools(svc: () => LearningService | undefined): McpTool[] {
  return [
    defineTool({
      name: 'swarm_record_outcome',
      description:
        'Report how a finished task went so the swarm learns: task kind (bugfix, refactor, docs, test, design…), success, and optionally the decomposition strategy, the patterns you followed, errors/retries, and the verification output of a failure. ' +
        'Name your model (e.g. "claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5") or its tier: the workspace\'s tier models map it first, then its family (haiku → small, sonnet → medium, opus → large). ' +
        'An unknown model still teaches patterns and strategies, not model routing. Answers the tier counted (null: unknown) and any new AVOID lessons.',
      input: z.strictObject({
        kind: z.string().min(1).max(64),
        ...OUTCOME_MODEL_ARGS,
        success: z.boolean(),
        strategy: z.enum(['file', 'feature', 'risk']).optional(),
        patterns: z.array(z.string().min(1).max(300)).max(50).optional(),
        duration_ms: z.number().int().nonnegative().optional(),
        errors: z.number().int().nonnegative().optional(),
        retries: z.number().int().nonnegative().optional(),
        tokens: z.number().int().nonnegative().optional(),
        cost_usd: z.number().nonnegative().optional(),
        cell: z.string().min(1).max(100).optional(),
        needed_human: z.boolean().optional(),
        files_changed: z.number().int().nonnegative().optional(),
        verification_output: z.string().max(200_000).optional().describe('Compiler / test output of a failed attempt'),
      }),
      profile: 'full',
      annotations: { title: 'Record outcome', destructiveHint: false, openWorldHint: false },
      async handler(a, call) {
        const s = svc();
        if (!s) throw new ApiaryError('unavailable', 'the learning service is not running in this host', 'Restart the host.');
        const model = reportedModel(a.model, call.agent.model);
        return s.recordOutcome(
          {
            kind: a.kind,
            ...(a.tier ? { tier: a.tier } : {}),
            ...(model ? { model } : {}),
            success: a.success,
            patterns: a.patterns ?? [],
            ...(a.strategy ? { strategy: a.strategy } : {}),
            ...(a.duration_ms !== undefined ? { durationMs: a.duration_ms } : {}),
            ...(a.errors !== undefined ? { errors: a.errors } : {}),
            ...(a.retries !== undefined ? { retries: a.retries } : {}),
            ...(a.tokens !== undefined ? { tokens: a.tokens } : {}),
            ...(a.cost_usd !== undefined ? { costUsd: a.cost_usd } : {}),
            ...(a.cell ? { cell: a.cell } : {}),
            ...(a.needed_human !== undefined ? { neededHuman: a.needed_human } : {}),
            ...(a.files_changed !== undefined ? { filesChanged: a.files_changed } : {}),
            ...(a.verification_output ? { verificationOutput: a.verification_output } : {}),
          },
          call.agent.name,
        );
      },
    }),
  ];
}
