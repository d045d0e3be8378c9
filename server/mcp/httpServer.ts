// The MCP endpoint: Streamable HTTP at http://127.0.0.1:PORT/mcp, loopback only. Every request
// passes the guard (peer, Host, Origin, token) before any MCP code sees it; the SDK transport
// checks Host and Origin again. One session (SDK Server + transport) per client.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { RpcErrorCodes, type ApiaryErrorData } from '../../shared/errors';
import type { Logger } from '../host/logger';
import { allowedHosts, checkRequest, sameOrigins } from './guard';
import type { McpSession } from './session';
import type { TokenStore } from './token';
import type { BodyRead } from './transport';
import type { ToolProfile } from './tool';

export const MCP_PATH = '/mcp';
/** Lets a client that re-spawns (the stdio bridge) keep its agent name across sessions. */
export const CLIENT_KEY_HEADER = 'x-apiary-client-key';
/** Per-client choice of tool profile, over the workspace's setting. */
export const TOOLS_HEADER = 'x-apiary-tools';

const LOOPBACK = '127.0.0.1';
const MAX_BODY = 4 * 1024 * 1024;

export interface NewSession {
  clientKey: string | null;
  profile: ToolProfile | null;
  allowedHosts: string[];
  allowedOrigins: string[];
}

export interface McpHttpOptions {
  /** Preferred port; 0 (or taken) means a free one. */
  port: number;
  tokens: TokenStore;
  log: Logger;
  createSession(init: NewSession, register: (s: McpSession) => void, forget: (s: McpSession) => void): McpSession;
  /** Keeps the host up while a session is open (a background host's idle exit counts these too). */
  holdOpen?(reason: string): () => void;
}

/** A session with no request open (not even a notification stream) for this long is ended. */
export const SESSION_IDLE_MS = 60 * 60_000;

