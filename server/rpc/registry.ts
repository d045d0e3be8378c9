// Request handlers, registered once and attached to every client connection. Params are
// validated with the shared zod schemas; every failure leaves as a structured error.
import { CancellationToken, ResponseError, type MessageConnection, type RequestType, type RequestType0 } from 'vscode-jsonrpc';
import { z } from 'zod';
import { ApiaryError, RpcErrorCodes, type ApiaryErrorData } from '../../shared/errors';
import type { Session } from '../host/session';

/** Any declared request; its result type is recovered with HandlerOf. */
type AnyRequest = { readonly method: string };
type Handler = (params: unknown, session: Session, token: CancellationToken) => Promise<unknown> | unknown;

export type HandlerOf<R> = R extends RequestType<infer _P, infer Res, infer _E>
  ? Res
  : R extends RequestType0<infer Res, infer _E>
    ? Res
    : never;

export class RpcRegistry {
  private readonly handlers = new Map<string, Handler>();

  constructor(private readonly onInternalError: (method: string, err: unknown) => void = () => {}) {}

  /** Registers a request whose params are validated by `schema` (null: takes no params). */
  on<S extends z.ZodType | null, T extends AnyRequest>(
    type: T,
    schema: S,
    /** `token` is cancelled when the client cancels the request or disconnects. */
    handler: (params: S extends z.ZodType ? z.output<S> : void, session: Session, token: CancellationToken) => Promise<HandlerOf<T>> | HandlerOf<T>,
  ): void {
    if (this.handlers.has(type.method)) throw new Error(`handler for ${type.method} registered twice`);
    this.handlers.set(type.method, async (raw, session, token) => {
      let params: unknown = undefined;
      if (schema) {
        const parsed = schema.safeParse(raw ?? {});
        if (!parsed.success) throw invalidParams(parsed.error);
        params = parsed.data;
      } else if (raw !== undefined && raw !== null && !(typeof raw === 'object' && Object.keys(raw).length === 0)) {
        throw new ApiaryError('invalid_params', `${type.method} takes no parameters`);
      }
      return handler(params as S extends z.ZodType ? z.output<S> : void, session, token);
    });
  }

  methods(): string[] {
    return [...this.handlers.keys()];
  }

  /** Serves this registry's requests on a connection for one session. */
  attach(conn: MessageConnection, session: Session, closed: CancellationToken = CancellationToken.None): void {
    conn.onRequest(async (method: string, params: unknown, cancel: CancellationToken) => {
      const handler = this.handlers.get(method);
      if (!handler) {
        return toResponseError(new ApiaryError('unknown_request', `unknown request ${method}`, 'See shared/protocol.ts for the requests this host serves.'));
      }
      try {
        return await handler(params === null ? undefined : params, session, either(cancel, closed));
      } catch (err) {
        if (!(err instanceof ApiaryError)) this.onInternalError(method, err);
        return toResponseError(err);
      }
    });
  }
}

export function invalidParams(error: z.ZodError): ApiaryError {
  const issues = error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(params)'}: ${i.message}`);
  return new ApiaryError('invalid_params', `invalid parameters: ${issues.join('; ')}`, 'Check the request against its schema in shared/.', { issues });
}

export function toResponseError(err: unknown): ResponseError<ApiaryErrorData> {
  const e =
    err instanceof ApiaryError
      ? err
      : new ApiaryError('internal', `internal error: ${err instanceof Error ? err.message : String(err)}`, 'See the host log (Apiary: Show Host Log).');
  return new ResponseError(RpcErrorCodes[e.code], e.message, e.toData());
}

/** Cancelled when either token is: the request's own, or its connection closing. */
function either(a: CancellationToken, b: CancellationToken): CancellationToken {
  if (b === CancellationToken.None) return a;
  return {
    get isCancellationRequested() {
      return a.isCancellationRequested || b.isCancellationRequested;
    },
    onCancellationRequested: (listener, thisArgs, disposables) => {
      const d1 = a.onCancellationRequested(listener, thisArgs, disposables);
      const d2 = b.onCancellationRequested(listener, thisArgs, disposables);
      return { dispose: () => (d1.dispose(), d2.dispose()) };
    },
  };
}
