// One writer per workspace: the host holds `.apiary/host.lock` (its pid). A lock whose pid is
// dead is taken over, under a short-lived guard file so that two starters racing over the same
// stale lock cannot both win.
import fs from 'node:fs';
import { isAlive } from './processes';

export type LockResult = { acquired: true; release: () => void } | { acquired: false; pid: number };

const GUARD_STALE_MS = 10_000;

function readPid(file: string): number {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown };
    return typeof parsed.pid === 'number' ? parsed.pid : 0;
  } catch {
    // Unreadable or half-written: treat as stale (a live host rewrites it on start only).
    return 0;
  }
}

function tryCreate(file: string): boolean {
  try {
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

export function acquireHostLock(file: string): LockResult {
  const release = (): void => {
    if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (tryCreate(file)) return { acquired: true, release };
    const pid = readPid(file);
    if (pid === process.pid) return { acquired: true, release };
    if (pid && isAlive(pid)) return { acquired: false, pid };
    if (!pid && isYoung(file)) {
      // Created by another starter that has not written its pid yet: not stale, wait for it.
      sleepSync(50);
      continue;
    }
    // Stale: take it over under the guard.
    const guard = `${file}.takeover`;
    if (!tryCreate(guard)) {
      try {
        if (Date.now() - fs.statSync(guard).mtimeMs > GUARD_STALE_MS) fs.rmSync(guard, { force: true });
      } catch {
        // the guard vanished meanwhile: fine
      }
      sleepSync(20);
      continue;
    }
    try {
      if (readPid(file) === pid) fs.rmSync(file, { force: true });
    } finally {
      fs.rmSync(guard, { force: true });
    }
  }
  return { acquired: false, pid: readPid(file) };
}

/** A lock file without a readable pid is someone's write in progress for this long, then stale. */
const WRITE_GRACE_MS = 1000;

function isYoung(file: string): boolean {
  try {
    return Date.now() - fs.statSync(file).mtimeMs < WRITE_GRACE_MS;
  } catch {
    return false;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
