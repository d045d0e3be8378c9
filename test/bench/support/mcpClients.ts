// The client side of the MCP benchmark: real SDK clients (`Client` + the Streamable HTTP client
// transport) over loopback HTTP, calling hive_ready and lock_check in loops (one call in flight
// per client). By default they run in child processes (support/child.ts), so that the clients'
// own work (HTTP, JSON, the SDK's schema checks) does not share the host's event loop: on a small
// machine the figure would otherwise measure the clients as much as the host. The parent paces
// the phases, so every process calls the same tool at the same time.
import fs from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { leanFetch } from './leanFetch';
import { now } from './stats';

/** How the clients make HTTP requests: `node-http` (leanFetch.ts, the default) or Node's global fetch (undici). */
export type ClientFetch = 'node-http' | 'undici';

export interface McpClientsSpec {
  url: string;
  /** The workspace's token file (read here, so the token never appears on a command line). */
  tokenFile: string;
  clients: number;
  /** Calls per tool across all clients, after the warm-up. */
  calls: number;
  warmup: number;
  fetch: ClientFetch;
}

export interface ToolFigures {
  p50: number;
  p99: number;
  mean: number;
  callsPerSecond: number;
  /** CPU time (user + system) the clients' processes spent per measured call, in ms. */
  clientCpuMs: number;
}

export type BenchTool = 'hive_ready' | 'lock_check';
export const BENCH_TOOLS: readonly BenchTool[] = ['hive_ready', 'lock_check'];

export type McpClientsReport = Record<BenchTool, ToolFigures>;

/** A concrete path for lock_check: half land in reserved trees, half in free ones. */
export function checkPath(i: number): string {
  return i % 2 === 0 ? `packages/p${i % 500}/src/m${i % 12}/f${i % 40}.ts` : `apps/a${i % 50}/lib/x${i % 30}.ts`;
}

function percentile(sorted: number[], p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

const CALLS: Record<BenchTool, (c: Client, i: number) => Promise<unknown>> = {
  hive_ready: (c) => c.callTool({ name: 'hive_ready', arguments: { limit: 10 } }),
  lock_check: (c, i) => c.callTool({ name: 'lock_check', arguments: { paths: [checkPath(i)] } }),
};

/** One round of calls in one process: latencies (ms) and the process's CPU time (ms). */
export interface RoundResult {
  samples: number[];
  cpuMs: number;
}

/** Connected clients in this process. */
export class ClientGroup {
  private constructor(
    private readonly clients: Client[],
    private readonly closeFetch: () => void,
  ) {}

  static async connect(spec: McpClientsSpec, count: number, firstIndex: number): Promise<ClientGroup> {
    const token = fs.readFileSync(spec.tokenFile, 'utf8').trim();
    const lean = spec.fetch === 'node-http' ? leanFetch() : undefined;
    const group = new ClientGroup([], () => lean?.close());
    try {
      for (let i = 0; i < count; i++) {
        const client = new Client({ name: `bench-${firstIndex + i}`, version: '1.0.0' });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(spec.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } }, ...(lean ? { fetch: lean } : {}) }),
        );
        group.clients.push(client);
      }
      const ready = (await group.clients[0]!.callTool({ name: 'hive_ready', arguments: { limit: 10 } })) as CallToolResult;
      if (ready.isError) throw new Error(`hive_ready refused: ${JSON.stringify(ready)}`);
    } catch (err) {
      await group.close();
      throw err;
    }
    return group;
  }

  /** `total` calls of one tool spread over the clients, each client calling in a loop; `offset` varies the arguments between processes. */
  async round(tool: BenchTool, total: number, offset: number): Promise<RoundResult> {
    const call = CALLS[tool];
    const samples: number[] = [];
    let next = 0;
    const cpu = process.cpuUsage();
    await Promise.all(
      this.clients.map(async (c) => {
        while (next < total) {
          const i = offset + next++;
          const t = now();
          const r = (await call(c, i)) as CallToolResult;
          samples.push(now() - t);
          if (r.isError) throw new Error(`${tool} failed: ${JSON.stringify(r.content)}`);
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    return { samples, cpuMs: (used.user + used.system) / 1000 };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.clients.map((c) => c.close()));
    this.closeFetch();
  }
}

/** Runs one round in every group at once (warm-up rounds are run and dropped by the caller). */
export type RoundRunner = (tool: BenchTool, callsPerGroup: number[]) => Promise<RoundResult[]>;

/** Splits `total` into `parts` near-equal shares. */
export function shares(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, k) => Math.floor(total / parts) + (k < total % parts ? 1 : 0));
}

/**
 * A warm-up round of every tool (so the first measured tool does not also pay for compiling the
 * shared call path), then the measured round of each; figures from every group's samples together.
 */
export async function measureRounds(spec: McpClientsSpec, groups: number, run: RoundRunner): Promise<McpClientsReport> {
  const report = {} as McpClientsReport;
  for (const tool of BENCH_TOOLS) await run(tool, shares(spec.warmup, groups));
  for (const tool of BENCH_TOOLS) {
    const started = now();
    const results = await run(tool, shares(spec.calls, groups));
    const seconds = (now() - started) / 1000;
    const sorted = results.flatMap((r) => r.samples).sort((a, b) => a - b);
    report[tool] = {
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
      callsPerSecond: spec.calls / seconds,
      clientCpuMs: results.reduce((a, r) => a + r.cpuMs, 0) / spec.calls,
    };
  }
  return report;
}

/** Every client in this process (the `in-process` setup). */
export async function runMcpClients(spec: McpClientsSpec): Promise<McpClientsReport> {
  const group = await ClientGroup.connect(spec, spec.clients, 0);
  try {
    return await measureRounds(spec, 1, async (tool, [calls]) => [await group.round(tool, calls!, 0)]);
  } finally {
    await group.close();
  }
}
