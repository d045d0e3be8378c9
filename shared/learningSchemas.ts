// zod schemas for learning requests and MCP arguments (host side only).
import { z } from 'zod';

export const outcomeParamsSchema = z.object({
  kind: z.string().trim().min(1).max(64).transform((s) => s.toLowerCase()),
  strategy: z.enum(['file', 'feature', 'risk']).optional(),
  patterns: z.array(z.string().trim().min(1).max(300)).max(50).default([]),
  tier: z.enum(['small', 'medium', 'large']),
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
