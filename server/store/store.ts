// The store as the rest of the host sees it: the durable log, the write side, the sql.js read
// models and their snapshots, wired together and recovered on open.
import path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { ApiaryError } from '../../shared/errors';
import type { EventEnvelope } from '../../shared/events';
import type { ReplayResult, StoreStatus, VerifyReport } from '../../shared/protocol';
import { decodePayload, EventStore } from './eventStore';
import { newHead, readHead, TypeNames } from './head';
import type { Projection } from './projection';
import { ProjectionEngine, type ProjectionStatus } from './projectionEngine';
import { FRAME_HEADER_SIZE, type FrameAt } from './framing';
import { bytesToScan, SegmentLog } from './segmentLog';
import { listSnapshots, readSnapshot, removeStaleTemporaries, snapshotAnchors, writeSnapshot, writeSnapshotInBackground, type Snapshot, type StoredSnapshot } from './snapshot';
import { ParallelReplay, workersFor, type ReplayWorkers } from './replay/coordinator';
import { describeFold, foldLog, type FoldLimit, type Folded } from './replay/fold';
import { ReplayJobs, type FoldJob, type ReplayJobOptions } from './replay/jobs';
import { emptyDatabase, loadSqlJs, replayRoom } from './sqljs';
import { StreamIndex } from './streamIndex';

export interface StoreOptions {
  /** The workspace's `.apiary` folder (log/ and snapshots/ live under it). */
  dir: string;
  projections: Projection[];
  now?: () => Date;
  maxSegmentBytes?: number;
  /** Take a snapshot after this many new events (default 10,000; a tenth of the log once that is more) … */
  snapshotEvery?: number;
  /** … or this long after the first unsnapshotted event (default 60 s) when they are 1% of the log or more. 0 disables the timer. */
  snapshotAfterMs?: number;
  onWarning?: (message: string) => void;
  onProjectionError?: (projection: string, event: EventEnvelope, err: unknown) => void;
  /** Replay the whole log instead of starting from a snapshot. */
  ignoreSnapshots?: boolean;
  /** Told how a replay on open advances, a few times a second while it runs (a large log takes seconds). */
  onProgress?: (progress: ReplayProgress) => void;
  /** At most one progress report per this many ms (default 250). */
  progressEveryMs?: number;
  /**
   * Worker threads for a replay from the start of a long log (no usable snapshot): the read
   * models are built on them in parallel. Without it, or when they fail, the replay runs here.
   */
  replayWorkers?: ReplayWorkers;
  /** Time travel and the audit run on a worker of `replayWorkers` when there are any: their limits. */
  jobs?: ReplayJobOptions;
}

export interface ReplayProgress {
  /** Events folded into the read models so far (read from the log, on worker threads). */
  events: number;
  /** Share of the log's bytes read, 0–1 (an estimate: the last segment's preallocated tail counts). */
  fraction: number;
}

const PROGRESS_EVERY_MS = 250;

export interface OpenReport {
  fromSnapshot: number;
  replayed: number;
  rebuilt: string[];
  ms: number;
  /** Worker threads the replay ran on (0: this thread). */
  workers: number;
}

const APPLY_CHUNK = 5000;

export class Store {
  private eventsSinceSnapshot = 0;
  private snapshotTimer: NodeJS.Timeout | null = null;
  private snapshotPosition = 0;
  /** The newest snapshot whose file is on disk. */
  private writtenPosition = 0;
  /** Snapshots taken but still being written, in order. */
  private writing: Promise<void> = Promise.resolve();
  /** The read models differ from the newest snapshot at the same position (rebuilt or caught up on open). */
  private snapshotStale = false;
  private closed = false;
  /** Time travel and audits on workers (made on first use). */
  private offThread: ReplayJobs | null = null;

