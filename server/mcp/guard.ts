// Who may talk to the MCP endpoint: a local process (loopback peer), addressing us by a loopback
// name (the Host header: defeats DNS rebinding), from no web page or a local one (Origin), with
// the workspace token. Pure: the HTTP server applies the verdict.
import type { ErrorCode } from '../../shared/errors';

export const LOOPBACK_HOSTNAMES = ['127.0.0.1', 'localhost', '[::1]'];

export interface RequestFacts {
  /** The TCP peer (`socket.remoteAddress`). */
  remoteAddress: string | undefined;
  host: string | undefined;
  origin: string | undefined;
  authorization: string | undefined;
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; code: ErrorCode; message: string; hint: string };

/** Host header values we answer to: the loopback names with our port. */
export function allowedHosts(port: number): string[] {
  return LOOPBACK_HOSTNAMES.map((h) => `${h}:${port}`);
}

/** allowedHosts as a set, built once per port (every request is checked against it). */
const hostSets = new Map<number, ReadonlySet<string>>();
function allowedHostSet(port: number): ReadonlySet<string> {
  let set = hostSets.get(port);
  if (!set) hostSets.set(port, (set = new Set(allowedHosts(port))));
  return set;
}

/** Same-port loopback origins (what a page served by this host would send). */
export function sameOrigins(port: number): string[] {
  return LOOPBACK_HOSTNAMES.flatMap((h) => [`http://${h}:${port}`, `https://${h}:${port}`]);
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** An `http(s)://` origin on a loopback name, any port. `null` (sandboxed or file pages) is not one. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return LOOPBACK_HOSTNAMES.includes(url.hostname.toLowerCase());
}

export function bearerToken(authorization: string | undefined): string | null {
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization ?? '');
  return m ? m[1]! : null;
}

export function checkRequest(facts: RequestFacts, port: number, tokenMatches: (token: string) => boolean): Verdict {
  if (!isLoopbackAddress(facts.remoteAddress)) {
    return refuse(403, `connections from ${facts.remoteAddress ?? 'an unknown peer'} are refused`, 'The Apiary MCP server serves this machine only.');
  }
  const host = facts.host?.toLowerCase();
  if (!host || !allowedHostSet(port).has(host)) {
    return refuse(403, `Host header ${JSON.stringify(facts.host ?? '')} is not a loopback name for this server`, `Address the server as http://127.0.0.1:${port}/mcp (or localhost / [::1]).`);
  }
  if (facts.origin !== undefined && !isLoopbackOrigin(facts.origin)) {
    return refuse(403, `requests from origin ${JSON.stringify(facts.origin)} are refused`, 'Only local pages (http://localhost…) and non-browser clients may call this server.');
  }
  const token = bearerToken(facts.authorization);
  if (token === null) {
    return {
      ok: false,
      status: 401,
      code: 'forbidden',
      message: 'missing Authorization: Bearer <token>',
      hint: 'Send the workspace token from .apiary/token (`apiary mcp-token` prints it), or use the stdio bridge `apiary mcp`.',
    };
  }
  if (!tokenMatches(token)) {
    return {
      ok: false,
      status: 401,
      code: 'forbidden',
      message: 'the bearer token is not this workspace\'s token',
      hint: 'The token may have been rotated: read it again from .apiary/token (`apiary mcp-token`).',
    };
  }
  return { ok: true };
}

function refuse(status: 403, message: string, hint: string): Verdict {
  return { ok: false, status, code: 'forbidden', message, hint };
}
