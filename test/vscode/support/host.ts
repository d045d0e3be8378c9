// Reading the agent host's own files in the spec workspace, as a second opinion next to the UI.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The checkout (its dist/cli.js is the build the installed extension was packaged from). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface HostJson {
  pid: number;
  socket: string;
  [key: string]: unknown;
}

export function readHostJson(workspace: string): HostJson | undefined {
  const file = path.join(workspace, '.apiary', 'host.json');
  if (!existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const rec = parsed as Record<string, unknown>;
  if (typeof rec.pid !== 'number' || typeof rec.socket !== 'string') return undefined;
  return { ...rec, pid: rec.pid, socket: rec.socket };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
