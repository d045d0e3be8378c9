import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Feature } from '../../../server/host/feature';
import { Host } from '../../../server/host/host';
import { hostFeatures } from '../../../server/main';
import { mcpFeature } from '../../../server/mcp/feature';
import { coreFeature } from '../../../server/rpc/core';
import { eventsFeature } from '../../../server/rpc/events';

export interface TestHost {
  host: Host;
  dir: string;
  url: string;
  token: () => string;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * The features a host runs with only the MCP server and `extra` besides the core: for tests that
 * must not meet the services production features provide (e.g. their own agent directory).
 */
export function minimalFeatures(extra: Feature[]): Feature[] {
  const features: Feature[] = [coreFeature];
  const all = (): Feature[] => features;
  features.push(
    eventsFeature(
      () => all().flatMap((f) => f.projections ?? []),
      () => all().flatMap((f) => f.ownedStreamPrefixes ?? []),
    ),
    ...extra,
    mcpFeature({ features: all }),
  );
  return features;
}

/** A host in this process, with every production feature plus `extra` (or only `extra`: `minimal`). */
export async function startHost(opts: { extra?: Feature[]; config?: unknown; minimal?: boolean } = {}): Promise<TestHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-mcp-'));
  if (opts.config !== undefined) {
    fs.mkdirSync(path.join(dir, '.apiary'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.apiary', 'config.json'), JSON.stringify(opts.config));
  }
  const logs: string[] = [];
  const host = await Host.start({ workspace: dir, features: opts.minimal ? minimalFeatures(opts.extra ?? []) : hostFeatures(opts.extra ?? []), sink: (t) => logs.push(t), logLevel: 'debug' });
  const url = host.info().mcp?.url;
  if (!url) throw new Error('the host advertises no MCP url');
  return {
    host,
    dir,
    url,
    logs,
    token: () => fs.readFileSync(path.join(dir, '.apiary', 'token'), 'utf8').trim(),
    async stop() {
      await host.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function connect(url: string, token: string, name = 'test-client', headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}`, ...headers } } });
  await client.connect(transport);
  return client;
}

/** The JSON a tool answered with (its text content). */
export function json(result: unknown): Record<string, unknown> {
  const r = result as CallToolResult;
  const first = r.content[0];
  if (!first || first.type !== 'text') throw new Error(`no text content in ${JSON.stringify(result)}`);
  return JSON.parse(first.text) as Record<string, unknown>;
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; body: Record<string, unknown>; raw: CallToolResult }> {
  const raw = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { isError: raw.isError === true, body: json(raw), raw };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A hand-made HTTP request, for headers a well-behaved client never sends. */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: unknown; text?: string; host?: string } = {}): Promise<RawResponse> {
  const u = new URL(url);
  const body = opts.text ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: opts.host ?? u.hostname,
        port: u.port,
        path: u.pathname,
        method: opts.method ?? 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json, text/event-stream',
          ...(body ? { 'Content-Length': Buffer.byteLength(body) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const initializeBody = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
};
