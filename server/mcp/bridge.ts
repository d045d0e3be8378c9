// `apiary mcp`: the stdio bridge for MCP clients that only spawn processes. It attaches to the
// workspace's host (starting one when none runs) and relays every JSON-RPC message between our
// stdin/stdout and the host's Streamable HTTP endpoint, unchanged, in both directions. Stdout
// carries protocol messages only; everything else goes to stderr.
import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ApiaryError } from '../../shared/errors';
import { attach } from '../host/attach';
import { workspacePaths } from '../host/paths';
import { VERSION } from '../host/version';
import { CLIENT_KEY_HEADER, TOOLS_HEADER } from './httpServer';
import { readToken, tokenPath } from './token';
import type { ToolProfile } from './tool';

export interface BridgeOptions {
  workspace: string;
  tools?: ToolProfile;
  stdin?: Readable;
  stdout?: Writable;
  /** Diagnostics (never stdout). */
  warn(message: string): void;
}

/**
 * Sends the workspace token with every request. After a 401 it reads the token file again and
 * retries once: a rotated token reaches the bridge without a restart (the file is what
 * authorises a local process in the first place).
 */
export function tokenFetch(file: string, initial: string): FetchLike {
  let token = initial;
  const send = (url: string | URL, init: RequestInit | undefined): Promise<Response> => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(url, { ...init, headers });
  };
  return async (url, init) => {
    const res = await send(url, init);
    if (res.status !== 401) return res;
    const fresh = readToken(file);
    if (!fresh || fresh === token) return res;
    token = fresh;
    await res.body?.cancel();
    return send(url, init);
  };
}

function isRequest(m: JSONRPCMessage): m is JSONRPCMessage & { id: string | number; method: string } {
  return 'method' in m && 'id' in m && m.id !== undefined;
}

/** Runs until stdin closes (exit code 0) or the host goes away (1). */
export async function runBridge(opts: BridgeOptions): Promise<number> {
  const paths = workspacePaths(opts.workspace);
  const { conn, hello } = await attach(paths.workspace, { client: { name: 'mcp bridge', kind: 'mcp-bridge', version: VERSION } });
  const url = hello.host.mcp?.url;
  if (!url) {
    conn.dispose();
    throw new ApiaryError('unavailable', `the agent host (pid ${hello.host.pid}) serves no MCP endpoint`, 'It may be an older version: stop it (it restarts on demand) and try again.');
  }
  const file = tokenPath(paths.apiary);
  const token = readToken(file);
  if (!token) {
    conn.dispose();
    throw new ApiaryError('unavailable', `no MCP token in ${file}`, 'The host writes it when it starts: restart the host, or run `apiary mcp-token`.');
  }

  // Same parent process (the MCP client) → same key → the same agent name after a restart.
  const headers: Record<string, string> = { [CLIENT_KEY_HEADER]: `stdio:${os.hostname()}:${process.ppid}` };
  if (opts.tools) headers[TOOLS_HEADER] = opts.tools;
  const http = new StreamableHTTPClientTransport(new URL(url), { fetch: tokenFetch(file, token), requestInit: { headers } });
  const stdio = new StdioServerTransport(opts.stdin ?? process.stdin, opts.stdout ?? process.stdout);
  const stdin = opts.stdin ?? process.stdin;

  return new Promise<number>((resolve) => {
    let done = false;
    // Requests relayed and not yet answered: stdin closing waits for their answers.
    const pending = new Set<string | number>();
    let drained: (() => void) | null = null;
    // Until initialize is answered there is no session to send anything else in.
    const initializing = new Map<string | number, () => void>();
    let gate: Promise<void> = Promise.resolve();
    const pacer = new ProgressPacer((m) => void stdio.send(m));

    const answered = (id: string | number): void => {
      pending.delete(id);
      initializing.get(id)?.();
      initializing.delete(id);
      if (pending.size === 0) drained?.();
    };
    const finish = async (code: number, message?: string): Promise<void> => {
      if (done) return;
      done = true;
      if (message) opts.warn(message);
      if (code === 0) {
        if (pending.size > 0) await Promise.race([new Promise<void>((r) => (drained = r)), delay(10_000)]);
        await pacer.flushed();
        // Ends the session on the host at once (instead of leaving it to linger).
        await Promise.race([http.terminateSession().catch(() => {}), delay(1000)]);
      }
      await http.close().catch(() => {});
      await stdio.close().catch(() => {});
      conn.dispose();
      resolve(code);
    };
    const relay = (message: JSONRPCMessage): void => {
      if (isRequest(message)) pending.add(message.id);
      http.send(message).catch((err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err);
        if (isRequest(message)) {
          // The client waits for an answer: give it one it can show.
          void stdio.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: `apiary bridge: the host did not take ${message.method}: ${reason}` } });
          answered(message.id);
        } else {
          opts.warn(`could not relay a message to the host: ${reason}`);
        }
      });
    };

    stdio.onmessage = (message) => {
      if (isRequest(message)) pacer.requested(message);
      if (isRequest(message) && message.method === 'initialize') {
        const reply = new Promise<void>((r) => initializing.set(message.id, r));
        gate = gate.then(() => {
          relay(message);
          return reply;
        });
      } else {
        gate = gate.then(() => relay(message));
      }
    };
    http.onmessage = (message) => {
      if (('result' in message || 'error' in message) && message.id !== undefined) {
        // The protocol version both ends agreed on goes in a header on every later request.
        if ('result' in message && initializing.has(message.id)) {
          const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
          if (typeof version === 'string') http.setProtocolVersion(version);
        }
        answered(message.id);
      }
      pacer.relay(message);
    };
    http.onerror = (err) => opts.warn(`host connection: ${err.message}`);
    stdio.onerror = (err) => opts.warn(`stdin: ${err.message}`);
    stdin.once('end', () => void finish(0));
    stdin.once('close', () => void finish(0));
    conn.onClose(() => void finish(1, `the agent host for ${paths.workspace} went away (stopped or crashed); restart this MCP server to reconnect to a new one`));

    void http.start().then(() => stdio.start());
  });
}