  private constructor(
    readonly SQL: SqlJsStatic,
    readonly db: Database,
    readonly engine: ProjectionEngine,
    readonly events: EventStore,
    readonly log: SegmentLog,
    private readonly opts: StoreOptions,
    readonly opened: OpenReport,
  ) {
    this.snapshotPosition = opened.fromSnapshot;
    this.writtenPosition = opened.fromSnapshot;
    events.onCommitted((batch) => {
      engine.apply(batch);
      this.noteCommitted(batch.length);
    });
  }

  static async open(opts: StoreOptions): Promise<Store> {
    const started = performance.now();
    const SQL = await loadSqlJs();
    const snapDir = path.join(opts.dir, 'snapshots');
    removeStaleTemporaries(snapDir);
    let snap: StoredSnapshot | null = null;
    for (const file of opts.ignoreSnapshots ? [] : listSnapshots(snapDir)) {
      const s = readSnapshot(file);
      if ('error' in s) {
        opts.onWarning?.(`skipped snapshot ${path.basename(file)}: ${s.error}`);
        continue;
      }
      snap = s;
      break;
    }
    const logDir = path.join(opts.dir, 'log');
    // Without a snapshot the whole log is replayed: on worker threads when it is long and the host
    // provides them, and into a database with room for it either way.
    const logBytes = snap ? 0 : bytesToScan(logDir);
    if (!snap && opts.replayWorkers) {
      const count = workersFor(opts.replayWorkers, logBytes, opts.projections.length);
      const store = count > 0 ? await Store.openInParallel(SQL, opts, count, logBytes, started) : null;
      if (store) return store;
    }
    const db = snap ? new SQL.Database(snap.db) : emptyDatabase(SQL, replayRoom(logBytes));
    const index = snap ? snap.index : new StreamIndex();
    const engine = new ProjectionEngine(db, opts.onProjectionError);
    const rebuilt = opts.projections.filter((p) => engine.register(p)).map((p) => p.name);
    const resumeAt = snap?.header.point.position ?? 0;
    let replayed = 0;
    let chunk: EventEnvelope[] = [];
    const lagging = engine.lowestPosition() < resumeAt;
    // Without a snapshot the whole log is read, and its size is already known.
    const toRead = (): number => (snap ? bytesToScan(logDir, lagging ? undefined : snap.header.point) : logBytes);
    const progress = opts.onProgress ? new ProgressMeter(opts.onProgress, toRead(), opts.progressEveryMs ?? PROGRESS_EVERY_MS) : null;
    const head = newHead();
    const types = new TypeNames();
    // An event no read model handles (much of a working log) is only read as far as its head, left
    // in `head`: the index needs no more, and nothing is decoded.
    const unwanted = ({ buf, start, end, count, firstPosition }: FrameAt): boolean =>
      count === 1 && readHead(buf, start, end, head) && !engine.wants(types.of(buf, head), firstPosition);
    const feed = (frame: FrameAt): void => {
      const { buf, start, end } = frame;
      progress?.read(FRAME_HEADER_SIZE + end - start);
      if (unwanted(frame)) {
        if (head.position > resumeAt) index.recordHead(buf, head);
        if (++replayed % 1024 === 0) progress?.tick(replayed);
        return;
      }
      for (const e of decodePayload(buf.subarray(start, end))) {
        if (e.position > resumeAt) index.record(e.id, e.stream, e.version, e.position);
        chunk.push(e);
      }
      if (chunk.length >= APPLY_CHUNK) {
        engine.apply(chunk);
        replayed += chunk.length;
        chunk = [];
        progress?.tick(replayed);
      }
    };
    let log: SegmentLog;
    try {
      log = SegmentLog.open({
        dir: logDir,
        maxSegmentBytes: opts.maxSegmentBytes,
        resumeFrom: snap?.header.point,
        onWarning: opts.onWarning,
        // In the common case the recovery scan is also the replay; a projection that must be
        // rebuilt from further back forces a second, ordered pass below.
        onFrame: lagging ? undefined : feed,
      });
    } catch (err) {
      if (!snap) throw err;
      // The snapshot points somewhere the log no longer matches: rebuild everything from the log.
      opts.onWarning?.(`snapshot at position ${resumeAt} does not match the log (${(err as Error).message}); replaying from the start`);
      db.close();
      return Store.open({ ...opts, ignoreSnapshots: true });
    }
    if (lagging) {
      let skipped = 0;
      // Up to the snapshot only the projections being rebuilt need events, and most of the log
      // is of types they do not handle: those frames are recognised by their type and not decoded.
      log.read(engine.lowestPosition() + 1, (frame) => {
        if (frame.firstPosition <= resumeAt && unwanted(frame)) {
          progress?.read(FRAME_HEADER_SIZE + frame.end - frame.start);
          if (++skipped % 1024 === 0) progress?.tick(replayed);
          return;
        }
        feed(frame);
      });
    }
    if (chunk.length) {
      engine.apply(chunk);
      replayed += chunk.length;
    }
    // Every projection has now been handed every event it handles up to the head.
    engine.advance(log.head);
    progress?.done(replayed);
    const events = new EventStore(log, index, opts.now);
    const store = new Store(SQL, db, engine, events, log, opts, {
      fromSnapshot: resumeAt,
      replayed,
      rebuilt,
      ms: Math.round(performance.now() - started),
      workers: 0,
    });
    store.snapshotStale = snap !== null && lagging;
    // A start that had to replay a lot, or rebuild a read model, saves its work at once: a crash
    // before the next snapshot would otherwise make the next start do it all again.
    if (replayed >= store.snapshotThreshold() || store.snapshotStale) setImmediate(() => !store.closed && store.snapshotInBackground());
    return store;
  }

