// Parameter schemas for the coordination requests (agents, file reservations, mail), declared
// once. The host validates every request with them; shared/coordination.ts imports only their
// inferred types, so the extension bundle carries no zod.
import { z } from 'zod';

/** Readable, shell-safe agent names: `BlueLake`, `swarm-7`, `you`. Unique case-insensitively. */
export const agentNameSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a letter, then letters, digits, _ or -');

export const agentKindSchema = z.enum(['vscode-window', 'mcp-client', 'swarm-worker', 'human', 'cli']);

/**
 * A workspace-relative path or glob; a leading `!` excludes (only in reserve). The core
 * normalises it (`./` prefix, doubled slashes, a trailing `/` meaning "everything inside")
 * and refuses absolute paths and `..` with a hint.
 */
export const patternSchema = z
  .string()
  .min(1)
  .max(1000)
  .refine((s) => !s.includes('\0'), 'no NUL characters');

export const pathSchema = patternSchema;

const idSchema = z.string().min(1).max(100);
const reasonSchema = z.string().max(500);
const cellIdSchema = z.string().min(1).max(100);
const ttlSchema = z.number().int().min(1).max(7 * 24 * 3600);

// ── agents ──────────────────────────────────────────────────────────────────────────────────

export const agentRegisterParamsSchema = z
  .object({
    /** Wanted name; absent: generated from clientKey (the same key gets the same name back). */
    name: agentNameSchema.optional(),
    /** Stable per client (e.g. machine + window id); lets a reconnecting client keep its name. */
    clientKey: z.string().min(1).max(200).optional(),
    kind: agentKindSchema,
    program: z.string().min(1).max(100).optional(),
    model: z.string().min(1).max(100).optional(),
  })
  .refine((p) => p.name !== undefined || p.clientKey !== undefined, {
    message: 'give a name or a clientKey (the name is generated from it)',
  });
export type AgentRegisterParams = z.input<typeof agentRegisterParamsSchema>;

export const agentHeartbeatParamsSchema = z.object({ agent: agentNameSchema });
export type AgentHeartbeatParams = z.input<typeof agentHeartbeatParamsSchema>;

export const agentListParamsSchema = z.object({
  includeInactive: z.boolean().default(true),
});
export type AgentListParams = z.input<typeof agentListParamsSchema>;

// ── reservations ────────────────────────────────────────────────────────────────────────────

export const lockReserveParamsSchema = z.object({
  agent: agentNameSchema,
  /** Paths or globs; entries starting with `!` carve exceptions out of every other entry. */
  patterns: z.array(patternSchema).min(1).max(100),
  shared: z.boolean().default(false),
  ttlSeconds: ttlSchema.default(3600),
  reason: reasonSchema.optional(),
  cell: cellIdSchema.optional(),
  /** A retried request with the same key returns the first result and writes nothing. */
  idempotencyKey: idSchema.optional(),
});
export type LockReserveParams = z.input<typeof lockReserveParamsSchema>;

export const lockRenewParamsSchema = z.object({
  agent: agentNameSchema,
  /** Patterns exactly as reserved; absent renews all of the agent's active reservations. */
  patterns: z.array(patternSchema).min(1).max(100).optional(),
  ttlSeconds: ttlSchema.default(3600),
});
export type LockRenewParams = z.input<typeof lockRenewParamsSchema>;

export const lockReleaseParamsSchema = z
  .object({
    agent: agentNameSchema,
    patterns: z.array(patternSchema).min(1).max(100).optional(),
    all: z.boolean().optional(),
  })
  .refine((p) => (p.patterns !== undefined) !== (p.all === true), {
    message: 'give patterns or all: true (not both)',
  });
export type LockReleaseParams = z.input<typeof lockReleaseParamsSchema>;

export const lockListParamsSchema = z.object({
  /** Only this holder's reservations. */
  holder: agentNameSchema.optional(),
  /** Only reservations covering this path. */
  path: pathSchema.optional(),
});
export type LockListParams = z.input<typeof lockListParamsSchema>;

export const lockCheckParamsSchema = z.object({
  /** The asking agent: its own reservations are reported as `mine` and never block. */
  agent: agentNameSchema.optional(),
  paths: z.array(pathSchema).min(1).max(10_000),
});
export type LockCheckParams = z.input<typeof lockCheckParamsSchema>;

export const lockForceReleaseParamsSchema = z.object({
  agent: agentNameSchema,
  /** The reservation to release. */
  id: idSchema,
  reason: reasonSchema.optional(),
});
export type LockForceReleaseParams = z.input<typeof lockForceReleaseParamsSchema>;

