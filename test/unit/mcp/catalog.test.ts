import assert from 'node:assert/strict';
import { z } from 'zod';
import { ApiaryError } from '../../../shared/errors';
import { Catalog } from '../../../server/mcp/catalog';
import { errorData, invalidArguments, toolError, toolResult } from '../../../server/mcp/results';
import { defineTool, type McpTool } from '../../../server/mcp/tool';

const tool = (name: string, profile: 'core' | 'full' = 'full', extra: Partial<McpTool> = {}): McpTool =>
  defineTool({
    name,
    description: `does ${name}`,
    input: z.object({ id: z.string().describe('the id'), limit: z.number().int().default(10) }),
    profile,
    handler: async () => null,
    ...extra,
  });

describe('the MCP tool catalog', () => {
  it('lists every tool in the full profile and only core tools in the core profile', () => {
    const c = new Catalog([tool('hive_ready', 'core'), tool('hive_create'), tool('lock_reserve', 'core')], []);
    assert.deepEqual(c.toolNames('full'), ['hive_ready', 'hive_create', 'lock_reserve']);
    assert.deepEqual(c.toolNames('core'), ['hive_ready', 'lock_reserve']);
  });

  it('advertises the input schema as JSON Schema: what a caller must send, defaults optional, no $schema', () => {
    const [l] = new Catalog([tool('hive_show')], []).list('full');
    assert.equal(l!.inputSchema.type, 'object');
    assert.equal(l!.inputSchema.$schema, undefined);
    assert.deepEqual(l!.inputSchema.required, ['id']);
    assert.deepEqual((l!.inputSchema.properties as Record<string, unknown>).id, { type: 'string', description: 'the id' });
    assert.equal(l!.outputSchema, undefined);
  });

  it('refuses tool names that are not snake_case with a domain prefix, and duplicates', () => {
    for (const bad of ['ready', 'hiveReady', 'Hive_ready', 'hive-ready', 'hive_']) assert.throws(() => new Catalog([tool(bad)], []), /snake_case/, bad);
    assert.throws(() => new Catalog([tool('hive_ready'), tool('hive_ready')], []), /twice/);
    const r = { uri: 'apiary://x', name: 'x', description: '', dependsOn: [], read: async () => null };
    assert.throws(() => new Catalog([], [r, r]), /twice/);
  });
});

describe('tool results on the wire', () => {
  it('are compact JSON text, with structuredContent only when asked and only for objects', () => {
    assert.deepEqual(toolResult({ a: [1, 2] }, false), { content: [{ type: 'text', text: '{"a":[1,2]}' }] });
    assert.deepEqual(toolResult({ a: 1 }, true).structuredContent, { a: 1 });
    assert.equal(toolResult([1], true).structuredContent, undefined);
    assert.deepEqual(toolResult(undefined, false).content, [{ type: 'text', text: 'null' }]);
  });

  it('carry a refusal as isError with the structured error a model can act on', () => {
    const err = new ApiaryError('conflict', 'src/a.ts is reserved by BlueLake', 'Wait until 12:00 or ask BlueLake by mail.', { holder: 'BlueLake', until: '12:00' });
    const r = toolError(errorData(err));
    assert.equal(r.isError, true);
    assert.deepEqual(JSON.parse((r.content[0] as { text: string }).text), {
      error: { code: 'conflict', message: 'src/a.ts is reserved by BlueLake', hint: 'Wait until 12:00 or ask BlueLake by mail.', details: { holder: 'BlueLake', until: '12:00' } },
    });
  });

  it('report unexpected failures as internal, without a stack', () => {
    const d = errorData(new TypeError('x is undefined'));
    assert.equal(d.code, 'internal');
    assert.match(d.message, /x is undefined/);
    assert.ok(!/at /.test(d.message));
    assert.match(d.hint ?? '', /log/);
  });

  it('describe bad arguments field by field', () => {
    const parsed = z.object({ id: z.string(), n: z.number() }).safeParse({ n: 'x' });
    assert.ok(!parsed.success);
    const e = invalidArguments('hive_show', parsed.error);
    assert.equal(e.code, 'invalid_params');
    assert.match(e.message, /hive_show: id: .*; n: /);
    assert.equal((e.details!.issues as string[]).length, 2);
  });
});
