// Helpers for tests that run the agent host for real: the built CLI as a child process, or a host
// in this process, with clients attached over its socket using the real JSON-RPC library.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createMessageConnection, SocketMessageReader, SocketMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { HelloRequest, ReadEventsRequest, type HelloResult, type HostInfo } from '../../shared/protocol';
import type { EventEnvelope } from '../../shared/events';
import { isAlive } from '../../server/host/processes';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

let built = false;

/** Builds `dist/cli.js` (node esbuild.mjs) unless it is newer than every server and shared source. */
export function ensureCliBuilt(): void {
  if (built) return;
  const sources = Math.max(newestSource(path.join(repoRoot, 'server')), newestSource(path.join(repoRoot, 'shared')));
  if (!fs.existsSync(cliPath) || fs.statSync(cliPath).mtimeMs < sources) {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'pipe' });
  }
  built = true;
}

const workspaces: string[] = [];
const children = new Set<ChildProcess>();

/** Registers a process a test started itself, so `cleanUp` ends it if the test did not. */
export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** An empty workspace folder under the system temp dir. */
export function tempWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-ws-'));
  workspaces.push(dir);
  return dir;
}

export function hostJsonOf(workspace: string): HostInfo | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(workspace, '.apiary', 'host.json'), 'utf8')) as HostInfo;
  } catch {
    return null;
  }
}

/**
 * Ends every process these helpers started, and hosts started on their behalf (background hosts
 * found through a workspace's host.json), then removes the workspaces.
 */
export async function cleanUp(): Promise<void> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
  for (const ws of workspaces.splice(0)) {
    const info = hostJsonOf(ws);
    if (info && info.pid !== process.pid && isAlive(info.pid)) {
      process.kill(info.pid, 'SIGKILL');
      await waitFor(() => !isAlive(info.pid), 5000, 'a background host to end');
    }
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `apiary ARGS` to completion. */
export function runCli(args: string[], opts: { timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`apiary ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 20_000} ms; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The JSON document a `--json` invocation printed on stdout. */
export function jsonOf<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`expected JSON on stdout, got ${JSON.stringify(r.stdout)} (stderr: ${r.stderr})`);
  }
}

export interface ServedHost {
  child: ChildProcess;
  info: HostInfo;
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** A `serve` that ended without serving: how it exited and what it said. */
export class ServeFailure extends Error {
  constructor(
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`the host exited (${code}) before it served; stdout: ${stdout} stderr: ${stderr}`);
  }
}

/** Spawns `apiary serve ARGS --json` and waits for it to report that it listens. */
export function startServe(workspace: string, extra: string[] = []): Promise<ServedHost> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--workspace', workspace, '--json', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host did not start in time; stderr: ${stderr}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n')[0];
      if (!stdout.includes('\n') || !line) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = null;
      }
      // An error document means it will exit: the exit handler below reports it.
      if (parsed && typeof parsed === 'object' && 'pid' in parsed) {
        clearTimeout(timer);
        resolve({ child, info: parsed as HostInfo, exited, stderr: () => stderr });
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new ServeFailure(code, stdout, stderr));
    });
  });
}

/** Sends a signal and waits for the process to end. */
export async function stopHost(host: ServedHost, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (host.child.exitCode === null && host.child.signalCode === null) host.child.kill(signal);
  return host.exited;
}

export interface Client {
  conn: MessageConnection;
  hello: HelloResult;
  socket: net.Socket;
}

/** Attaches to a host's socket with the real JSON-RPC client and says hello. */
export async function connect(socketPath: string, name = 'test'): Promise<Client> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(socketPath);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  const reader = new SocketMessageReader(socket);
  // A host killed in the middle of an answer would leave this reader re-arming a timer forever.
  reader.partialMessageTimeout = 0;
  const conn = createMessageConnection(reader, new SocketMessageWriter(socket));
  // When the host goes away, fail the requests still waiting instead of leaving them pending.
  conn.onClose(() => conn.dispose());
  conn.listen();
  const hello = await conn.sendRequest(HelloRequest, { client: { name, kind: 'test' } });
  return { conn, hello, socket };
}

/** Every event in the log, read page by page. */
export async function readAllEvents(conn: MessageConnection): Promise<EventEnvelope[]> {
  const out: EventEnvelope[] = [];
  for (;;) {
    const page = await conn.sendRequest(ReadEventsRequest, { from: out.length + 1, limit: 10_000 });
    out.push(...page.events);
    if (page.events.length === 0 || out.length >= page.head) return out;
  }
}
