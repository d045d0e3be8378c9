// approval_request · approval_status: ask a human before a risky step. approval_request blocks
// until the request is decided (with progress notifications while it waits) or until
// wait_seconds pass; then approval_status polls or waits again.
import { z } from 'zod';
import type { Approval } from '../../shared/approvals';
import { approvalDetailsSchema, approvalKindSchema } from '../../shared/approvalsSchemas';
import { defineTool, type McpTool, type ToolCall } from '../mcp/tool';
import type { ApprovalsService } from './service';

const PROGRESS_EVERY_MS = 3_000;
const MAX_WAIT_SECONDS = 3600;

const compact = (a: Approval) => ({
  id: a.id,
  status: a.status,
  kind: a.kind,
  summary: a.summary,
  policy: a.policy,
  ...(a.decision
    ? {
        decision: {
          outcome: a.decision.outcome,
          by: a.decision.by,
          reason: a.decision.reason,
          ...(a.decision.auto ? { auto: true } : {}),
          ...(a.decision.timedOut ? { timedOut: true } : {}),
          ...(a.decision.applied ? { applied: true } : {}),
        },
      }
    : { timeoutAt: a.timeoutAt }),
});

/** Waits up to `seconds`, reporting progress every few seconds. */
async function waitWithProgress(svc: ApprovalsService, id: string, seconds: number, call: ToolCall): Promise<Approval> {
  const started = Date.now();
  const deadline = started + seconds * 1000;
  let a = svc.get(id);
  while (a.status === 'pending' && Date.now() < deadline && !call.signal.aborted) {
    a = await svc.wait(id, Math.min(PROGRESS_EVERY_MS, deadline - Date.now()), call.signal);
    if (a.status === 'pending' && !call.signal.aborted) {
      const waited = Math.round((Date.now() - started) / 1000);
      await call.progress(waited, seconds, `waiting for a human to approve or reject "${a.summary}" (${waited} s)`).catch(() => {});
    }
  }
  return a;
}

const waitSeconds = z.number().int().min(0).max(MAX_WAIT_SECONDS).optional();

export function approvalTools(svc: ApprovalsService): McpTool[] {
  return [
    defineTool({
      name: 'approval_request',
      description:
        'Ask before a risky step: apply a change (details.changes: path → full new content), run a command (details.command), exceed a budget (details.costUsd), merge an attempt, or a question. The policy may approve at once; otherwise a human decides in VS Code or the CLI. Blocks until decided or wait_seconds pass (then poll approval_status). Give your honest confidence 0–1. If approved with applied=true the change is already written.',
      input: z.strictObject({
        kind: approvalKindSchema,
        summary: z.string().trim().min(1).max(500).describe('One line a human reads first'),
        details: approvalDetailsSchema.optional(),
        cell: z.string().min(1).max(100).optional().describe('Hive cell this belongs to'),
        confidence: z.number().min(0).max(1).optional().describe('How sure you are this is right'),
        timeout_seconds: z.number().int().min(1).max(7 * 24 * 3600).optional().describe('After this the default outcome (usually reject) applies'),
        wait_seconds: waitSeconds.describe('How long this call blocks (default 600); 0 returns at once'),
        id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional().describe('Retrying with the same id returns the same request'),
      }),
      profile: 'core',
      annotations: { destructiveHint: false, openWorldHint: false },
      async handler(args, call) {
        const a = await svc.request({
          requester: call.agent.name,
          kind: args.kind,
          summary: args.summary,
          details: args.details ?? {},
          ...(args.cell !== undefined ? { cell: args.cell } : {}),
          ...(args.confidence !== undefined ? { confidence: args.confidence } : {}),
          ...(args.timeout_seconds !== undefined ? { timeoutSeconds: args.timeout_seconds } : {}),
          ...(args.id !== undefined ? { id: args.id } : {}),
        });
        return compact(await waitWithProgress(svc, a.id, args.wait_seconds ?? 600, call));
      },
    }),
    defineTool({
      name: 'approval_status',
      description: 'The state of an approval request you made; with wait_seconds, waits up to that long for the decision.',
      input: z.strictObject({ id: z.string().min(1).max(100), wait_seconds: waitSeconds }),
      profile: 'core',
      annotations: { readOnlyHint: true, openWorldHint: false },
      async handler(args, call) {
        return compact(await waitWithProgress(svc, args.id, args.wait_seconds ?? 0, call));
      },
    }),
  ];
}
