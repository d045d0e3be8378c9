// What the fake Messages API answers, and builders tests use to script it.

export interface WireUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number } | null;
  inference_geo?: string;
}

export type ContentSpec =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; name: string; input: unknown; id?: string };

export interface MessageReply {
  kind: 'message';
  content?: ContentSpec[];
  /** Replaces the simulated usage field by field. */
  usage?: Partial<WireUsage>;
  stopReason?: string;
  /** Wait before the response starts. */
  delayMs?: number;
  /** Streaming: wait between SSE events. */
  eventDelayMs?: number;
  /** Streaming: send this many events, then go silent (the connection stays open). */
  hangAfterEvents?: number;
  /** Streaming: after this many events send an SSE `error` event and end. */
  errorAfterEvents?: { count: number; type: string; message?: string };
  headers?: Record<string, string>;
}

export interface ErrorReply {
  kind: 'error';
  status: number;
  type?: string;
  message?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** Never answers (until the server closes). */
export interface HangReply {
  kind: 'hang';
}

/** Destroys the connection without an answer. */
export interface DropReply {
  kind: 'drop';
}

export type Reply = MessageReply | ErrorReply | HangReply | DropReply;

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  529: 'overloaded_error',
};

export const reply = {
  text(text: string, opts: Omit<MessageReply, 'kind' | 'content'> = {}): MessageReply {
    return { kind: 'message', content: [{ type: 'text', text }], ...opts };
  },
  toolUse(name: string, input: unknown, opts: Omit<MessageReply, 'kind' | 'content'> & { text?: string } = {}): MessageReply {
    const { text, ...rest } = opts;
    const content: ContentSpec[] = text ? [{ type: 'text', text }] : [];
    content.push({ type: 'tool_use', name, input });
    return { kind: 'message', content, stopReason: 'tool_use', ...rest };
  },
  error(status: number, opts: Omit<ErrorReply, 'kind' | 'status'> = {}): ErrorReply {
    return { kind: 'error', status, ...opts };
  },
  /** 429 with `retry-after` (seconds, or an HTTP date when given a Date). */
  rateLimited(retryAfter?: number | Date, opts: Omit<ErrorReply, 'kind' | 'status'> = {}): ErrorReply {
    const headers = { ...(opts.headers ?? {}) };
    if (retryAfter instanceof Date) headers['retry-after'] = retryAfter.toUTCString();
    else if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
    return { kind: 'error', status: 429, message: 'Number of request tokens has exceeded your rate limit.', ...opts, headers };
  },
  overloaded(opts: Omit<ErrorReply, 'kind' | 'status'> = {}): ErrorReply {
    return { kind: 'error', status: 529, message: 'Overloaded', ...opts };
  },
  hang(): HangReply {
    return { kind: 'hang' };
  },
  drop(): DropReply {
    return { kind: 'drop' };
  },
};

export function errorBody(status: number, type: string | undefined, message: string | undefined): unknown {
  const t = type ?? ERROR_TYPES[status] ?? 'api_error';
  return { type: 'error', error: { type: t, message: message ?? (status ? `HTTP ${status}` : t) } };
}

/** Splits text into small pieces, as a real stream delivers it. */
export function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}
