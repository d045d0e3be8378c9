// The client side of the MCP benchmark: real SDK clients over loopback Streamable HTTP, calling
// hive_ready and lock_check in loops (one call in flight per client). It runs in a child process
// so that the clients' own work (fetch, JSON, the SDK's schema checks) does not share the host's
// event loop: on a small machine the figure would otherwise measure the clients as much as the host.
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
  /** CPU time (user + system) this client process spent per measured call, in ms. */
  clientCpuMs: number;
}

export interface McpClientsReport {
  hive_ready: ToolFigures;
  lock_check: ToolFigures;
}

/** A concrete path for lock_check: half land in reserved trees, half in free ones. */
export function checkPath(i: number): string {
  return i % 2 === 0 ? `packages/p${i % 500}/src/m${i % 12}/f${i % 40}.ts` : `apps/a${i % 50}/lib/x${i % 30}.ts`;
}

function percentile(sorted: number[], p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

type Call = (c: Client, i: number) => Promise<unknown>;

/** `total` calls of one tool spread over the clients, each client calling in a loop. */
async function drive(clients: Client[], total: number, call: Call): Promise<{ samples: number[]; seconds: number }> {
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

async function measure(clients: Client[], spec: McpClientsSpec, call: Call): Promise<ToolFigures> {
  await drive(clients, spec.warmup, call);
  const cpu = process.cpuUsage();
  const { samples, seconds } = await drive(clients, spec.calls, call);
  const used = process.cpuUsage(cpu);
  const sorted = samples.sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    callsPerSecond: spec.calls / seconds,
    clientCpuMs: (used.user + used.system) / 1000 / spec.calls,
  };
}

export async function runMcpClients(spec: McpClientsSpec): Promise<McpClientsReport> {
  const token = fs.readFileSync(spec.tokenFile, 'utf8').trim();
  const clients: Client[] = [];
  const lean = spec.fetch === 'node-http' ? leanFetch() : undefined;
  try {
    for (let i = 0; i < spec.clients; i++) {
      const client = new Client({ name: `bench-${i}`, version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(spec.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } }, ...(lean ? { fetch: lean } : {}) }),
      );
      clients.push(client);
    }
    const ready = (await clients[0]!.callTool({ name: 'hive_ready', arguments: { limit: 10 } })) as CallToolResult;
    if (ready.isError) throw new Error(`hive_ready refused: ${JSON.stringify(ready)}`);
    return {
      hive_ready: await measure(clients, spec, (c) => c.callTool({ name: 'hive_ready', arguments: { limit: 10 } })),
      lock_check: await measure(clients, spec, (c, i) => c.callTool({ name: 'lock_check', arguments: { paths: [checkPath(i)] } })),
    };
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
    lean?.close();
  }
}
