// `.hive/issues.jsonl` on disk, kept in step with the hive's events both ways.
//
//   • Out: after hive commits (debounced) the file is rewritten from the read model, atomically
//     (temp file + rename). The text written is remembered as the merge base, in memory and in
//     `.apiary/hive-base.jsonl` (after the file, so a crash in between merges as "no change").
//   • In: a watcher on `.hive/` notices the file changing underneath (a pull, a teammate's merge,
//     a hand edit). Our own writes are recognised by their content hash. A foreign change is
//     merged three ways — base: what the host last wrote; ours: the read model; theirs: the file —
//     and the merge's events are appended. The read model changes only through those events.
//   • Lines that cannot be parsed are reported with their line numbers and stay in the file.
//   • Start: `.apiary/hive-base.json` names the hive state the file holds (written after the file
//     and the base). A file equal to the base, with the hive still at that state, is taken as it
//     stands: no parse, no export to compare.
//
// Every read-modify-write of the file runs in one queue, so a flush, an import and a sync never
// interleave.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { HiveFileConflict, HiveFileStatus } from '../../shared/hiveViews';
import type { HiveProblem, HiveSyncResult } from '../../shared/hive';
import { ApiaryError } from '../../shared/errors';
import { keepUnparsable, parseJsonl, serializeJsonl } from './core/jsonl';
import { HIVE_DIR } from './git/commit';
import { HIVE_FILE } from './git/mergeDriver';
import { syncHive, type HiveSyncOptions } from './git/sync';
import type { HiveService } from './service';

export interface HiveFileLog {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface HiveFileSyncOptions {
  workspace: string;
  /** The host's own folder (`.apiary`): the merge base is kept there across restarts. */
  stateDir: string;
  service: HiveService;
  log: HiveFileLog;
  /** Quiet time after the last change before the file is written (default 200 ms). */
  debounceMs?: number;
  /** Called when the file's problems or conflicts change. */
  onStatus?(status: HiveFileStatus): void;
  now?(): number;
}

export interface HiveFileImport {
  imported: number;
  purged: number;
  problems: HiveProblem[];
}

const savedStateSchema = z.object({
  state: z.string(),
  problems: z.array(z.object({ line: z.number().int().positive(), reason: z.string(), source: z.enum(['base', 'ours', 'theirs', 'file']).optional(), text: z.string().optional() })),
});
type SavedState = z.infer<typeof savedStateSchema>;

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await fs.promises.writeFile(tmp, text);
  await fs.promises.rename(tmp, file);
}

/** Problems of a file as the file's own (the merge labels them by side). */
function fileProblems(problems: readonly HiveProblem[]): HiveProblem[] {
  return problems.filter((p) => p.source === 'theirs' || p.source === 'file' || p.source === undefined).map((p) => ({ ...p, source: 'file' as const }));
}

export class HiveFileSync {
  readonly file: string;
  private readonly baseFile: string;
  /** The file's text as the host last wrote or imported it: the base of the next merge. */
  private base: string | null = null;
  private baseHash: string | null = null;
  /** The records part of `base` (no kept lines), to skip rewrites that would change nothing. */
  private baseRecords: string | null = null;
  /** `.apiary/hive-base.jsonl` holds `base` (after an import that needed no rewrite, it may not yet). */
  private baseSaved = false;
  /** Beside the base: the hive state the file was last known to hold, and the file's problems. */
  private readonly stateFile: string;
  private stateText: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | null = null;
  /** When the oldest change not yet written was scheduled. */
  private pendingSince: number | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private dirWatcher: fs.FSWatcher | null = null;
  private rootWatcher: fs.FSWatcher | null = null;
  private disposed = false;
  private status: HiveFileStatus;

  constructor(private readonly opts: HiveFileSyncOptions) {
    this.file = path.join(opts.workspace, HIVE_FILE);
    this.baseFile = path.join(opts.stateDir, 'hive-base.jsonl');
    this.stateFile = path.join(opts.stateDir, 'hive-base.json');
    this.status = { path: this.file, problems: [], conflicts: [], checkedAt: null };
  }

