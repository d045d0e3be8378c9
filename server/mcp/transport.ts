// A session's Streamable HTTP transport: the SDK's transport, plus a direct path for the common
// case. The SDK answers every POST with an SSE stream built from web streams (a Request and a
// Response per call, converted from and to Node's objects), which cost most of a tool call's time.
// A plain request (one JSON-RPC request, no progress token, every header as the SDK wants it) is
// answered here as one small JSON body, which the Streamable HTTP spec allows. Everything else —
// initialize, calls that ask for progress, notifications, the GET notification stream, DELETE,
// and every malformed or refused request — goes to the SDK transport unchanged, so its checks and
// errors stay the reference.
import type http from 'node:http';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { StreamableHTTPServerTransport, type StreamableHTTPServerTransportOptions } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  isJSONRPCRequest,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

/** A request body read, or why it could not be (`rpcCode`: the JSON-RPC error code; a parse error when absent). */
export type BodyRead = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string; rpcCode?: number };

/** JSON-RPC's "Invalid Request". */
const INVALID_REQUEST = -32600;

export interface SessionTransportOptions extends StreamableHTTPServerTransportOptions {
  allowedHosts: string[];
  allowedOrigins: string[];
}

export class SessionTransport implements Transport {
  private readonly sdk: StreamableHTTPServerTransport;
  /** Requests answered on the direct path, by JSON-RPC id: where their response goes. */
  private readonly direct = new Map<RequestId, http.ServerResponse>();
  private readonly allowedHosts: ReadonlySet<string>;
  private readonly allowedOrigins: ReadonlySet<string>;
  /** Closed: every later request goes to the SDK, which answers that the session is gone. */
  private ended = false;
  private lastUrl: { path: string; base: string; url: URL } | null = null;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  constructor(opts: SessionTransportOptions) {
    this.sdk = new StreamableHTTPServerTransport(opts);
    this.allowedHosts = new Set(opts.allowedHosts);
    this.allowedOrigins = new Set(opts.allowedOrigins);
    this.sdk.onmessage = (message, extra) => this.onmessage?.(message, extra);
    this.sdk.onerror = (error) => this.onerror?.(error);
    this.sdk.onclose = () => {
      this.ended = true;
      this.dropDirect();
      this.onclose?.();
    };
  }

  get sessionId(): string | undefined {
    return this.sdk.sessionId;
  }

  start(): Promise<void> {
    return this.sdk.start();
  }

  close(): Promise<void> {
    return this.sdk.close();
  }

  closeStandaloneSSEStream(): void {
    this.sdk.closeStandaloneSSEStream();
  }

  /** The session's first request, already read: the SDK sets the session up. */
  handleInitialize(req: http.IncomingMessage, res: http.ServerResponse, body: unknown): Promise<void> {
    return this.sdk.handleRequest(req, res, body);
  }

  /**
   * Serves one HTTP request of this session. `readBody` is called only for a POST the direct path
   * may take; a body it read is handed to the SDK when the request turns out not to qualify.
   */
  async handleRequest(req: http.IncomingMessage, res: http.ServerResponse, readBody: () => Promise<BodyRead>, refuse: (res: http.ServerResponse, read: Extract<BodyRead, { ok: false }>) => void): Promise<void> {
    if (!this.mayTakeDirectly(req)) return this.sdk.handleRequest(req, res);
    const read = await readBody();
    if (!read.ok) return refuse(res, read);
    const message = read.value;
    if (!isJSONRPCRequest(message) || message.method === 'initialize' || wantsProgress(message.params)) {
      return this.sdk.handleRequest(req, res, message);
    }
    const id = message.id;
    if (this.direct.has(id)) {
      // Its answer could not be told from the pending one's.
      return refuse(res, { ok: false, status: 400, message: `request id ${JSON.stringify(id)} is already in use by a request in progress`, rpcCode: INVALID_REQUEST });
    }
    this.direct.set(id, res);
    // A client that gives up (cancels, disconnects) closes the response: its answer is then dropped.
    res.once('close', () => {
      if (this.direct.get(id) === res) this.direct.delete(id);
    });
    this.onmessage?.(message, { requestInfo: { headers: req.headers, url: this.requestUrl(req) } });
  }

  /** The request's URL as the SDK gives it to handlers; a session's calls all go to one URL, so it is parsed once. */
  private requestUrl(req: http.IncomingMessage): URL {
    const base = `http://${req.headers.host ?? 'localhost'}`;
    const path = req.url ?? '/';
    const last = this.lastUrl;
    if (last && last.path === path && last.base === base) return last.url;
    const url = new URL(path, base);
    this.lastUrl = { path, base, url };
    return url;
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    // The server's own messages are well-formed: a response is what carries a result or an error.
    const isResponse = 'result' in message || 'error' in message;
    const requestId = isResponse ? message.id : options?.relatedRequestId;
    const res = requestId === undefined ? undefined : this.direct.get(requestId);
    // Not a direct request's (or its client left: the SDK then reports it undeliverable, as for its own).
    if (requestId === undefined || !res) return this.sdk.send(message, options);
    // A direct request asked for no progress; as in the SDK's JSON mode, messages related to it
    // (notifications, server-to-client requests) are not sent. Our tools send none but progress.
    if (!isResponse) return;
    this.direct.delete(requestId);
    if (res.destroyed || res.writableEnded) return;
    const body = JSON.stringify(message);
    // A known length (not chunked): header and body leave in one write. Headers as a flat
    // [name, value, …] list: Node writes them without walking an object's keys.
    const sessionId = this.sessionId;
    const length = String(Buffer.byteLength(body));
    res.writeHead(200, sessionId === undefined ? ['Content-Type', 'application/json', 'Content-Length', length] : ['Content-Type', 'application/json', 'Content-Length', length, 'mcp-session-id', sessionId]).end(body);
  }

  /**
   * Only requests the SDK would accept as they are: the session is initialized, the headers are
   * exactly right (Accept, Content-Type, protocol version, Host, Origin). Any doubt: the SDK decides.
   */
  private mayTakeDirectly(req: http.IncomingMessage): boolean {
    if (req.method !== 'POST' || this.sessionId === undefined || this.ended) return false;
    const h = req.headers;
    const accept = h.accept;
    if (!accept || !accept.includes('application/json') || !accept.includes('text/event-stream')) return false;
    const contentType = h['content-type']?.toLowerCase();
    if (contentType !== 'application/json' && !contentType?.startsWith('application/json;')) return false;
    const version = h['mcp-protocol-version'];
    if (version !== undefined && (typeof version !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(version))) return false;
    if (!h.host || !this.allowedHosts.has(h.host)) return false;
    const origin = h.origin;
    if (origin !== undefined && this.allowedOrigins.size > 0 && !this.allowedOrigins.has(origin)) return false;
    return true;
  }

  /** The session ended: requests still waiting get no answer, and their connections close. */
  private dropDirect(): void {
    for (const res of this.direct.values()) if (!res.writableEnded) res.destroy();
    this.direct.clear();
  }
}

function wantsProgress(params: unknown): boolean {
  if (typeof params !== 'object' || params === null) return false;
  const meta = (params as { _meta?: unknown })._meta;
  return typeof meta === 'object' && meta !== null && (meta as { progressToken?: unknown }).progressToken !== undefined;
}
