// MCP tools for shared memory: store (an upsert), find, validate, forget.
import { z } from 'zod';
import type { Memory } from '../../shared/memory';
import { defineTool, type McpTool } from '../mcp/tool';
import type { MemoryService } from './service';

const compact = (m: Memory): Record<string, unknown> => ({
  id: m.id,
  text: m.text,
  ...(m.tags.length ? { tags: m.tags } : {}),
  confidence: m.confidence,
  by: m.origin.agent,
  ...(m.cells.length ? { cells: m.cells } : {}),
  validated: m.validatedAt.slice(0, 10),
});

const tag = z.string().trim().toLowerCase().min(1).max(40).regex(/^[a-z0-9][a-z0-9._-]*$/);

export function memoryTools(svc: () => MemoryService | undefined): McpTool[] {
  const need = (): MemoryService => {
    const s = svc();
    if (!s) throw new Error('the memory service is not running');
    return s;
  };
  return [
    defineTool({
      name: 'memory_store',
      description:
        'Remember something the next agent should know about this repository (a convention, a pitfall, how to run something). If a near-identical memory exists it is updated instead (answer: added | updated | unchanged).',
      input: z.strictObject({
        text: z.string().min(3).max(4000).describe('One self-contained fact or lesson'),
        tags: z.array(tag).max(20).optional(),
        confidence: z.number().min(0).max(1).optional().describe('How sure you are, default 0.7'),
        cell: z.string().min(1).max(100).optional().describe('Hive cell this was learned in'),
      }),
      profile: 'core',
      annotations: { title: 'Store memory', destructiveHint: false, idempotentHint: true, openWorldHint: false },
      async handler(args, call) {
        const r = await need().store({ text: args.text, tags: args.tags ?? [], ...(args.confidence !== undefined ? { confidence: args.confidence } : {}), ...(args.cell ? { cell: args.cell } : {}) }, call.agent.name);
        return { action: r.action, memory: compact(r.memory), ...(r.similarity !== undefined ? { similarity: r.similarity } : {}) };
      },
    }),
    defineTool({
      name: 'memory_find',
      description: 'Search what agents remembered about this repository. Ask in your own words; results are ranked by relevance, freshness and confidence.',
      input: z.strictObject({
        query: z.string().min(1).max(1000),
        limit: z.number().int().min(1).max(50).optional().describe('Default 5'),
        tags: z.array(tag).max(20).optional().describe('Only memories with one of these tags'),
      }),
      profile: 'core',
      annotations: { title: 'Find memories', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      async handler(args) {
        const r = await need().find({ query: args.query, limit: args.limit ?? 5, ...(args.tags ? { tags: args.tags } : {}) });
        return { hits: r.hits.map((h) => ({ ...compact(h.memory), score: h.score })) };
      },
    }),
    defineTool({
      name: 'memory_validate',
      description: 'Confirm a memory still holds (it then ranks as fresh again). Call it when a memory you used turned out right.',
      input: z.strictObject({ id: z.string().min(1).max(64) }),
      profile: 'full',
      annotations: { title: 'Validate memory', destructiveHint: false, idempotentHint: true, openWorldHint: false },
      async handler(args, call) {
        return { memory: compact(await need().validate(args.id, call.agent.name)) };
      },
    }),
    defineTool({
      name: 'memory_forget',
      description: 'Delete a memory that is wrong or obsolete.',
      input: z.strictObject({ id: z.string().min(1).max(64), reason: z.string().max(500).optional() }),
      profile: 'full',
      annotations: { title: 'Forget memory', destructiveHint: true, idempotentHint: false, openWorldHint: false },
      async handler(args, call) {
        return need().forget(args.id, call.agent.name, args.reason);
      },
    }),
  ];
}
