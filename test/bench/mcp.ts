// The MCP benchmark (`apiary bench mcp`): a real agent host (every production feature, durable
// log, sql.js read models) holding a hive of 10,000 cells and 1,000 active reservations, and
// eight real SDK clients over loopback Streamable HTTP calling at once:
//   • hive_ready and lock_check: tool-call latency p50 (goal ≤ 2 ms) and p99 (goal ≤ 10 ms),
//     and throughput across the eight clients (goal ≥ 2,000 calls/s).
// The state is seeded through the services in process (one bulk import, reservations in
// batches), not one MCP call each. For scale: mcp_agent_mail publishes 118 ms mean for send_message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CellRecord } from '../../shared/hive';
import { Host } from '../../server/host/host';
import { hostFeatures } from '../../server/main';
import { progress } from './support/progress';
import { round, type BenchResult, type Metric } from './support/result';
import { now } from './support/stats';

export interface McpBenchSizes {
  cells: number;
  reservations: number;
  clients: number;
  /** Calls per tool across all clients, after the warm-up. */
  calls: number;
  warmup: number;
}

const SIZES: McpBenchSizes = { cells: 10_000, reservations: 1000, clients: 8, calls: 8000, warmup: 800 };
const SEED_AGENTS = 10;
const T0 = Date.parse('2026-03-02T09:00:00.000Z');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 10,000 cells: a fifth closed, a third blocked by an older cell, the rest spread over priorities. */
function cellRecords(n: number): CellRecord[] {
  const rand = rng(7);
  const at = new Date(T0).toISOString();
  const id = (i: number) => `bench-${i.toString(36)}`;
  return Array.from({ length: n }, (_, i) => {
    const closed = rand() < 0.2;
    const blocked = i > 0 && rand() < 0.33;
    return {
      id: id(i),
      title: `Cell ${i}: adjust module m${i % 97}`,
      description: '',
      type: i % 7 === 0 ? 'bug' : 'task',
      status: closed ? 'closed' : 'open',
      priority: (i % 5) as CellRecord['priority'],
      parent: null,
      assignee: null,
      labels: i % 3 === 0 ? ['backend'] : [],
      files: [`packages/p${i % 60}/src/m${i % 12}/f${i % 40}.ts`],
      dependencies: blocked ? [{ dependsOn: id(Math.floor(rand() * i)), type: 'blocks', createdAt: at, createdBy: 'bench' }] : [],
      comments: [],
      metadata: {},
      createdAt: at,
      updatedAt: at,
      closedAt: closed ? at : null,
      closeReason: closed ? 'done' : null,
      deletedAt: null,
      deleteReason: null,
    };
  });
}

/** A concrete path for lock_check: half land in reserved trees, half in free ones. */
function checkPath(i: number): string {
  return i % 2 === 0 ? `packages/p${i % 500}/src/m${i % 12}/f${i % 40}.ts` : `apps/a${i % 50}/lib/x${i % 30}.ts`;
}

function percentile(sorted: number[], p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

interface ToolFigures {
  p50: number;
  p99: number;
  mean: number;
  callsPerSecond: number;
}

/** `total` calls of one tool spread over the clients, each client calling in a loop (one call in flight per client). */
async function drive(clients: Client[], total: number, call: (c: Client, i: number) => Promise<unknown>): Promise<{ samples: number[]; seconds: number }> {
  const samples: number[] = [];
  let next = 0;
  const started = now();
  await Promise.all(
    clients.map(async (c) => {
      while (next < total) {
        const i = next++;
        const t = now();
        const r = (await call(c, i)) as CallToolResult;
        samples.push(now() - t);
        if (r.isError) throw new Error(`tool call failed: ${JSON.stringify(r.content)}`);
      }
    }),
  );
  return { samples, seconds: (now() - started) / 1000 };
}

async function measure(clients: Client[], sizes: McpBenchSizes, call: (c: Client, i: number) => Promise<unknown>): Promise<ToolFigures> {
  await drive(clients, sizes.warmup, call);
  const { samples, seconds } = await drive(clients, sizes.calls, call);
  const sorted = samples.sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    callsPerSecond: sizes.calls / seconds,
  };
}

export async function benchMcp(sizes: McpBenchSizes = SIZES): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-bench-mcp-'));
  const host = await Host.start({ workspace: dir, features: hostFeatures(), sink: () => {}, logLevel: 'warn' });
  const clients: Client[] = [];
  try {
    progress(`seeding ${sizes.cells} cells and ${sizes.reservations} reservations`);
    const hive = host.ctx.services.get('hive');
    const coordination = host.ctx.services.get('coordination');
    await hive.importRecords(cellRecords(sizes.cells), 'jsonl');
    const perAgent = Math.ceil(sizes.reservations / SEED_AGENTS);
    for (let a = 0; a < SEED_AGENTS; a++) {
      const agent = `Seeder${a}`;
      await coordination.register({ name: agent, kind: 'cli' });
      const patterns: string[] = [];
      for (let k = 0; k < perAgent && a * perAgent + k < sizes.reservations; k++) {
        const i = a * perAgent + k;
        patterns.push(`packages/p${i % 500}/src/m${Math.floor(i / 500)}/**`);
      }
      for (let b = 0; b < patterns.length; b += 100) {
        await coordination.reserve({ agent, patterns: patterns.slice(b, b + 100), shared: false, ttlSeconds: 7 * 24 * 3600 });
      }
    }
    const held = coordination.counts().activeLocks;
    if (held < sizes.reservations) throw new Error(`seeded ${held} reservations, wanted ${sizes.reservations}`);

    const url = host.info().mcp!.url;
    const token = fs.readFileSync(path.join(dir, '.apiary', 'token'), 'utf8').trim();
    for (let i = 0; i < sizes.clients; i++) {
      const client = new Client({ name: `bench-${i}`, version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
      clients.push(client);
    }
    const ready = await clients[0]!.callTool({ name: 'hive_ready', arguments: { limit: 10 } });
    if ((ready as CallToolResult).isError) throw new Error(`hive_ready refused: ${JSON.stringify(ready)}`);

    progress(`hive_ready × ${sizes.calls} over ${sizes.clients} clients`);
    const readyFigures = await measure(clients, sizes, (c) => c.callTool({ name: 'hive_ready', arguments: { limit: 10 } }));
    progress(`lock_check × ${sizes.calls} over ${sizes.clients} clients`);
    const checkFigures = await measure(clients, sizes, (c, i) => c.callTool({ name: 'lock_check', arguments: { paths: [checkPath(i)] } }));

    const metrics: Record<string, Metric> = {};
    for (const [tool, f] of [['hive_ready', readyFigures], ['lock_check', checkFigures]] as const) {
      metrics[`${tool} p50`] = { value: round(f.p50, 3), unit: 'ms', goal: '<= 2 ms' };
      metrics[`${tool} p99`] = { value: round(f.p99, 3), unit: 'ms', goal: '<= 10 ms' };
      metrics[`${tool} throughput`] = { value: round(f.callsPerSecond), unit: 'calls/s', goal: '>= 2000 calls/s' };
      metrics[`${tool} mean`] = { value: round(f.mean, 3), unit: 'ms', goal: 'informational (mcp_agent_mail publishes 118 ms mean for send_message)' };
    }
    metrics.cells = { value: sizes.cells, unit: 'cells', goal: 'informational' };
    metrics.reservations = { value: held, unit: 'reservations', goal: 'informational' };
    metrics.clients = { value: sizes.clients, unit: 'concurrent clients', goal: 'informational' };
    return { name: 'mcp', metrics };
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
    await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
