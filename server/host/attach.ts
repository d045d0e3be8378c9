// How every client other than the host reaches it: read `.apiary/host.json`, connect to the
// socket, and when no host runs, start a background one and wait until it answers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createMessageConnection, SocketMessageReader, SocketMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { ApiaryError } from '../../shared/errors';
import { HelloRequest, type HelloResult, type HostStarting, type LogLevel } from '../../shared/protocol';
import type { HelloParams } from '../../shared/schemas';
import { ensureApiaryDir, readHostFile, readStartingFile } from './hostFile';
import { workspacePaths } from './paths';
import { isAlive } from './processes';

export interface AttachOptions {
  client: HelloParams['client'];
  logLevel?: LogLevel;
  /** Start a background host when none runs (default true). */
  start?: boolean;
  /** How long to wait for a host to answer; renewed each time a starting host reports progress. */
  timeoutMs?: number;
  /** Told when the host being waited for reports progress (a replay of a large log). */
  onStarting?: (starting: HostStarting) => void;
}

export interface Attached {
  conn: MessageConnection;
  hello: HelloResult;
  /** True when this call started the host. */
  started: boolean;
}

/** The script that runs the host: this bundle, or the built one when running from sources. */
export function hostScript(): string {
  if (__filename.endsWith('.js')) return __filename;
  return path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
}

function connectSocket(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function tryAttach(workspace: string, opts: AttachOptions): Promise<Omit<Attached, 'started'> | null> {
  const p = workspacePaths(workspace);
  const info = readHostFile(p.hostJson);
  if (!info || !isAlive(info.pid)) return null;
  let socket: net.Socket;
  try {
    socket = await connectSocket(info.socket);
  } catch {
    return null;
  }
  const reader = new SocketMessageReader(socket);
  // A host that dies in the middle of an answer would leave the reader re-arming a timer forever
  // (it survives dispose), keeping a finished CLI process alive.
  reader.partialMessageTimeout = 0;
  const conn = createMessageConnection(reader, new SocketMessageWriter(socket));
  conn.listen();
  const hello = await conn.sendRequest(HelloRequest, { client: opts.client, logLevel: opts.logLevel });
  return { conn, hello };
}

export function spawnBackgroundHost(workspace: string): number {
  const p = workspacePaths(workspace);
  ensureApiaryDir(p.apiary);
  const out = fs.openSync(p.hostLog, 'a', 0o600);
  const child = spawn(process.execPath, [hostScript(), 'serve', '--workspace', p.workspace, '--background'], {
    detached: true,
    stdio: ['ignore', out, out],
    env: process.env,
    windowsHide: true,
  });
  child.unref();
  fs.closeSync(out);
  return child.pid ?? 0;
}

export async function attach(workspace: string, opts: AttachOptions): Promise<Attached> {
  const first = await tryAttach(workspace, opts);
  if (first) return { ...first, started: false };
  if (opts.start === false) {
    throw new ApiaryError('unavailable', `no agent host runs for ${path.resolve(workspace)}`, 'Start one with `apiary serve` (or run any other verb, which starts one).');
  }
  if (!fs.existsSync(workspace) || !fs.statSync(workspace).isDirectory()) {
    throw new ApiaryError('invalid_params', `workspace ${path.resolve(workspace)} is not a folder`);
  }
  const pid = spawnBackgroundHost(workspace);
  const timeout = opts.timeoutMs ?? 20_000;
  let deadline = Date.now() + timeout;
  let seen = 0;
  // Another starter may win the race for the lock: whoever wins, attach to it.
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 40));
    const got = await tryAttach(workspace, opts);
    if (got) return { ...got, started: got.hello.host.pid === pid };
    // A host replaying a large log is slow, not stuck: each report it writes renews the wait.
    const starting = readStartingFile(workspacePaths(workspace).starting);
    if (starting && starting.at > seen && isAlive(starting.pid)) {
      seen = starting.at;
      deadline = Math.max(deadline, Date.now() + timeout);
      opts.onStarting?.(starting);
    }
    if (pid && !isAlive(pid) && !readHostFile(workspacePaths(workspace).hostJson) && !isAlive(lockPid(workspacePaths(workspace).lock))) {
      // Our host died before it served and no other host is starting (one that won the race for
      // the lock holds it while it opens the store); its log says why.
      break;
    }
  }
  throw new ApiaryError('unavailable', `the agent host for ${path.resolve(workspace)} did not start`, `See ${workspacePaths(workspace).hostLog}: ${lastLines(workspacePaths(workspace).hostLog)}`);
}

/** The pid in a host lock file (0 when there is none or it is unreadable). */
function lockPid(file: string): number {
  try {
    const pid = (JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : 0;
  } catch {
    return 0;
  }
}

function lastLines(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '(no log)';
  }
}
