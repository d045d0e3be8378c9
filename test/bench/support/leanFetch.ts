// A small `fetch` for the MCP benchmark's clients, built on node:http with a keep-alive agent.
// Node's global fetch (undici) spends more CPU per loopback call than the host answering it, so
// on a small machine the clients, not the host, set the throughput. The SDK's Streamable HTTP
// client transport takes a `fetch` option: this one keeps its behaviour for what the client uses —
// status, headers, a JSON body read whole, an SSE body streamed as it arrives (initialize,
// progress, the GET notification stream), an abort signal — and nothing more (no redirects
// followed, no cookies, no compression, http: only).
import http from 'node:http';
import { Readable } from 'node:stream';

/** Statuses whose Response must have a null body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

function plainHeaders(init: HeadersInit | undefined): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  if (!init) return out;
  if (init instanceof Headers) init.forEach((v, k) => (out[k] = v));
  else if (Array.isArray(init)) for (const [k, v] of init) out[k.toLowerCase()] = v;
  else for (const [k, v] of Object.entries(init)) out[k.toLowerCase()] = v;
  return out;
}

function responseHeaders(res: http.IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const one of v) h.append(k, one);
    else h.set(k, v);
  }
  return h;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted.', 'AbortError');
}

export interface LeanFetch {
  (url: string | URL, init?: RequestInit): Promise<Response>;
  /** Closes the agent's idle sockets. */
  close(): void;
}

export function leanFetch(): LeanFetch {
  const agent = new http.Agent({ keepAlive: true });
  const fetchFn = (url: string | URL, init?: RequestInit): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const target = typeof url === 'string' ? new URL(url) : url;
      if (target.protocol !== 'http:') return reject(new TypeError(`leanFetch speaks http: only, not ${target.protocol}`));
      const signal = init?.signal ?? undefined;
      if (signal?.aborted) return reject(abortError(signal));
      const body = init?.body;
      if (body !== undefined && body !== null && typeof body !== 'string') return reject(new TypeError('leanFetch sends string bodies only'));
      const headers = plainHeaders(init?.headers);
      if (typeof body === 'string') headers['content-length'] = Buffer.byteLength(body);
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method: init?.method ?? 'GET', headers },
        (res) => {
          const status = res.statusCode ?? 0;
          const meta = { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res) };
          if (NULL_BODY.has(status)) {
            res.resume();
            return resolve(new Response(null, meta));
          }
          // An event stream is handed over as it arrives: its events come over time.
          if (res.headers['content-type']?.startsWith('text/event-stream')) {
            return resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, meta));
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            // A Buffer from the socket never sits on a SharedArrayBuffer.
            resolve(new Response(new Uint8Array(buf.buffer as ArrayBuffer, buf.byteOffset, buf.length), meta));
          });
          res.on('error', reject);
        },
      );
      if (signal) {
        const onAbort = (): void => {
          req.destroy(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  return Object.assign(fetchFn, { close: () => agent.destroy() });
}