  current(): HiveFileStatus {
    return this.status;
  }

  /**
   * Brings the hive and the file together at start: an existing file is imported into an empty
   * hive, merged into a non-empty one when it changed since the host last wrote it, and written
   * when the hive has moved on. Then watches for changes underneath.
   */
  start(): Promise<void> {
    return this.enqueue(async () => {
      const fileNow = readText(this.file);
      const savedBase = readText(this.baseFile);
      if (fileNow !== null) {
        if (this.opts.service.isEmpty()) {
          const r = await this.importFile('', fileNow, 'jsonl');
          this.opts.log.info(`hive: imported ${r.imported} cell(s) from ${HIVE_FILE}`);
        } else if (fileNow !== savedBase) {
          // Without a saved base, the host's own state is the best guess of what it last wrote.
          const r = await this.importFile(savedBase ?? this.opts.service.exportText(), fileNow, 'merge');
          if (r.imported || r.purged) this.opts.log.info(`hive: ${HIVE_FILE} changed while the host was away: merged ${r.imported} cell(s), removed ${r.purged}`);
        } else if (this.upToDate()) {
          // The file is what this host last wrote and the hive has not moved since. On a large hive,
          // parsing the file and exporting the hive to compare them would be most of the start.
          this.remember(fileNow, null);
          this.baseSaved = true;
          this.watch();
          return;
        } else {
          // Parsed once for both: on a large hive each parse is a noticeable part of the start.
          const parsed = parseJsonl(fileNow);
          this.remember(fileNow, serializeJsonl(parsed.records));
          this.baseSaved = true;
          this.setStatus({ problems: fileProblems(parsed.problems) });
        }
      }
      await this.write();
      this.watch();
    });
  }

