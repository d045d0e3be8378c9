// A local HTTP server that speaks enough of the Anthropic Messages API for the real SDK to
// talk to it: JSON and SSE answers, usage with prompt-cache tokens (a simulated cache keyed
// by the prefix up to the last cache_control breakpoint), count_tokens, scripted errors,
// slow answers, hangs and dropped connections. It records every request it gets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { chunks, errorBody, type ContentSpec, type MessageReply, type Reply, type WireUsage } from './replies';

export interface MessagesBody {
  model: string;
  max_tokens: number;
  messages: unknown[];
  system?: unknown;
  tools?: unknown[];
  stream?: boolean;
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: MessagesBody;
  at: number;
}

export type MessageHandler = (req: RecordedRequest) => Reply | Promise<Reply>;
export type CountHandler = (req: RecordedRequest) => number | Reply | Promise<number | Reply>;

export interface MessagesApi {
  /** Base URL for the SDK (`baseURL`). */
  readonly url: string;
  /** Every request, count_tokens included, in arrival order. */
  readonly requests: RecordedRequest[];
  /** POST /v1/messages requests only. */
  messageRequests(): RecordedRequest[];
  /** Replies used in order for POST /v1/messages before the handler is asked. */
  enqueue(...replies: Reply[]): void;
  /** Answers POST /v1/messages once the queue is empty (default: a short text answer). */
  onMessage(handler: MessageHandler | undefined): void;
  /** Answers count_tokens (default: the simulated prompt size). */
  onCountTokens(handler: CountHandler | undefined): void;
  /** Resolves once at least `n` POST /v1/messages requests have arrived. */
  waitForMessages(n: number, timeoutMs?: number): Promise<void>;
  /** Forgets the simulated prompt cache. */
  clearCache(): void;
  close(): Promise<void>;
}

/** The fake's token count: about four characters a token, like English text. */
export function fakeTokens(value: unknown): number {
  if (value === undefined) return 0;
  return Math.ceil(JSON.stringify(value).length / 4);
}

interface CacheMarker {
  cache_control?: { type?: string; ttl?: string };
}

function asBlocks(system: unknown): unknown[] {
  if (system === undefined) return [];
  if (typeof system === 'string') return [{ type: 'text', text: system }];
  return Array.isArray(system) ? system : [];
}

/** Prompt size and the cacheable prefix (tools then system, up to the last breakpoint). */
function promptShape(body: MessagesBody): { total: number; prefix?: { tokens: number; key: string; ttl: '5m' | '1h' } } {
  const total = Math.max(1, fakeTokens(body.tools) + fakeTokens(asBlocks(body.system)) + fakeTokens(body.messages));
  const ordered = [...(body.tools ?? []), ...asBlocks(body.system)];
  let last = -1;
  let ttl: '5m' | '1h' = '5m';
  ordered.forEach((block, i) => {
    const cc = (block as CacheMarker)?.cache_control;
    if (cc && typeof cc === 'object') {
      last = i;
      ttl = cc.ttl === '1h' ? '1h' : '5m';
    }
  });
  if (last < 0) return { total };
  const prefix = ordered.slice(0, last + 1);
  const tokens = Math.min(total - 1, fakeTokens(prefix));
  return { total, prefix: { tokens, key: `${body.model}\n${JSON.stringify(prefix)}`, ttl } };
}

