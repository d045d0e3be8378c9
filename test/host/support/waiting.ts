// Waiting for what a host does asynchronously, and reading how it refused: the small tools every
// host spec uses.
import type { MessageConnection, NotificationType } from 'vscode-jsonrpc';
import { ResponseError } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from '../../../shared/errors';

export const MINUTE = 60_000;

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

type NotYet = undefined | false | null;

/** Polls a check until it gives a value (undefined, false and null mean "not yet"). */
export async function until<T>(what: string, check: () => T | NotYet, timeoutMs = 10_000): Promise<T> {
  return eventually(what, async () => check(), timeoutMs);
}

/** Like until, for checks that must ask the host. */
export async function eventually<T>(what: string, check: () => Promise<T | NotYet>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