  /**
   * Asks for a write after the debounce time (called after hive commits). A steady stream of
   * changes does not put the write off for ever: it happens at most a few debounce times after
   * the first change that waits for it.
   */
  schedule(): void {
    if (this.disposed) return;
    const debounce = this.opts.debounceMs ?? 200;
    const now = Date.now();
    this.pendingSince ??= now;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    const wait = Math.max(0, Math.min(debounce, this.pendingSince + 5 * debounce - now));
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush().catch((err: unknown) => this.opts.log.warn(`hive: writing ${HIVE_FILE} failed: ${String(err)}`));
    }, wait);
    this.flushTimer.unref?.();
  }

  /** Writes the file now (importing a change underneath first). */
  flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    this.pendingSince = null;
    return this.enqueue(() => this.write());
  }

  /** Imports the file if it changed underneath; resolves when done (the watcher calls this). */
  check(): Promise<HiveFileImport | null> {
    return this.enqueue(() => this.checkNow());
  }

  /**
   * `apiary hive sync`: writes the file, commits `.hive/` and, with a remote, pulls and pushes;
   * a file the pull changed is merged into the hive.
   */
  sync(options: Omit<HiveSyncOptions, 'dir'>): Promise<HiveSyncResult> {
    return this.enqueue(async () => {
      if (!fs.existsSync(path.join(this.opts.workspace, '.git'))) {
        throw new ApiaryError('not_found', `${this.opts.workspace} is not a git repository`, 'run `git init` there (and `git remote add origin URL` to share the hive), then sync again', {
          dir: this.opts.workspace,
        });
      }
      await this.write();
      const result = await syncHive({ ...options, dir: this.opts.workspace });
      const merged = await this.checkNow();
      result.problems = [...fileProblems(result.problems), ...(merged?.problems ?? [])];
      return result;
    });
  }

  /** Imports a JSONL file in the hive format: the hive file itself is merged, any other upserted. */
  importJsonl(file: string): Promise<HiveFileImport> {
    return this.enqueue(async () => {
      const text = readText(file);
      if (text === null) throw new ApiaryError('not_found', `no file ${file}`, 'give the path of a JSONL file in the hive format', { path: file });
      if (path.resolve(file) === this.file) return (await this.checkNow()) ?? { imported: 0, purged: 0, problems: this.status.problems };
      const parsed = parseJsonl(text);
      const r = await this.opts.service.importRecords(parsed.records, 'jsonl');
      return { ...r, problems: parsed.problems };
    });
  }

  dispose(): Promise<void> {
    this.disposed = true;
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.dirWatcher?.close();
    this.rootWatcher?.close();
    this.dirWatcher = this.rootWatcher = null;
    // Whatever is pending is written before the host goes.
    const pending = this.flushTimer !== null;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    return this.enqueue(async () => {
      if (pending) await this.write();
    }).catch((err: unknown) => this.opts.log.warn(`hive: final write of ${HIVE_FILE} failed: ${String(err)}`));
  }

  // ── inside the queue ──────────────────────────────────────────────────────────────────────

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private recordsOf(text: string): string {
    return serializeJsonl(parseJsonl(text).records);
  }

  /** The saved state matches the hive's: takes over the problems recorded with it. */
  private upToDate(): boolean {
    const text = readText(this.stateFile);
    if (text === null) return false;
    let saved: unknown;
    try {
      saved = JSON.parse(text);
    } catch {
      return false;
    }
    const parsed = savedStateSchema.safeParse(saved);
    if (!parsed.success || parsed.data.state !== this.opts.service.stateKey()) return false;
    this.stateText = text;
    this.setStatus({ problems: parsed.data.problems });
    return true;
  }

  /** Saves the base of the next merge, so that a restart finds the file unchanged since. */
  private async saveBase(): Promise<void> {
    if (this.baseSaved || this.base === null) return;
    await writeAtomic(this.baseFile, this.base);
    this.baseSaved = true;
  }

  /** Records that the file holds the hive at `state` (after the file and the base are written). */
  private async saveState(state: string): Promise<void> {
    const text = JSON.stringify({ state, problems: this.status.problems } satisfies SavedState);
    if (text === this.stateText) return;
    await writeAtomic(this.stateFile, text);
    this.stateText = text;
  }

  private remember(text: string, records: string | null): void {
    if (text !== this.base) this.baseSaved = false;
    this.base = text;
    this.baseHash = hash(text);
    this.baseRecords = records;
  }

  private setStatus(change: Partial<Pick<HiveFileStatus, 'problems' | 'conflicts'>>): void {
    const next: HiveFileStatus = { ...this.status, ...change, checkedAt: new Date(this.opts.now?.() ?? Date.now()).toISOString() };
    const changed = JSON.stringify([next.problems, next.conflicts]) !== JSON.stringify([this.status.problems, this.status.conflicts]);
    this.status = next;
    if (changed) this.opts.onStatus?.(next);
  }

  private async checkNow(): Promise<HiveFileImport | null> {
    const fileNow = readText(this.file);
    if (fileNow === null) {
      // Removed underneath (a checkout of a branch without it): the hive is still here, so put it back.
      if (this.base !== null) {
        this.opts.log.info(`hive: ${HIVE_FILE} was removed; writing it again`);
        this.base = this.baseHash = this.baseRecords = null;
        await this.write();
      }
      return null;
    }
    if (hash(fileNow) === this.baseHash) return null; // our own write, or nothing new
    return this.importFile(this.base ?? this.opts.service.exportText(), fileNow, 'merge');
  }

  /** Merges `fileNow` into the hive against `base`, then writes the file if the hive differs from it. */
  private async importFile(base: string, fileNow: string, source: 'merge' | 'jsonl'): Promise<HiveFileImport> {
    const merged = await this.opts.service.mergeFile(base, fileNow, source);
    const problems = fileProblems(merged.problems);
    const conflicts: HiveFileConflict[] = merged.conflicts.map((c) => ({ id: c.id, field: c.field, winner: c.winner, reason: c.reason }));
    for (const p of problems) this.opts.log.warn(`hive: ${HIVE_FILE} line ${p.line}: ${p.reason} (left in the file)`);
    for (const c of conflicts) this.opts.log.info(`hive: merge conflict on ${c.id} ${c.field}: ${c.reason} (${c.winner} kept)`);
    const imported = merged.events.filter((e) => e.type === 'hive.cell.imported').length;
    const purged = merged.events.length - imported;
    if (merged.events.length) this.opts.log.info(`hive: merged ${HIVE_FILE}: ${imported} cell(s) changed, ${purged} removed`);
    this.remember(fileNow, this.recordsOf(fileNow));
    this.setStatus({ problems, conflicts });
    // The file stays as it is (bad lines where they are) unless the hive holds something it lacks.
    await this.write();
    return { imported, purged, problems };
  }

  /** Writes the hive's records, keeping the file's unparsable lines; skips a write that changes nothing. */
  private async write(): Promise<void> {
    let fileNow = readText(this.file);
    if (fileNow !== null && this.baseHash !== null && hash(fileNow) !== this.baseHash) {
      // Changed underneath since we last looked: merge that first, never overwrite it.
      await this.importFile(this.base ?? this.opts.service.exportText(), fileNow, 'merge');
      return;
    }
    // Read together, with nothing awaited in between, so the key names exactly this export.
    const state = this.opts.service.stateKey();
    const records = this.opts.service.exportText();
    if (fileNow !== null && records === this.baseRecords) {
      await this.saveBase();
      await this.saveState(state);
      return;
    }
    if (fileNow === null && records === '') return; // no hive yet: no file either
    fileNow ??= '';
    const text = keepUnparsable(records, fileNow);
    const rewrite = text !== fileNow;
    if (rewrite) {
      await writeAtomic(this.file, text);
      // The base after the file: a crash in between then looks like "nothing changed underneath".
      await writeAtomic(this.baseFile, text);
      this.opts.log.debug(`hive: wrote ${HIVE_FILE} (${text.length} bytes)`);
      if (this.status.problems.length) this.setStatus({ problems: fileProblems(parseJsonl(text).problems) });
    }
    this.remember(text, records);
    if (rewrite) this.baseSaved = true;
    await this.saveBase();
    // Last: it vouches for the file and the base written above.
    await this.saveState(state);
    this.watch();
  }

  // ── watching ──────────────────────────────────────────────────────────────────────────────

  /** Watches `.hive/` when it exists, and the workspace for `.hive/` appearing or being replaced. */
  private watch(): void {
    if (this.disposed) return;
    const dir = path.join(this.opts.workspace, HIVE_DIR);
    if (!this.rootWatcher) {
      this.rootWatcher = this.tryWatch(this.opts.workspace, (name) => {
        if (name !== HIVE_DIR) return;
        this.dirWatcher?.close();
        this.dirWatcher = null;
        this.watch();
        this.scheduleCheck();
      });
    }
    if (!this.dirWatcher && fs.existsSync(dir)) {
      this.dirWatcher = this.tryWatch(dir, (name) => {
        if (name === null || name === path.basename(this.file)) this.scheduleCheck();
      });
    }
  }

  private tryWatch(dir: string, onChange: (name: string | null) => void): fs.FSWatcher | null {
    try {
      const w = fs.watch(dir, { persistent: false }, (_event, name) => onChange(name === null ? null : String(name)));
      w.on('error', () => {
        w.close();
        if (this.dirWatcher === w) this.dirWatcher = null;
        if (this.rootWatcher === w) this.rootWatcher = null;
      });
      return w;
    } catch (err) {
      this.opts.log.debug(`hive: cannot watch ${dir}: ${String(err)}`);
      return null;
    }
  }

  private scheduleCheck(): void {
    if (this.disposed) return;
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => {
      this.checkTimer = null;
      void this.check().catch((err: unknown) => this.opts.log.warn(`hive: importing ${HIVE_FILE} failed: ${err instanceof Error ? err.message : String(err)}`));
    }, 100);
    this.checkTimer.unref?.();
  }
}
