// Shared set-up for the store's unit tests: throwaway folders, stores over them, table dumps.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Database } from 'sql.js';
import { ApiaryError } from '../../../shared/errors';
import type { Projection } from '../../../server/store/projection';
import type { ProjectionEngine } from '../../../server/store/projectionEngine';
import { Store, type StoreOptions } from '../../../server/store/store';
import { SegmentLog, type SegmentLogOptions } from '../../../server/store/segmentLog';

const made: string[] = [];

/** A fresh temporary folder, removed by `cleanTempDirs` (call it in an `after` hook). */
export function tempDir(prefix = 'apiary-store-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function openLog(dir: string, opts: Partial<SegmentLogOptions> = {}): SegmentLog {
  return SegmentLog.open({ dir, ...opts });
}

export function openStore(dir: string, projections: Projection[] = [], opts: Partial<StoreOptions> = {}): Promise<Store> {
  // Snapshots only when a test asks for one, so tests control what a reopen starts from.
  return Store.open({ dir, projections, snapshotEvery: 1_000_000, snapshotAfterMs: 0, ...opts });
}

/** Stops a store the way a crash would: the log is closed, but no snapshot is written. */
export function crash(store: Store): void {
  store.discard();
}

/** Segment files of a log folder, oldest first, as full paths. */
export function segmentFiles(logDir: string): string[] {
  return fs
    .readdirSync(logDir)
    .filter((n) => n.endsWith('.seg'))
    .sort()
    .map((n) => path.join(logDir, n));
}

/**
 * Every user table (and `_projections`) with its rows in a stable order: what "equal read models"
 * means. Given a store or an engine with its database, the checkpoints are first written into the
 * database, as a snapshot would carry them.
 */
export function dumpTables(source: Database | { db: Database; engine: ProjectionEngine }, opts: { withCheckpoints?: boolean } = {}): Record<string, unknown[][]> {
  const db = 'engine' in source ? source.db : source;
  if ('engine' in source && opts.withCheckpoints) source.engine.persistCheckpoints();
  const out: Record<string, unknown[][]> = {};
  const names = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")[0]?.values ?? [];
  for (const [n] of names) {
    const name = String(n);
    if (name === '_projections' && !opts.withCheckpoints) continue;
    const columns = db.exec(`PRAGMA table_info("${name}")`)[0]?.values.length ?? 1;
    const order = Array.from({ length: columns }, (_, i) => i + 1).join(', ');
    const res = db.exec(`SELECT * FROM "${name}" ORDER BY ${order}`)[0];
    out[name] = res ? res.values.map((row) => [...row]) : [];
  }
  return out;
}

/** Runs `fn` and returns the ApiaryError it throws (or rejects with); fails when it does not. */
export async function refusal(fn: () => unknown): Promise<ApiaryError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ApiaryError) return err;
    throw new Error(`expected an ApiaryError, got ${String(err)}`);
  }
  throw new Error('expected a refusal, but the call succeeded');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `cond` holds, polling; fails after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
