// A real agent host (every feature of hostFeatures()) in this process on a temp workspace, with
// a clock that tests can move forward (reservations expiring, agents falling silent) and clients
// attached over the workspace socket with the real JSON-RPC library.
import fs from 'node:fs';
import path from 'node:path';
import type { MessageConnection, NotificationType } from 'vscode-jsonrpc';
import { ResponseError } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from '../../../shared/errors';
import type { EventEnvelope } from '../../../shared/events';
import type { CoordinationService } from '../../../server/coordination/service';
import { Host } from '../../../server/host/host';
import { hostFeatures } from '../../../server/main';
import { connect, tempWorkspace, type Client } from '../../support/host';

export interface CoordHost {
  host: Host;
  workspace: string;
  /** Milliseconds added to the real time on the host's clock. */
  clock: { offsetMs: number };
  logs: string[];
  service(): CoordinationService;
  client(name?: string): Promise<Client>;
  /** Events in the log (in order), optionally of some types only. */
  events(...types: string[]): EventEnvelope[];
  stop(): Promise<void>;
}

export function writeConfig(workspace: string, config: unknown): void {
  fs.mkdirSync(path.join(workspace, '.apiary'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.apiary', 'config.json'), JSON.stringify(config));
}

export async function startCoordHost(opts: { workspace?: string; config?: unknown } = {}): Promise<CoordHost> {
  const workspace = opts.workspace ?? tempWorkspace();
  if (opts.config !== undefined) writeConfig(workspace, opts.config);
  const logs: string[] = [];
  const clock = { offsetMs: 0 };
  const host = await Host.start({ workspace, features: hostFeatures(), sink: (t) => logs.push(t), logLevel: 'debug', now: () => Date.now() + clock.offsetMs });
  const clients: Client[] = [];
  return {
    host,
    workspace,
    clock,
    logs,
    service: () => host.ctx.services.get('coordination'),
    async client(name = 'test') {
      const c = await connect(host.info().socket, name);
      clients.push(c);
      return c;
    },
    events: (...types) => host.store.events.read().filter((e) => types.length === 0 || types.includes(e.type)),
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
  // By method name: the typed overloads cannot relate a generic P to the wire type.
  conn.onNotification(type.method, (p: unknown) => {
    got.push(p as P);
  });
  return got;
}

export async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const MINUTE = 60_000;