  /**
   * Opens by replaying the whole log on worker threads (see replay/coordinator.ts). Null when
   * that did not work out: the reason is a warning, and the caller replays on this thread.
   */
  private static async openInParallel(SQL: SqlJsStatic, opts: StoreOptions, workers: number, bytes: number, started: number): Promise<Store | null> {
    const logDir = path.join(opts.dir, 'log');
    const index = new StreamIndex();
    const replay = new ParallelReplay(SQL, opts.projections, workers, opts.replayWorkers!.spawn, index, replayRoom(bytes));
    const progress = opts.onProgress ? new ProgressMeter(opts.onProgress, bytes, opts.progressEveryMs ?? PROGRESS_EVERY_MS) : null;
    let events = 0;
    let log: SegmentLog;
    try {
      log = SegmentLog.open({
        dir: logDir,
        maxSegmentBytes: opts.maxSegmentBytes,
        onWarning: opts.onWarning,
        onFrame: (frame) => {
          replay.frame(frame);
          progress?.read(FRAME_HEADER_SIZE + frame.end - frame.start);
          if ((events += frame.count) % 1024 < frame.count) progress?.tick(events);
        },
      });
    } catch (err) {
      replay.stop();
      throw err;
    }
    const result = await replay.finish(log.head);
    const engine = 'error' in result ? null : new ProjectionEngine(result.db, opts.onProjectionError);
    // Every read model comes back checkpointed: one that asks to be built was not.
    const missing = engine ? opts.projections.filter((p) => engine.register(p)).map((p) => p.name) : [];
    if ('error' in result || !engine || missing.length) {
      const why = 'error' in result ? result.error : `the workers did not build ${missing.join(', ')}`;
      if (!('error' in result)) result.db.close();
      opts.onWarning?.(`replaying on worker threads did not work (${why}); replaying on the main thread`);
      log.close();
      return null;
    }
    for (const f of result.faulted) engine.markFaulted(f.projection, f.reason);
    if (opts.onProjectionError) replay.reportFaults(opts.onProjectionError);
    engine.advance(log.head);
    progress?.done(events);
    const store = new Store(SQL, result.db, engine, new EventStore(log, index, opts.now), log, opts, {
      fromSnapshot: 0,
      replayed: events,
      rebuilt: opts.projections.map((p) => p.name),
      ms: Math.round(performance.now() - started),
      workers: replay.lanesUsed,
    });
    if (events >= store.snapshotThreshold()) setImmediate(() => !store.closed && store.snapshotInBackground());
    return store;
  }