export const lockOverrideParamsSchema = z.object({
  /** Who edits anyway (usually the human). */
  agent: agentNameSchema,
  path: pathSchema,
  reason: reasonSchema.optional(),
});
export type LockOverrideParams = z.input<typeof lockOverrideParamsSchema>;

export const lockGuardParamsSchema = z.object({
  /** The committing agent; absent means the human. */
  agent: agentNameSchema.optional(),
  /** Staged paths, workspace-relative. */
  paths: z.array(pathSchema).max(100_000),
  /** APIARY_GUARD_BYPASS=1 was set: allow, and record the bypass when it mattered. */
  bypass: z.boolean().default(false),
});
export type LockGuardParams = z.input<typeof lockGuardParamsSchema>;

// ── mail ────────────────────────────────────────────────────────────────────────────────────

export const importanceSchema = z.enum(['low', 'normal', 'high', 'urgent']);

export const mailSendParamsSchema = z
  .object({
    from: agentNameSchema,
    to: z.array(agentNameSchema).min(1).max(100).optional(),
    broadcast: z.boolean().default(false),
    subject: z.string().min(1).max(200),
    /** Markdown. */
    body: z.string().max(64 * 1024).default(''),
    /** Thread to post in; absent starts a thread (its id is the message id), or joins replyTo's. */
    thread: idSchema.optional(),
    replyTo: idSchema.optional(),
    importance: importanceSchema.default('normal'),
    ackRequired: z.boolean().default(false),
    idempotencyKey: idSchema.optional(),
  })
  .refine((p) => (p.to !== undefined) !== (p.broadcast === true), {
    message: 'give recipients in to, or broadcast: true (not both)',
  });
export type MailSendParams = z.input<typeof mailSendParamsSchema>;

export const mailInboxParamsSchema = z.object({
  agent: agentNameSchema,
  unreadOnly: z.boolean().default(false),
  /** Acked messages are hidden unless asked for. */
  includeAcked: z.boolean().default(false),
  thread: idSchema.optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type MailInboxParams = z.input<typeof mailInboxParamsSchema>;

export const mailReadParamsSchema = z.object({
  agent: agentNameSchema,
  /** Messages to mark read; absent reads every unread message (oldest first, up to limit). */
  ids: z.array(idSchema).min(1).max(500).optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type MailReadParams = z.input<typeof mailReadParamsSchema>;

export const mailAckParamsSchema = z.object({
  agent: agentNameSchema,
  id: idSchema,
});
export type MailAckParams = z.input<typeof mailAckParamsSchema>;

export const mailThreadParamsSchema = z.object({
  /** When given, only threads this agent sent to or received from are shown. */
  agent: agentNameSchema.optional(),
  thread: idSchema,
});
export type MailThreadParams = z.input<typeof mailThreadParamsSchema>;

// ── deferred promises ───────────────────────────────────────────────────────────────────────

const deferredIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits, and . _ : - (starting with a letter or digit)');

export const deferredCreateParamsSchema = z.object({
  id: deferredIdSchema,
  /** What is awaited; any JSON. */
  data: z.unknown().optional(),
  timeoutMs: z.number().int().min(1).max(30 * 24 * 3600 * 1000).optional(),
  /** What a timeout settles it with (default: rejected, reason "timed out"). */
  onTimeout: z
    .discriminatedUnion('outcome', [
      z.object({ outcome: z.literal('resolved'), value: z.unknown().optional() }),
      z.object({ outcome: z.literal('rejected'), reason: z.string().max(500).optional() }),
    ])
    .optional(),
});
export type DeferredCreateParams = z.input<typeof deferredCreateParamsSchema>;

export const deferredResolveParamsSchema = z.object({ id: deferredIdSchema, value: z.unknown().optional() });
export type DeferredResolveParams = z.input<typeof deferredResolveParamsSchema>;

export const deferredRejectParamsSchema = z.object({ id: deferredIdSchema, reason: z.string().min(1).max(500) });
export type DeferredRejectParams = z.input<typeof deferredRejectParamsSchema>;

export const deferredGetParamsSchema = z.object({ id: deferredIdSchema });
export type DeferredGetParams = z.input<typeof deferredGetParamsSchema>;

export const deferredWaitParamsSchema = z.object({
  id: deferredIdSchema,
  /** Bounds only this wait (default 30 s); the deferred itself keeps its own timeout. */
  timeoutMs: z.number().int().min(0).max(10 * 60_000).default(30_000),
});
export type DeferredWaitParams = z.input<typeof deferredWaitParamsSchema>;
