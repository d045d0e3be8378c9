// The swarm's MCP tools: start a run, read its status/report, finish a cell through the gate,
// and explain a run or a cell.
import { z } from 'zod';
import { defineTool, type McpTool } from '../mcp/tool';
import type { SwarmService } from './service';
import { ApiaryError } from '../../shared/errors';
import { swarmCompleteParamsSchema } from '../../shared/swarmSchemas';
import { OUTCOME_MODEL_ARGS, reportedModel } from '../learning/tools';

export function swarmTools(service: () => SwarmService | undefined): McpTool[] {
  const svc = (): SwarmService => {
    const s = service();
    if (!s) throw new ApiaryError('unavailable', 'the swarm is not running in this host', 'Restart the host.');
    return s;
  };
  return [
    defineTool({
      name: 'swarm_run',
      description:
        'Start a swarm on a task: it is decomposed into subtasks (an epic in the hive) that parallel workers complete, each accepted only when verification passes. ' +
        'Returns the run (id, status, workers); wait: true returns when it has ended.',
      input: z.object({
        task: z.string().min(1).max(20_000).optional().describe('what to do'),
        cell: z.string().optional().describe('or: run on an existing hive cell'),
        best_of: z.number().int().min(1).max(8).optional(),
        budget_usd: z.number().positive().optional(),
        concurrency: z.number().int().min(1).max(16).optional(),
        wait: z.boolean().optional(),
      }),
      profile: 'full',
      annotations: { title: 'Run a swarm', openWorldHint: true },
      handler: async (a, call) => {
        if ((a.task === undefined) === (a.cell === undefined)) throw new ApiaryError('invalid_params', 'give task or cell (one of them)', 'Pass task: "…".');
        const run = await svc().start({ ...(a.task ? { task: a.task } : {}), ...(a.cell ? { cell: a.cell } : {}), bestOf: a.best_of ?? 1, chaos: false, wait: false, ...(a.budget_usd ? { budgetUsd: a.budget_usd } : {}), ...(a.concurrency ? { concurrency: a.concurrency } : {}) });
        if (!a.wait) return { run };
        const timer = setInterval(() => {
          const v = service()?.view(run.id);
          if (v) void call.progress(v.workers.filter((w) => w.state === 'done').length, Math.max(1, v.workers.length), `${v.status}: ${v.workers.map((w) => `${w.agent} ${w.state}`).join(', ')}`);
        }, 1000);
        try {
          return { run: await svc().wait(run.id) };
        } finally {
          clearInterval(timer);
        }
      },
    }),
    defineTool({
      name: 'swarm_status',
      description: 'Swarm runs with their workers and report (latency, wall time, retries, tokens and cost per worker). Give run for one.',
      input: z.object({ run: z.string().optional() }),
      profile: 'full',
      annotations: { title: 'Swarm status', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      handler: async (a) => (a.run ? { runs: [svc().require(a.run)] } : { runs: svc().list().slice(0, 20) }),
    }),
    defineTool({
      name: 'swarm_complete',
      description:
        'Finish a hive cell you worked on: runs the verification command; when it passes your reservations are released, the cell closes with your summary and the outcome is recorded ' +
        'at the tier of your model (give model, or it is the one you gave agent_register; unknown: recorded without a tier). When it fails you get the trimmed failure output.',
      input: swarmCompleteParamsSchema.extend(OUTCOME_MODEL_ARGS),
      profile: 'core',
      annotations: { title: 'Complete a cell', openWorldHint: false },
      handler: async (a, call) => {
        const model = reportedModel(a.model, call.agent.model);
        return svc().complete(call.agent.name, { cell: a.cell, summary: a.summary, ...(model ? { model } : {}), ...(a.tier ? { tier: a.tier } : {}) });
      },
    }),
    defineTool({
      name: 'swarm_explain',
      description: 'Why a swarm run or one of its cells ended as it did: a timeline from its events, plus a short summary when a model is configured.',
      input: z.object({ target: z.string().min(1).describe('run id or cell id') }),
      profile: 'full',
      annotations: { title: 'Explain a swarm run', readOnlyHint: true, openWorldHint: false },
      handler: async (a) => svc().explain(a.target),
    }),
  ];
}
