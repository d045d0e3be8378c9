// Decomposition: one planning call (tool use with the plan's JSON schema), checked by
// validatePlan; one re-plan with the problems listed, then a refusal. Strategy advice and
// relevant memories join the prompt when those services run.
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { ApiaryError } from '../../shared/errors';
import type { PlannedSubtask } from '../../shared/swarm';
import { planSchema } from '../../shared/swarmSchemas';
import type { CallRequest, CallResult } from '../llm/gatewayTypes';
import { describeProblems, validatePlan } from './plan';

export const PLAN_TOOL: Tool = {
  name: 'submit_plan',
  description: 'Submit the decomposition of the task into subtasks.',
  input_schema: {
    type: 'object',
    required: ['subtasks'],
    properties: {
      subtasks: {
        type: 'array',
        items: {
          type: 'object',
          required: ['title', 'description', 'acceptance', 'files', 'dependsOn', 'strategy'],
          properties: {
            title: { type: 'string' },
            description: { type: 'string' },
            acceptance: { type: 'array', items: { type: 'string' }, description: 'criteria the verification command can check' },
            files: { type: 'array', items: { type: 'string' }, description: 'workspace-relative files this subtask changes; each file in one subtask only' },
            dependsOn: { type: 'array', items: { type: 'integer' }, description: '0-based indices of subtasks that must finish first' },
            strategy: { type: 'string', enum: ['file', 'feature', 'risk'] },
          },
        },
      },
    },
  },
};

export interface PlanContext {
  task: string;
  files: string[];
  advice: string | null;
  memories: string[];
  verify: string | null;
}

export interface PlanAttempt {
  attempt: number;
  subtasks: PlannedSubtask[];
  problems: string[];
  latencyMs: number;
  callId: string | null;
  result: CallResult | null;
}

export function planPrompt(ctx: PlanContext, problems: string | null): string {
  const parts = [
    `Decompose this task into subtasks that separate workers can do in parallel without touching the same files.`,
    `Task:\n${ctx.task}`,
    `Workspace files:\n${ctx.files.slice(0, 300).join('\n') || '(none)'}`,
    ctx.verify ? `Work is accepted only when \`${ctx.verify}\` passes.` : 'No verification command is configured.',
  ];
  if (ctx.advice) parts.push(`Learned advice:\n${ctx.advice}`);
  if (ctx.memories.length) parts.push(`Relevant memories:\n${ctx.memories.map((m) => `- ${m}`).join('\n')}`);
  if (problems) parts.push(`Your previous plan was refused for these problems; fix every one:\n${problems}`);
  parts.push('Call submit_plan once with the subtasks.');
  return parts.join('\n\n');
}

function parsePlan(result: CallResult): { subtasks: PlannedSubtask[]; problems: string[] } {
  const use = result.toolUses.find((u) => u.name === PLAN_TOOL.name);
  if (!use) return { subtasks: [], problems: ['no submit_plan call: answer by calling submit_plan'] };
  const parsed = planSchema.safeParse(use.input);
  if (!parsed.success) return { subtasks: [], problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const subtasks = parsed.data.subtasks as PlannedSubtask[];
  return { subtasks, problems: validatePlan(subtasks).map((p) => p.problem) };
}

/** Plans (with one re-plan); `record` sees each attempt. Refuses when the second plan still has problems. */
export async function decompose(
  ctx: PlanContext,
  call: (req: Omit<CallRequest, 'agent'>) => Promise<CallResult>,
  record: (a: PlanAttempt) => Promise<void>,
): Promise<PlannedSubtask[]> {
  let problems: string | null = null;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const started = Date.now();
    const result = await call({
      tier: 'large',
      system: 'You plan software work for a swarm of coding agents. Every subtask must have acceptance criteria and its own files.',
      messages: [{ role: 'user', content: planPrompt(ctx, problems) }],
      tools: [PLAN_TOOL],
      toolChoice: { type: 'tool', name: PLAN_TOOL.name },
      maxTokens: 8000,
    });
    const plan = parsePlan(result);
    await record({ attempt, subtasks: plan.subtasks, problems: plan.problems, latencyMs: Date.now() - started, callId: result.callId, result });
    if (plan.problems.length === 0) return plan.subtasks;
    problems = describeProblems(plan.problems.map((p) => ({ subtask: null, problem: p })));
  }
  throw new ApiaryError('invalid_params', `the plan was refused twice:\n${problems ?? ''}`, 'Reword the task so it splits into subtasks with their own files and checkable acceptance criteria.');
}
