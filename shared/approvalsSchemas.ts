// Zod schemas of the approval requests' params (the host validates with these; the extension
// imports only their types).
import { z } from 'zod';

export const approvalKinds = ['change', 'command', 'budget', 'merge', 'question'] as const;
export const approvalKindSchema = z.enum(approvalKinds);

const agentName = z.string().trim().min(1).max(100);
/** A workspace-relative path: no absolute paths, no `..` segments. */
export const relativePathSchema = z
  .string()
  .min(1)
  .max(1000)
  .refine((p) => !p.startsWith('/') && !/^[a-zA-Z]:/.test(p) && !p.split(/[\\/]/).includes('..'), 'must be a workspace-relative path without ..');

export const approvalDetailsSchema = z.strictObject({
  /** A proposed change: workspace-relative path → its whole new content. */
  changes: z.record(relativePathSchema, z.string().max(2_000_000)).optional(),
  /** A command line to run. */
  command: z.string().min(1).max(10_000).optional(),
  /** A cost in US dollars (exceeding a budget). */
  costUsd: z.number().min(0).max(1_000_000).optional(),
  /** For a budget request: which budget to let the next refused call exceed once approved. */
  budgetScope: z.enum(['day', 'month', 'cell', 'run']).optional(),
  /** The budget's day / month / cell / run; absent: whichever the next refused call hits. */
  budgetKey: z.string().min(1).max(100).optional(),
  /** Free text: the question, or more context. */
  text: z.string().max(20_000).optional(),
});

export const approvalRequestParamsSchema = z
  .strictObject({
    requester: agentName,
    kind: approvalKindSchema,
    summary: z.string().trim().min(1).max(500),
    details: approvalDetailsSchema.default({}),
    cell: z.string().min(1).max(100).optional(),
    confidence: z.number().min(0).max(1).optional(),
    timeoutSeconds: z.number().int().min(1).max(7 * 24 * 3600).optional(),
    /** Retrying with the same id returns the existing request. */
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only').optional(),
  })
  .superRefine((r, ctx) => {
    if (r.kind === 'change' && (!r.details.changes || Object.keys(r.details.changes).length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['details', 'changes'], message: 'a change request needs details.changes (path → new content)' });
    }
    if (r.kind === 'command' && !r.details.command) ctx.addIssue({ code: 'custom', path: ['details', 'command'], message: 'a command request needs details.command' });
  });

export const approvalIdParamsSchema = z.strictObject({ id: z.string().min(1).max(100) });
export const approvalWaitParamsSchema = z.strictObject({ id: z.string().min(1).max(100), timeoutMs: z.number().int().min(0).max(24 * 3600_000).optional() });
export const approvalListParamsSchema = z.strictObject({
  status: z.enum(['pending', 'all']).default('pending'),
  limit: z.number().int().min(1).max(1000).default(200),
});
export const approvalDecideParamsSchema = z.strictObject({
  id: z.string().min(1).max(100),
  outcome: z.enum(['approved', 'rejected']),
  reason: z.string().max(2000).optional(),
  /** Who decides (default: the session's name). */
  by: agentName.optional(),
  /** The deciding client already applied the proposed change (VS Code does, as one edit). */
  applied: z.boolean().optional(),
});
export const approvalTrustParamsSchema = z.strictObject({ agent: agentName.optional() });
export const approvalTrustResetParamsSchema = z.strictObject({ agent: agentName });
export const approvalOutcomeParamsSchema = z.strictObject({ agent: agentName, success: z.boolean(), note: z.string().max(500).optional() });

export const approvalSettingsSchema = z.strictObject({
  autoApprove: z.partialRecord(z.enum([...approvalKinds, 'readOnlyCommand']), z.boolean()).optional(),
  refuse: z.partialRecord(approvalKindSchema, z.boolean()).optional(),
  threshold: z.number().min(0).max(1).optional(),
  timeoutSeconds: z.number().int().min(1).max(7 * 24 * 3600).optional(),
  defaultOutcome: z.enum(['approved', 'rejected']).optional(),
  minTrust: z.number().min(0).max(1).optional(),
});
export const approvalSettingsParamsSchema = z.strictObject({ settings: approvalSettingsSchema });

export type ApprovalRequestParams = z.input<typeof approvalRequestParamsSchema>;
export type ApprovalIdParams = z.input<typeof approvalIdParamsSchema>;
export type ApprovalWaitParams = z.input<typeof approvalWaitParamsSchema>;
export type ApprovalListParams = z.input<typeof approvalListParamsSchema>;
export type ApprovalDecideParams = z.input<typeof approvalDecideParamsSchema>;
export type ApprovalTrustParams = z.input<typeof approvalTrustParamsSchema>;
export type ApprovalTrustResetParams = z.input<typeof approvalTrustResetParamsSchema>;
export type ApprovalOutcomeParams = z.input<typeof approvalOutcomeParamsSchema>;
export type ApprovalSettingsInput = z.input<typeof approvalSettingsSchema>;
export type ApprovalSettingsParams = z.input<typeof approvalSettingsParamsSchema>;