export class McpHttpServer {
  readonly sessions = new Map<string, McpSession>();
  /** Per session: requests in flight (an open notification stream counts) and the last activity. */
  private readonly activity = new Map<string, { open: number; last: number }>();
  /** Per session: releases its hold on the host. */
  private readonly holds = new Map<string, () => void>();
  private readonly sweeper: NodeJS.Timeout;
  private closing = false;
  private readonly tokenMatches = (token: string): boolean => this.opts.tokens.matches(token);

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    private readonly opts: McpHttpOptions,
  ) {
    // A rotated token must stop working at once, also for the long-lived notification streams:
    // closing them makes each client reconnect, and only the new token gets back in.
    opts.tokens.onRotated(() => {
      for (const s of this.sessions.values()) s.transport.closeStandaloneSSEStream();
    });
    // Clients that vanish without ending their session (DELETE) would otherwise pile up.
    this.sweeper = setInterval(() => this.sweep(Date.now()), Math.min(SESSION_IDLE_MS, 5 * 60_000));
    this.sweeper.unref();
  }

  /** Ends sessions idle past SESSION_IDLE_MS; the client starts a new one on its next request (404). */
  sweep(now: number, idleMs = SESSION_IDLE_MS): string[] {
    const ended: string[] = [];
    for (const [id, s] of this.sessions) {
      const a = this.activity.get(id);
      if (a && a.open === 0 && now - a.last > idleMs) {
        ended.push(id);
        void s.close().catch(() => {});
      }
    }
    if (ended.length) this.opts.log.info(`ended ${ended.length} idle MCP session(s)`);
    return ended;
  }

  static async listen(opts: McpHttpOptions): Promise<McpHttpServer> {
    let holder: McpHttpServer | null = null;
    const server = http.createServer((req, res) => {
      if (!holder) return void res.destroy();
      holder.handle(req, res).catch((err: unknown) => {
        opts.log.error(`MCP request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        if (!res.headersSent) reply(res, 500, { code: 'internal', message: 'internal error', hint: 'See the host log.' });
        else res.end();
      });
    });
    let port: number;
    try {
      port = await listenOn(server, opts.port);
    } catch (err) {
      if (opts.port === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      opts.log.warn(`MCP port ${opts.port} (from .apiary/config.json) is in use: listening on a free port instead; .apiary/host.json has it`);
      port = await listenOn(server, 0);
    }
    holder = new McpHttpServer(server, port, opts);
    return holder;
  }

  get url(): string {
    return `http://${LOOPBACK}:${this.port}${MCP_PATH}`;
  }

  address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /** Ends every session (their streams close) and stops listening. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    await Promise.allSettled([...this.sessions.values()].map((s) => s.close()));
    this.sessions.clear();
    for (const release of this.holds.values()) release();
    this.holds.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const verdict = checkRequest(
      {
        remoteAddress: req.socket.remoteAddress,
        host: req.headers.host,
        origin: header(req, 'origin'),
        authorization: header(req, 'authorization'),
      },
      this.port,
      this.tokenMatches,
    );
    if (!verdict.ok) {
      if (verdict.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="apiary"');
      this.opts.log.debug(`MCP request refused (${verdict.status}): ${verdict.message}`);
      return reply(res, verdict.status, verdict);
    }
    const pathname = req.url === MCP_PATH ? MCP_PATH : new URL(req.url ?? '/', `http://${LOOPBACK}`).pathname;
    if (pathname !== MCP_PATH) {
      return reply(res, 404, { code: 'not_found', message: `no endpoint at ${pathname}`, hint: `The MCP endpoint is ${this.url}.` });
    }
    if (this.closing) {
      return reply(res, 503, { code: 'unavailable', message: 'the agent host is stopping', hint: 'Reconnect in a moment: the next host writes its address to .apiary/host.json.' });
    }
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId !== undefined) {
      const session = this.sessions.get(sessionId);
      if (!session) {
        // Per the spec, 404 tells the client to start a new session (e.g. after a host restart).
        return reply(res, 404, { code: 'not_found', message: `no MCP session ${sessionId}`, hint: 'Initialize a new session.' }, -32001);
      }
      this.track(sessionId, res);
      return session.transport.handleRequest(req, res, () => readJson(req), (r, read) => refuseBody(r, read));
    }
    if (req.method !== 'POST') {
      return reply(res, 400, { code: 'invalid_params', message: `${req.method} needs an Mcp-Session-Id header`, hint: 'Start with an initialize request (POST).' });
    }
    const read = await readJson(req);
    if (!read.ok) return refuseBody(res, read);
    const body = read.value;
    if (!isInitializeRequest(body)) {
      return reply(res, 400, { code: 'invalid_params', message: 'no session: the first request must be initialize', hint: 'Send initialize, then use the Mcp-Session-Id header of its response.' });
    }
    const tools = header(req, TOOLS_HEADER);
    if (tools !== undefined && tools !== 'core' && tools !== 'full') {
      return reply(res, 400, { code: 'invalid_params', message: `${TOOLS_HEADER} must be core or full, not ${JSON.stringify(tools)}` });
    }
    const origin = header(req, 'origin');
    const session = this.opts.createSession(
      {
        clientKey: header(req, CLIENT_KEY_HEADER)?.slice(0, 200) ?? null,
        profile: tools ?? null,
        allowedHosts: allowedHosts(this.port),
        // The guard already accepted this origin (a loopback page): the session keeps to it.
        allowedOrigins: [...sameOrigins(this.port), ...(origin ? [origin] : [])],
      },
      (s) => {
        const id = s.transport.sessionId!;
        this.sessions.set(id, s);
        this.activity.set(id, { open: 0, last: Date.now() });
        const release = this.opts.holdOpen?.(`MCP session ${id}`);
        if (release) this.holds.set(id, release);
      },
      (s) => {
        const id = s.transport.sessionId;
        if (id) {
          this.sessions.delete(id);
          this.activity.delete(id);
          this.holds.get(id)?.();
          this.holds.delete(id);
        }
      },
    );
    await session.server.connect(session.transport);
    await session.transport.handleInitialize(req, res, body);
  }

  private track(sessionId: string, res: http.ServerResponse): void {
    const a = this.activity.get(sessionId);
    if (!a) return;
    a.open++;
    a.last = Date.now();
    res.once('close', () => {
      a.open--;
      a.last = Date.now();
    });
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function listenOn(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    // Loopback only: never 0.0.0.0 or ::.
    server.listen(port, LOOPBACK, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}


function readJson(req: http.IncomingMessage): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve({ ok: false, status: 413, message: `request body over ${MAX_BODY} bytes` });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        // A tool call's body nearly always arrives as one chunk: no copy then.
        const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        resolve({ ok: true, value: JSON.parse(bytes.toString('utf8')) });
      } catch (err) {
        resolve({ ok: false, status: 400, message: `the body is not JSON: ${(err as Error).message}` });
      }
    });
    req.on('error', reject);
  });
}

function refuseBody(res: http.ServerResponse, read: Extract<BodyRead, { ok: false }>): void {
  reply(res, read.status, { code: 'invalid_params', message: read.message }, read.rpcCode ?? (read.status === 400 ? -32700 : undefined));
}

/** A JSON-RPC error body, so MCP clients can show it, carrying our structured error as data. */
function reply(res: http.ServerResponse, status: number, err: Pick<ApiaryErrorData, 'code' | 'message' | 'hint'>, rpcCode?: number): void {
  const data: ApiaryErrorData = { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  const body = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: rpcCode ?? RpcErrorCodes[err.code], message: err.message, data } });
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
}
