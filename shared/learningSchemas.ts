// zod schemas for learning requests and MCP arguments (host side only).
import { z } from 'zod';

export const tierSchema = z.enum(['small', 'medium', 'large']);

/** A model id as an agent or its client reports it ("claude-sonnet-4-5", "anthropic/claude-opus-4.1", …). */
export const modelIdSchema = z
  .string()
  .trim()
  .min(1, 'the model id is empty')
  .max(200)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'a model id is one line of printable text');

export const outcomeParamsSchema = z.object({
  kind: z.string().trim().min(1).max(64).transform((s) => s.toLowerCase()),
  strategy: z.enum(['file', 'feature', 'risk']).optional(),
  patterns: z.array(z.string().trim().min(1).max(300)).max(50).default([]),
  /** Absent: the tier is taken from `model`, or stays unknown (the outcome then leaves the router alone). */
  tier: tierSchema.optional(),
  /** The model that did the work; recorded, and mapped to a tier when `tier` is absent. */
  model: modelIdSchema.optional(),
  success: z.boolean(),
  durationMs: z.number().int().nonnegative().default(0),
  errors: z.number().int().nonnegative().default(0),
  retries: z.number().int().nonnegative().default(0),
  tokens: z.number().int().nonnegative().default(0),
  costUsd: z.number().nonnegative().default(0),
  at: z.iso.datetime().optional(),
  cell: z.string().max(100).optional(),
  neededHuman: z.boolean().optional(),
  filesChanged: z.number().int().nonnegative().optional(),
  verificationOutput: z.string().max(200_000).optional(),
});
export type OutcomeParams = z.input<typeof outcomeParamsSchema>;
