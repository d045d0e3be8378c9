// A real agent host (every feature of hostFeatures()) in this process on a temp workspace, with a
// clock tests can move forward (claims expiring) and clients attached over the workspace socket
// with the real JSON-RPC library.
import fs from 'node:fs';
import path from 'node:path';
import type { MessageConnection, NotificationType } from 'vscode-jsonrpc';
import { ResponseError } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from '../../../shared/errors';
import type { EventEnvelope } from '../../../shared/events';
import type { HiveService } from '../../../server/hive/service';
import { Host } from '../../../server/host/host';
import { hostFeatures } from '../../../server/main';
import { connect, tempWorkspace, type Client } from '../../support/host';

export interface HiveHost {
  host: Host;
  workspace: string;
  /** Milliseconds added to the real time on the host's clock. */
  clock: { offsetMs: number };
  logs: string[];
  service(): HiveService;
  client(name?: string): Promise<Client>;
  /** Events in the log (in order), optionally of some types only. */
  events(...types: string[]): EventEnvelope[];
  hiveFile(): string;
  readHiveFile(): string | null;
  stop(): Promise<void>;
}

export async function startHiveHost(opts: { workspace?: string } = {}): Promise<HiveHost> {
  const workspace = opts.workspace ?? tempWorkspace();
  const logs: string[] = [];
  const clock = { offsetMs: 0 };
  const host = await Host.start({ workspace, features: hostFeatures(), sink: (t) => logs.push(t), logLevel: 'debug', now: () => Date.now() + clock.offsetMs });
  const clients: Client[] = [];
  const hiveFile = path.join(workspace, '.hive', 'issues.jsonl');
  return {
    host,
    workspace,
    clock,
    logs,
    service: () => host.ctx.services.get('hive'),
    async client(name = 'test') {
      const c = await connect(host.info().socket, name);
      clients.push(c);
      return c;
    },
    events: (...types) => host.store.events.read().filter((e) => types.length === 0 || types.includes(e.type)),
    hiveFile: () => hiveFile,
    readHiveFile: () => (fs.existsSync(hiveFile) ? fs.readFileSync(hiveFile, 'utf8') : null),
    async stop() {
      for (const c of clients.splice(0)) c.conn.dispose();
      await host.stop();
    },
  };
}

/** The structured error a request was refused with (fails when it was not refused). */
export async function refusal(request: Promise<unknown>): Promise<ApiaryErrorData> {
  try {
    await request;
  } catch (err) {
    if (err instanceof ResponseError) return err.data as ApiaryErrorData;
    throw err;
  }
  throw new Error('expected the request to be refused');
}

/** Collects a notification's messages as they arrive. */
export function collect<P>(conn: MessageConnection, type: NotificationType<P>): P[] {
  const got: P[] = [];
  conn.onNotification(type.method, (p: unknown) => {
    got.push(p as P);
  });
  return got;
}

export async function until<T>(what: string, check: () => T | undefined | false | null, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Like until, for checks that must ask the host. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false | null>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function parseLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export const MINUTE = 60_000;