function contentBlocks(specs: ContentSpec[]): Array<Record<string, unknown>> {
  let n = 0;
  return specs.map((s) =>
    s.type === 'text'
      ? { type: 'text', text: s.text }
      : { type: 'tool_use', id: s.id ?? `toolu_fake_${Date.now().toString(36)}_${n++}`, name: s.name, input: s.input },
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startMessagesApi(): Promise<MessagesApi> {
  const requests: RecordedRequest[] = [];
  const queue: Reply[] = [];
  const sockets = new Set<Socket>();
  const cache = new Set<string>();
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let handler: MessageHandler | undefined;
  let countHandler: CountHandler | undefined;
  let seq = 0;
  let closed = false;

  const messageCount = () => requests.filter((r) => r.path === '/v1/messages').length;

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${++seq}`, ...headers });
    res.end(JSON.stringify(body));
  }

  function usageFor(body: MessagesBody, r: MessageReply, outputText: string): WireUsage {
    const shape = promptShape(body);
    const usage: WireUsage = {
      input_tokens: shape.total,
      output_tokens: Math.max(1, Math.min(body.max_tokens, fakeTokens(outputText))),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    };
    if (shape.prefix) {
      usage.input_tokens = shape.total - shape.prefix.tokens;
      if (cache.has(shape.prefix.key)) {
        usage.cache_read_input_tokens = shape.prefix.tokens;
      } else {
        cache.add(shape.prefix.key);
        usage.cache_creation_input_tokens = shape.prefix.tokens;
        if (shape.prefix.ttl === '1h') usage.cache_creation!.ephemeral_1h_input_tokens = shape.prefix.tokens;
        else usage.cache_creation!.ephemeral_5m_input_tokens = shape.prefix.tokens;
      }
    }
    return { ...usage, ...(r.usage ?? {}) };
  }

  async function sendMessage(res: ServerResponse, body: MessagesBody, r: MessageReply): Promise<void> {
    const specs = r.content ?? [{ type: 'text', text: 'ok' }];
    const blocks = contentBlocks(specs);
    const outputText = specs.map((s) => (s.type === 'text' ? s.text : JSON.stringify(s.input))).join('');
    const usage = usageFor(body, r, outputText);
    const stopReason = r.stopReason ?? (specs.some((s) => s.type === 'tool_use') ? 'tool_use' : 'end_turn');
    const id = `msg_fake_${++seq}`;
    if (!body.stream) {
      json(res, 200, { id, type: 'message', role: 'assistant', model: body.model, content: blocks, stop_reason: stopReason, stop_sequence: null, usage: { ...usage, service_tier: 'standard' } }, r.headers);
      return;
    }
    const events: Array<[string, unknown]> = [];
    events.push(['message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1, service_tier: 'standard' } } }]);
    blocks.forEach((b, index) => {
      if (b.type === 'text') {
        events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
        for (const piece of chunks(String(b.text), 8)) {
          events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }]);
        }
      } else {
        events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } }]);
        for (const piece of chunks(JSON.stringify(b.input), 10)) {
          events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }]);
        }
      }
      events.push(['content_block_stop', { type: 'content_block_stop', index }]);
      if (index === 0) events.push(['ping', { type: 'ping' }]);
    });
    events.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens, input_tokens: usage.input_tokens, cache_creation_input_tokens: usage.cache_creation_input_tokens, cache_read_input_tokens: usage.cache_read_input_tokens } }]);
    events.push(['message_stop', { type: 'message_stop' }]);

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_fake_${++seq}`, ...(r.headers ?? {}) });
    let sent = 0;
    for (const [name, data] of events) {
      if (r.errorAfterEvents && sent === r.errorAfterEvents.count) {
        res.write(`event: error\ndata: ${JSON.stringify(errorBody(0, r.errorAfterEvents.type, r.errorAfterEvents.message))}\n\n`);
        res.end();
        return;
      }
      if (r.hangAfterEvents !== undefined && sent === r.hangAfterEvents) return;
      if (res.destroyed) return;
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      sent++;
      if (r.eventDelayMs) await sleep(r.eventDelayMs);
    }
    res.end();
  }

  async function answer(res: ServerResponse, body: MessagesBody, r: Reply): Promise<void> {
    if (r.kind === 'hang') return;
    if (r.kind === 'drop') {
      res.socket?.destroy();
      return;
    }
    if (r.delayMs) await sleep(r.delayMs);
    if (closed || res.destroyed) return;
    if (r.kind === 'error') {
      json(res, r.status, errorBody(r.status, r.type, r.message), r.headers);
      return;
    }
    await sendMessage(res, body, r);
  }

  function invalid(body: unknown): string | undefined {
    if (typeof body !== 'object' || body === null) return 'body: expected an object';
    const b = body as Partial<MessagesBody>;
    if (typeof b.model !== 'string') return 'model: Field required';
    if (!Array.isArray(b.messages)) return 'messages: Field required';
    return undefined;
  }

  const server = createServer(async (req, res) => {
    try {
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        json(res, 400, errorBody(400, undefined, 'There was an issue with the format of your request: invalid JSON'));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
      const path = (req.url ?? '/').split('?')[0]!;
      const rec: RecordedRequest = { method: req.method ?? 'GET', path, headers, body: body as MessagesBody, at: Date.now() };
      requests.push(rec);
      for (const w of [...waiters]) {
        if (messageCount() >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      if (req.method !== 'POST' || (path !== '/v1/messages' && path !== '/v1/messages/count_tokens')) {
        json(res, 404, errorBody(404, undefined, `Not found: ${req.method} ${path}`));
        return;
      }
      if (!headers['x-api-key'] && !headers['authorization']) {
        json(res, 401, errorBody(401, undefined, 'x-api-key header is required'));
        return;
      }
      const problem = invalid(body);
      if (problem) {
        json(res, 400, errorBody(400, undefined, problem));
        return;
      }
      if (path === '/v1/messages/count_tokens') {
        const counted = countHandler ? await countHandler(rec) : promptShape(rec.body).total;
        if (typeof counted === 'number') json(res, 200, { input_tokens: counted });
        else await answer(res, rec.body, counted);
        return;
      }
      if (typeof rec.body.max_tokens !== 'number') {
        json(res, 400, errorBody(400, undefined, 'max_tokens: Field required'));
        return;
      }
      const next = queue.shift() ?? (handler ? await handler(rec) : { kind: 'message' as const });
      await answer(res, rec.body, next);
    } catch (err) {
      if (!res.headersSent && !res.destroyed) json(res, 500, errorBody(500, undefined, `fake server failure: ${String(err)}`));
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messageRequests: () => requests.filter((r) => r.path === '/v1/messages'),
    enqueue: (...r) => void queue.push(...r),
    onMessage: (h) => void (handler = h),
    onCountTokens: (h) => void (countHandler = h),
    waitForMessages: (n, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (messageCount() >= n) return resolve();
        const timer = setTimeout(() => reject(new Error(`only ${messageCount()} of ${n} requests arrived`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      }),
    clearCache: () => cache.clear(),
    close: async () => {
      closed = true;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
