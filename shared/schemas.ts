// Parameter schemas for host requests, declared once. Objects are strict: a misspelled field
// (say `expectedVersoin`) is refused rather than silently ignored. The host validates every request with
// them; protocol.ts imports only their inferred types, so the extension bundle carries no zod.
import { z } from 'zod';

export const expectedVersionSchema = z.union([
  z.enum(['any', 'no-stream', 'exists']),
  z.number().int().min(0),
]);

const streamName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9$][A-Za-z0-9_.:\-/$]*$/, 'letters, digits and _ . : - / $ only');

export const newEventSchema = z.strictObject({
  id: z.string().min(1).max(100).optional(),
  type: z.string().min(1).max(100).regex(/^[A-Za-z][A-Za-z0-9_.\-]*$/, 'a dotted name like note.added'),
  data: z.unknown(),
  causationId: z.string().max(100).nullable().optional(),
  correlationId: z.string().max(100).nullable().optional(),
});

export const appendParamsSchema = z.strictObject({
  stream: streamName,
  events: z.array(newEventSchema).min(1).max(1000),
  expectedVersion: expectedVersionSchema.default('any'),
});
export type AppendParams = z.input<typeof appendParamsSchema>;

export const readEventsParamsSchema = z.strictObject({
  from: z.number().int().min(1).default(1),
  to: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(10_000).default(1000),
  stream: streamName.optional(),
});
export type ReadEventsParams = z.input<typeof readEventsParamsSchema>;

export const replayParamsSchema = z
  .strictObject({
    to: z.number().int().min(0).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
    sql: z.string().min(1).max(10_000).optional(),
  })
  .refine((p) => !(p.to !== undefined && p.at !== undefined), { message: 'give either to or at, not both' });
export type ReplayParams = z.input<typeof replayParamsSchema>;

export const helloParamsSchema = z.strictObject({
  client: z.strictObject({
    name: z.string().min(1).max(100),
    kind: z.enum(['vscode-window', 'cli', 'mcp-bridge', 'test', 'other']),
    version: z.string().max(50).optional(),
  }),
  /** Minimum level of host log lines pushed to this session; absent means none. */
  logLevel: z.enum(['error', 'warn', 'info', 'debug']).optional(),
});
export type HelloParams = z.input<typeof helloParamsSchema>;

export const emptyParamsSchema = z.union([z.object({}).strict(), z.null(), z.undefined()]);
