// The MCP benchmark (`apiary bench mcp`): a real agent host (every production feature, durable
// log, sql.js read models) holding a hive of 10,000 cells and 1,000 active reservations, and
// eight real SDK clients over loopback Streamable HTTP calling at once (from child processes, so
// the figure is the host's, not the clients' — see support/mcpClients.ts; their HTTP is a
// keep-alive node:http fetch, support/leanFetch.ts, unless APIARY_BENCH_MCP_FETCH=undici):
//   • hive_ready and lock_check: tool-call latency p50 (goal ≤ 2 ms) and p99 (goal ≤ 10 ms),
//     and throughput across the eight clients (goal ≥ 2,000 calls/s).
// The state is seeded through the services in process (one bulk import, reservations in
// batches), not one MCP call each. For scale: mcp_agent_mail publishes 118 ms mean for send_message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CellRecord } from '../../shared/hive';
import { Host } from '../../server/host/host';
import { hostFeatures } from '../../server/main';
import { progress } from './support/progress';
import { round, type BenchResult, type Metric } from './support/result';
import { runMcpClientsInProcesses } from './support/mcpClientProcesses';
import { BENCH_TOOLS, runMcpClients, type ClientFetch, type McpClientsSpec } from './support/mcpClients';

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

/** Default number of client processes; see clientProcesses. */
const CLIENT_PROCESSES = 1;

/**
 * Where the clients run: `APIARY_BENCH_MCP_CLIENTS=N` spreads them over N child processes
 * (default CLIENT_PROCESSES); `in-process` puts them beside the host (0 here), for A/B.
 */
function clientProcesses(clients: number): number {
  const v = process.env.APIARY_BENCH_MCP_CLIENTS;
  if (v === undefined || v === '') return CLIENT_PROCESSES;
  if (v === 'in-process') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > clients) throw new Error(`APIARY_BENCH_MCP_CLIENTS must be in-process or 1..${clients}, not ${JSON.stringify(v)}`);
  return n;
}

/** The clients' HTTP: a keep-alive node:http fetch by default; `APIARY_BENCH_MCP_FETCH=undici` gives them Node's global fetch (the SDK's default). */
function clientFetch(): ClientFetch {
  const v = process.env.APIARY_BENCH_MCP_FETCH;
  if (v === undefined || v === '' || v === 'node-http') return 'node-http';
  if (v === 'undici') return 'undici';
  throw new Error(`APIARY_BENCH_MCP_FETCH must be node-http or undici, not ${JSON.stringify(v)}`);
}

export async function benchMcp(sizes: McpBenchSizes = SIZES): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-bench-mcp-'));
  const host = await Host.start({ workspace: dir, features: hostFeatures(), sink: () => {}, logLevel: 'warn' });
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

    const spec: McpClientsSpec = {
      url: host.info().mcp!.url,
      tokenFile: path.join(dir, '.apiary', 'token'),
      clients: sizes.clients,
      calls: sizes.calls,
      warmup: sizes.warmup,
      fetch: clientFetch(),
    };
    const processes = clientProcesses(sizes.clients);
    const inProcess = processes === 0;
    const where = inProcess ? 'in the host\'s process' : `in ${processes} child process${processes > 1 ? 'es' : ''}, apart from the host`;
    const http = spec.fetch === 'node-http' ? 'a keep-alive node:http fetch' : 'Node\'s global fetch (undici)';
    progress(`hive_ready, then lock_check × ${sizes.calls} over ${sizes.clients} clients (${where}; HTTP by ${http})`);
    // The host's CPU time per call: unlike latency and throughput, it hardly moves with other load on the machine.
    const cpu = process.cpuUsage();
    const report = inProcess ? await runMcpClients(spec) : await runMcpClientsInProcesses(spec, processes);
    const used = process.cpuUsage(cpu);
    const hostCpuMs = (used.user + used.system) / 1000 / (2 * (sizes.calls + sizes.warmup) + sizes.clients);

    const metrics: Record<string, Metric> = {};
    for (const tool of BENCH_TOOLS) {
      const f = report[tool];
      metrics[`${tool} p50`] = { value: round(f.p50, 3), unit: 'ms', goal: '<= 2 ms' };
      metrics[`${tool} p99`] = { value: round(f.p99, 3), unit: 'ms', goal: '<= 10 ms' };
      metrics[`${tool} throughput`] = { value: round(f.callsPerSecond), unit: 'calls/s', goal: '>= 2000 calls/s' };
      metrics[`${tool} mean`] = { value: round(f.mean, 3), unit: 'ms', goal: 'informational (mcp_agent_mail publishes 118 ms mean for send_message)' };
    }
    metrics['host CPU per call'] = {
      value: round(hostCpuMs, 3),
      unit: 'ms',
      goal: `informational (host process, every call and warm-up${inProcess ? ', clients included' : ''}; ~1000/x calls/s per core)`,
    };
    if (!inProcess) {
      for (const tool of BENCH_TOOLS) {
        metrics[`${tool} client CPU per call`] = { value: round(report[tool].clientCpuMs, 3), unit: 'ms', goal: 'informational (the clients\' processes, on the same cores)' };
      }
    }
    metrics.cells = { value: sizes.cells, unit: 'cells', goal: 'informational' };
    metrics.reservations = { value: held, unit: 'reservations', goal: 'informational' };
    metrics.clients = { value: sizes.clients, unit: 'concurrent clients', goal: `informational (SDK Client + StreamableHTTPClientTransport over loopback, ${where}; HTTP by ${http})` };
    return { name: 'mcp', metrics };
  } finally {
    await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
