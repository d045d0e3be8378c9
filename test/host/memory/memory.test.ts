// Shared memory and the learning loop through the host: MCP tools as an outside agent uses them,
// the JSON-RPC requests, the `apiary memory` verbs as a child process, a team sharing memories
// through .hive/memories.jsonl, and an embeddings endpoint (a tiny local OpenAI-compatible server).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { LearningReportRequest } from '../../../shared/learning';
import { MemoryFindRequest, type MemoryFindResult, type MemoryStoreResult } from '../../../shared/memory';
import { Host } from '../../../server/host/host';
import { hostFeatures } from '../../../server/main';
import { cleanUp, connect as connectRpc, ensureCliBuilt, jsonOf, readAllEvents, runCli, tempWorkspace, type Client } from '../../support/host';
import { call, connect as connectMcp } from '../mcp/helpers';

interface Running {
  host: Host;
  workspace: string;
  rpc: Client;
  mcp: McpClient;
  stop(): Promise<void>;
}

async function start(workspace = tempWorkspace()): Promise<Running> {
  const host = await Host.start({ workspace, features: hostFeatures(), sink: () => {}, logLevel: 'warn' });
  const rpc = await connectRpc(host.info().socket, 'test');
  const token = fs.readFileSync(path.join(workspace, '.apiary', 'token'), 'utf8').trim();
  const mcp = await connectMcp(host.info().mcp!.url, token, 'agent-one');
  return {
    host,
    workspace,
    rpc,
    mcp,
    async stop() {
      await mcp.close().catch(() => {});
      rpc.conn.dispose();
      await host.stop();
    },
  };
}

const memoryEvents = async (h: Running) => (await readAllEvents(h.rpc.conn)).filter((e) => e.type.startsWith('memory.') || e.type.startsWith('learning.'));

