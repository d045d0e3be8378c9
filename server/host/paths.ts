import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

export interface WorkspacePaths {
  workspace: string;
  apiary: string;
  lock: string;
  hostJson: string;
  hostLog: string;
  /** Present while a host opens its store slowly (HostStarting). */
  starting: string;
  socket: string;
}

export function workspacePaths(workspace: string): WorkspacePaths {
  const ws = path.resolve(workspace);
  const apiary = path.join(ws, '.apiary');
  return {
    workspace: ws,
    apiary,
    lock: path.join(apiary, 'host.lock'),
    hostJson: path.join(apiary, 'host.json'),
    hostLog: path.join(apiary, 'host.log'),
    starting: path.join(apiary, 'host.starting.json'),
    socket: socketPath(ws, apiary),
  };
}

function socketPath(workspace: string, apiary: string): string {
  const id = createHash('sha256').update(workspace).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\apiary-${id}`;
  const local = path.join(apiary, 'host.sock');
  // Unix socket paths are limited to ~104 bytes; deep workspaces fall back to the temp dir.
  return Buffer.byteLength(local) < 100 ? local : path.join(os.tmpdir(), `apiary-${id}.sock`);
}
