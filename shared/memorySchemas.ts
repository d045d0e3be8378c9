// zod schemas for memory requests and MCP arguments (host side only).
import { z } from 'zod';

const tag = z.string().trim().toLowerCase().min(1).max(40).regex(/^[a-z0-9][a-z0-9._-]*$/, 'tags are lower-case words, digits, . _ -');

export const memoryStoreParamsSchema = z.object({
  text: z.string().trim().min(3, 'a memory needs at least a few words').max(4000),
  tags: z.array(tag).max(20).default([]),
  confidence: z.number().min(0).max(1).default(0.7),
  cell: z.string().trim().min(1).max(100).optional(),
  cells: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
});
export const memoryFindParamsSchema = z.object({
  query: z.string().trim().min(1).max(1000),
  limit: z.number().int().min(1).max(100).default(5),
  tags: z.array(tag).max(20).optional(),
});
export const memoryValidateParamsSchema = z.object({ id: z.string().trim().min(1).max(64) });
export const memoryForgetParamsSchema = z.object({ id: z.string().trim().min(1).max(64), reason: z.string().max(500).optional() });
export const memoryExportParamsSchema = z.object({});
export const memoryImportParamsSchema = z.object({});

export type MemoryStoreParams = z.input<typeof memoryStoreParamsSchema>;
export type MemoryFindParams = z.input<typeof memoryFindParamsSchema>;
export type MemoryValidateParams = z.input<typeof memoryValidateParamsSchema>;
export type MemoryForgetParams = z.input<typeof memoryForgetParamsSchema>;
export type MemoryExportParams = z.input<typeof memoryExportParamsSchema>;
export type MemoryImportParams = z.input<typeof memoryImportParamsSchema>;
