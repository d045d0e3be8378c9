// MCP tool for outside agents to report how a piece of work went, so the learning loop (patterns,
// strategies, routing, failure knowledge) learns from them too.
import { z } from 'zod';
import { defineTool, type McpTool } from '../mcp/tool';
import type { LearningService } from './service';

export function learningTools(svc: () => LearningService | undefined): McpTool[] {
  return [
    defineTool({
      name: 'swarm_record_outcome',
      description:
        'Report how a finished task went so the swarm learns: task kind (bugfix, refactor, docs, test, design…), model tier, success, and optionally the decomposition strategy, the patterns you followed, errors/retries, and the verification output of a failure. Answers any new AVOID lessons.',
      input: z.strictObject({
        kind: z.string().min(1).max(64),
        tier: z.enum(['small', 'medium', 'large']),
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
        if (!s) throw new Error('the learning service is not running');
        return s.recordOutcome(
          {
            kind: a.kind,
            tier: a.tier,
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