  get head(): number {
    return this.events.head;
  }

  status(): StoreStatus {
    const { segments, bytes } = this.log.stats();
    return {
      position: this.events.head,
      streams: this.events.index.streamCount,
      segments,
      bytes,
      snapshotPosition: this.snapshotPosition,
      headHash: this.log.headHash,
    };
  }

  projections(): ProjectionStatus[] {
    return this.engine.status();
  }

  /** Writes a snapshot of the read models and index at the current head, durably before returning. */
  snapshot(): void {
    // Skipped only when a file already holds the head: one still being written in the background
    // might not be by the time the process exits.
    const snap = this.capture(this.writtenPosition);
    if (!snap) return;
    const position = snap.header.point.position;
    try {
      writeSnapshot(path.join(this.opts.dir, 'snapshots'), snap);
    } catch (err) {
      this.notWritten(position);
      throw err;
    }
    this.writtenPosition = Math.max(this.writtenPosition, position);
  }

  /** Resolves once every snapshot taken so far has reached the disk (or failed to, with a warning). */
  snapshotsWritten(): Promise<void> {
    return this.writing;
  }

  /**
   * What the automatic triggers take: the read models are copied now (they must match the head
   * they are labelled with), the file is written off the main thread. Writes run one after another.
   */
  private snapshotInBackground(): void {
    const snap = this.capture(this.snapshotPosition);
    if (!snap) return;
    const position = snap.header.point.position;
    const dir = path.join(this.opts.dir, 'snapshots');
    this.writing = this.writing.then(() =>
      writeSnapshotInBackground(dir, snap).then(
        () => {
          this.writtenPosition = Math.max(this.writtenPosition, position);
        },
        (err: unknown) => {
          this.opts.onWarning?.(`snapshot at position ${position} was not written: ${err instanceof Error ? err.message : String(err)}`);
          this.notWritten(position);
        },
      ),
    );
  }

  /** After a failed write: report what is on disk, and let the next trigger try again. */
  private notWritten(position: number): void {
    if (this.snapshotPosition !== position) return;
    this.snapshotPosition = this.writtenPosition;
    this.snapshotStale = true;
  }

  /** The snapshot of the head, or null when the one at `covered` already holds it. Resets the triggers. */
  private capture(covered: number): Snapshot | null {
    if (this.snapshotTimer) {
      clearTimeout(this.snapshotTimer);
      this.snapshotTimer = null;
    }
    const point = this.log.point();
    if (point.position === covered && !this.snapshotStale) return null;
    const projections: Record<string, number> = {};
    for (const p of this.engine.status()) projections[p.name] = p.version;
    this.engine.persistCheckpoints();
    const snap: Snapshot = {
      header: { format: 2, point, createdAt: new Date().toISOString(), projections },
      index: this.events.index.toBytes(),
      // sql.js (1.16 on) exports through the backup API straight into the returned buffer and
      // leaves the database open, so the projections' prepared statements stay valid.
      db: this.db.export(),
    };
    this.snapshotPosition = point.position;
    this.snapshotStale = false;
    this.eventsSinceSnapshot = 0;
    return snap;
  }

  verify(): VerifyReport {
    return this.log.verify(snapshotAnchors(listSnapshots(path.join(this.opts.dir, 'snapshots'))));
  }

  /**
   * The audit as a request asks for it: `verify`, on a worker when the store has them (hashing a
   * long log takes seconds). The snapshots are listed before the log's head is taken, so every
   * one of them covers a part of the log the audit reads.
   */
  async audit(): Promise<VerifyReport> {
    const jobs = this.jobs();
    if (!jobs) return this.verify();
    const snapshots = listSnapshots(path.join(this.opts.dir, 'snapshots'));
    return jobs.verify({ source: this.log.source(), snapshots });
  }

  /** Time travel: the read models folded up to a position or a time, in a separate database. */
  foldTo(limit: FoldLimit): Folded {
    return foldLog(this.SQL, this.opts.projections, this.log.source(), limit, this.foldRoom(limit));
  }