/**
 * Keeps a response from reaching the client in the same read as a progress notification for
 * its request. The TypeScript SDK dispatches notifications a microtask late but responses at
 * once, so a client reading both together retires the progress token first and reports
 * "unknown token" (some clients then drop the connection). Over HTTP each SSE event is its
 * own read; over stdio we pace: a response waits out a short gap after its request's last
 * progress notification.
 */
export class ProgressPacer {
  private readonly tokens = new Map<string | number, string | number>();
  private readonly lastProgress = new Map<string | number, number>();
  private delayed = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly write: (m: JSONRPCMessage) => void,
    private readonly gapMs = 25,
  ) {}

  requested(m: JSONRPCMessage & { id: string | number }): void {
    const token = (m as { params?: { _meta?: { progressToken?: unknown } } }).params?._meta?.progressToken;
    if (typeof token === 'string' || typeof token === 'number') this.tokens.set(token, m.id);
  }

  relay(m: JSONRPCMessage): void {
    if ('method' in m && m.method === 'notifications/progress' && !('id' in m)) {
      const token = (m.params as { progressToken?: string | number } | undefined)?.progressToken;
      const id = token !== undefined ? this.tokens.get(token) : undefined;
      if (id !== undefined) this.lastProgress.set(id, Date.now());
      return this.write(m);
    }
    if (('result' in m || 'error' in m) && m.id !== undefined && m.id !== null) {
      const id = m.id;
      const last = this.lastProgress.get(id);
      this.lastProgress.delete(id);
      for (const [token, of] of this.tokens) if (of === id) this.tokens.delete(token);
      const wait = last === undefined ? 0 : this.gapMs - (Date.now() - last);
      if (wait > 0) {
        this.delayed++;
        setTimeout(() => {
          this.write(m);
          if (--this.delayed === 0) for (const r of this.waiters.splice(0)) r();
        }, wait);
        return;
      }
    }
    this.write(m);
  }

  /** Resolves once every held-back response is written. */
  flushed(): Promise<void> {
    return this.delayed === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