describe('shared memory and the learning loop in the host', function () {
  this.timeout(60_000);
  let h: Running;
  beforeEach(async () => {
    h = await start();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('stores, updates a paraphrase, finds, validates and forgets through MCP tools', async () => {
    const a = await call(h.mcp, 'memory_store', { text: 'Run the unit tests with npm test before committing', tags: ['testing'] });
    assert.equal(a.body.action, 'added');
    const id = (a.body.memory as { id: string }).id;
    const b = await call(h.mcp, 'memory_store', { text: 'Before you commit, execute npm test to run the specs', confidence: 0.9 });
    assert.deepEqual([b.body.action, (b.body.memory as { id: string }).id], ['updated', id]);
    const found = await call(h.mcp, 'memory_find', { query: 'what to run prior to a commit' });
    const hits = found.body.hits as Array<{ id: string; by: string; confidence: number }>;
    assert.deepEqual([hits.length, hits[0]!.id, hits[0]!.confidence], [1, id, 0.9]);
    const agent = hits[0]!.by;
    assert.equal((await call(h.mcp, 'memory_validate', { id })).isError, false);
    assert.deepEqual((await call(h.mcp, 'memory_forget', { id, reason: 'we use CI now' })).body, { id, forgotten: true });
    const after = await h.rpc.conn.sendRequest(MemoryFindRequest, { query: 'npm test' });
    assert.equal(after.hits.length, 0);
    assert.deepEqual((await memoryEvents(h)).map((e) => [e.type, e.actor]), [
      ['memory.stored', agent],
      ['memory.updated', agent],
      ['memory.validated', agent],
      ['memory.forgotten', agent],
    ]);
  });

  it('turns two agents storing the same lesson at once into one memory', async () => {
    const other = await connectMcp(h.host.info().mcp!.url, fs.readFileSync(path.join(h.workspace, '.apiary', 'token'), 'utf8').trim(), 'agent-two');
    try {
      const [a, b] = await Promise.all([
        call(h.mcp, 'memory_store', { text: 'Use pnpm to install dependencies, never npm' }),
        call(other, 'memory_store', { text: 'Install dependencies with pnpm, not npm' }),
      ]);
      assert.deepEqual([a.body.action, b.body.action].sort(), ['added', 'updated']);
      assert.equal((await h.rpc.conn.sendRequest(MemoryFindRequest, { query: 'pnpm' })).hits.length, 1);
    } finally {
      await other.close();
    }
  });

  it('refuses bad memory input with a structured error and writes nothing', async () => {
    const bad = await call(h.mcp, 'memory_store', { text: 'x', confidence: 3 });
    assert.equal(bad.isError, true);
    const unknown = await call(h.mcp, 'memory_validate', { id: 'mem-nope' });
    assert.equal(unknown.isError, true);
    assert.match(JSON.stringify(unknown.raw.content), /not_found.*memory_find/);
    assert.deepEqual(await memoryEvents(h), []);
  });

  it('learns from swarm_record_outcome: a failing strategy turns into an AVOID line and advice moves on', async () => {
    let last: Record<string, unknown> = {};
    for (let i = 0; i < 3; i++) {
      last = (await call(h.mcp, 'swarm_record_outcome', { kind: 'Refactor', tier: 'small', success: false, strategy: 'file', patterns: ['one subtask per file'], errors: 2 })).body;
    }
    assert.deepEqual(last.antiPatterns, ['AVOID: one subtask per file (failed 100% of 3 attempts)']);
    const learning = h.host.ctx.services.get('learning');
    const advice = learning.strategyAdvice('refactor');
    assert.notEqual(advice.strategy, 'file');
    assert.match(advice.promptText, /AVOID: file-based decomposition .* for refactor tasks/);
    const report = await h.rpc.conn.sendRequest(LearningReportRequest);
    assert.equal(report.outcomes, 3);
    assert.deepEqual(report.antiPatterns.map((a) => a.pattern), ['one subtask per file']);
    assert.deepEqual(report.router.kinds[0]!.tiers.find((t) => t.tier === 'small'), { tier: 'small', pulls: 3, meanReward: 0, successRate: 0 });
    assert.ok(report.trust, 'the approvals service runs in this host, so trust is reported');

    const bad = await call(h.mcp, 'swarm_record_outcome', { kind: 'refactor', tier: 'huge', success: true });
    assert.equal(bad.isError, true);
    assert.equal((await memoryEvents(h)).length, 3);
  });

  it('shares memories through .hive/memories.jsonl between workspaces', async () => {
    await call(h.mcp, 'memory_store', { text: 'Money amounts are integers in cents', tags: ['money'] });
    await call(h.mcp, 'memory_store', { text: 'The websocket server listens on port 8081' });
    const exported = await runCliIn(h, ['memory', 'export', '--json']);
    assert.deepEqual(exported, { path: path.join('.hive', 'memories.jsonl'), count: 2 });
    const other = await start();
    try {
      fs.mkdirSync(path.join(other.workspace, '.hive'), { recursive: true });
      fs.copyFileSync(path.join(h.workspace, '.hive', 'memories.jsonl'), path.join(other.workspace, '.hive', 'memories.jsonl'));
      assert.deepEqual(await runCliIn(other, ['memory', 'import', '--json']), { added: 2, updated: 0, unchanged: 0 });
      assert.deepEqual(await runCliIn(other, ['memory', 'import', '--json']), { added: 0, updated: 0, unchanged: 2 });
      const found = (await runCliIn(other, ['memory', 'find', 'currency values', '--json'])) as unknown as MemoryFindResult;
      assert.equal(found.hits[0]!.memory.text, 'Money amounts are integers in cents');
      assert.equal(fs.readFileSync(path.join(other.workspace, '.hive', 'memories.jsonl'), 'utf8'), fs.readFileSync(path.join(h.workspace, '.hive', 'memories.jsonl'), 'utf8'));
    } finally {
      await other.stop();
    }
  });
});

async function runCliIn(h: Running, args: string[]): Promise<Record<string, unknown>> {
  const r = await runCli([...args, '--workspace', h.workspace]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return jsonOf(r);
}

describe('the memory verbs', function () {
  this.timeout(60_000);
  let h: Running;
  before(ensureCliBuilt);
  beforeEach(async () => {
    h = await start();
  });
  afterEach(async () => {
    await h.stop();
    await cleanUp();
  });

  it('stores and finds with --json, and prints readable text without it', async () => {
    const stored = (await runCliIn(h, ['memory', 'store', 'Use pnpm, not npm, to install dependencies', '--tags', 'deps,tooling', '--confidence', '0.8', '--cell', 'hv-4', '--json'])) as unknown as MemoryStoreResult;
    assert.equal(stored.action, 'added');
    assert.deepEqual([stored.memory.tags, stored.memory.cells, stored.memory.origin.cell, stored.memory.confidence], [['deps', 'tooling'], ['hv-4'], 'hv-4', 0.8]);
    const again = await runCli(['memory', 'store', 'use pnpm, not npm, to install dependencies', '--tags', 'deps,tooling', '--confidence', '0.8', '--cell', 'hv-4', '--workspace', h.workspace]);
    assert.match(again.stdout, /^Already known \(similarity 1\); nothing stored/);
    const text = await runCli(['memory', 'find', 'which package manager adds a library', '--limit', '3', '--workspace', h.workspace]);
    assert.match(text.stdout, /mem-[0-9a-f]+ {2}Use pnpm, not npm, to install dependencies \[deps, tooling\]/);
  });

  it('refuses bad input: invalid values exit 1 with a JSON error and store nothing; usage errors exit 2', async () => {
    const r = await runCli(['memory', 'store', 'Some lesson here', '--confidence', '5', '--json', '--workspace', h.workspace]);
    assert.equal(r.code, 1);
    const err = jsonOf<{ error: { code: string; message: string } }>(r).error;
    assert.equal(err.code, 'invalid_params');
    assert.match(err.message, /confidence/);
    assert.equal((await runCli(['memory', 'find', '--workspace', h.workspace])).code, 2);
    assert.equal((await runCli(['memory', 'frobnicate', '--workspace', h.workspace])).code, 2);
    const forget = await runCli(['memory', 'forget', 'mem-unknown', '--json', '--workspace', h.workspace]);
    assert.equal(forget.code, 1);
    assert.equal(jsonOf<{ error: { code: string } }>(forget).error.code, 'not_found');
    assert.deepEqual(await memoryEvents(h), []);
  });
});

describe('memory with an embeddings endpoint', function () {
  this.timeout(60_000);
  // An OpenAI-compatible /embeddings that maps words to a few meaning axes, so "automobile" and "car" land together.
  const AXES = [['car', 'automobile', 'vehicle', 'truck'], ['fast', 'quick', 'speed'], ['red', 'crimson', 'scarlet'], ['cheap', 'inexpensive', 'budget']];
  const embed = (text: string) => AXES.map((words) => words.reduce((n, w) => n + (text.toLowerCase().includes(w) ? 1 : 0), 0) + 0.01);
  let server: http.Server;
  let requests = 0;
  const saved = { ...process.env };

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests++;
        const input = (JSON.parse(body) as { input: string[] }).input;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: input.map((t, index) => ({ index, embedding: embed(t) })) }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    process.env.APIARY_EMBEDDINGS_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(async () => {
    process.env = saved;
    await new Promise((r) => server.close(r));
  });

  it('fuses vector similarity with the lexical ranking', async () => {
    const h = await start();
    try {
      await call(h.mcp, 'memory_store', { text: 'The crimson automobile in the garage belongs to Dana' });
      await call(h.mcp, 'memory_store', { text: 'Lunch orders close at eleven' });
      await h.host.ctx.services.get('memory').ready();
      const r = await h.rpc.conn.sendRequest(MemoryFindRequest, { query: 'red car' });
      assert.equal(r.vector, true);
      assert.equal(r.hits[0]!.memory.text, 'The crimson automobile in the garage belongs to Dana');
      assert.deepEqual(r.hits[0]!.via, ['vector']);
      assert.ok(requests >= 2);
    } finally {
      await h.stop();
    }
  });
});