  /**
   * Time travel as a request asks for it: the read models folded up to `limit`, their tables'
   * sizes and the rows of one read-only query. On a worker when the store has them, so neither
   * the fold nor the query holds up this thread, and a query that runs too long is stopped.
   */
  async timeTravel(limit: FoldLimit, sql?: string): Promise<ReplayResult> {
    const jobs = this.jobs();
    if (!jobs) {
      const folded = this.foldTo(limit);
      try {
        return describeFold(folded, sql);
      } finally {
        folded.db.close();
      }
    }
    const job: FoldJob = { projections: this.opts.projections.map((p) => p.name), source: this.log.source(), limit, room: this.foldRoom(limit) };
    return jobs.fold(sql === undefined ? job : { ...job, sql });
  }

  /** Where one-off jobs run: workers when the store has them, else null (this thread). */
  private jobs(): ReplayJobs | null {
    if (this.closed) throw new ApiaryError('unavailable', 'the store is closed');
    const workers = this.opts.replayWorkers;
    if (!workers) return null;
    this.offThread ??= new ReplayJobs(workers.spawn, this.opts.jobs);
    return this.offThread;
  }

  /** Room for the part of the log folded (all of it, for a time). */
  private foldRoom(limit: FoldLimit): number {
    const share = Math.min(1, (limit.to ?? Number.MAX_SAFE_INTEGER) / Math.max(1, this.head));
    return replayRoom(this.log.stats().bytes * share);
  }

  /**
   * Stops without a snapshot, as a crash would leave things: the log closed, the read models
   * dropped. For a store that is only being measured or inspected.
   */
  discard(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = null;
    this.offThread?.stop();
    this.log.close();
    this.db.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.offThread?.stop();
    this.log.close();
    try {
      this.snapshot();
    } finally {
      this.db.close();
    }
  }

  /**
   * New events that call for a snapshot: `snapshotEvery`, or a tenth of the log once that is more.
   * A snapshot blocks the host while it copies the read models (about 0.1 s at 1,000,000 events)
   * and then writes their size to disk (65 MB there), so a large store takes them proportionally
   * less often; a restart still replays at most about a tenth of its log.
   */
  private snapshotThreshold(): number {
    return Math.max(this.opts.snapshotEvery ?? 10_000, Math.floor(this.events.head / 10));
  }

  private noteCommitted(n: number): void {
    this.eventsSinceSnapshot += n;
    if (this.closed) return;
    if (this.eventsSinceSnapshot >= this.snapshotThreshold()) {
      setImmediate(() => !this.closed && this.snapshotInBackground());
      return;
    }
    const after = this.opts.snapshotAfterMs ?? 60_000;
    if (after > 0 && !this.snapshotTimer) {
      this.snapshotTimer = setTimeout(() => {
        this.snapshotTimer = null;
        // A quiet host snapshots its tail after a while, unless that tail is a sliver of a large
        // log (under 1%): replaying it costs less than the copy.
        if (!this.closed && this.eventsSinceSnapshot * 100 >= this.events.head) this.snapshotInBackground();
      }, after);
      this.snapshotTimer.unref();
    }
  }
}

/** Turns bytes read and events folded into a report every `everyMs`, and one at the end. */
class ProgressMeter {
  private bytes = 0;
  private last = performance.now();
  private reported = false;

  constructor(
    private readonly report: (p: ReplayProgress) => void,
    private readonly total: number,
    private readonly everyMs: number,
  ) {}

  read(bytes: number): void {
    this.bytes += bytes;
  }

  tick(events: number): void {
    const now = performance.now();
    if (now - this.last < this.everyMs) return;
    this.last = now;
    this.reported = true;
    this.report({ events, fraction: this.total > 0 ? Math.min(1, this.bytes / this.total) : 1 });
  }

  /** The final report, only when a replay ran long enough to report at all. */
  done(events: number): void {
    if (this.reported) this.report({ events, fraction: 1 });
  }
}
