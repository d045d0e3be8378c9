// Feeds committed events to the sql.js read models, each with its own checkpoint. The database
// lives in memory and reaches the disk only as a snapshot, so a checkpoint only has to be right in
// the snapshot: positions are kept here and written into `_projections` in the same synchronous
// step that exports the database (persistCheckpoints). A snapshot therefore always pairs tables
// and checkpoints exactly, and a restart resumes each projection where its snapshot stopped; an
// append no read model handles costs no SQL at all.
import type { Database, Statement } from 'sql.js';
import type { EventEnvelope } from '../../shared/events';
import { handles, type Projection } from './projection';

interface Registered {
  p: Projection;
  position: number;
  faulted: string | null;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  position: number;
  faulted?: string;
}

const CREATE_RE = /create\s+(?:unique\s+)?(table|index|view|virtual\s+table)\s+(?:if\s+not\s+exists\s+)?["`[]?([A-Za-z0-9_]+)/i;

export class ProjectionEngine {
  private readonly registered = new Map<string, Registered>();
  private readonly byType = new Map<string, Registered[]>();
  // Prepared once: every committed batch runs them, and compiling SQL each time cost more than
  // the work itself.
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly saveCheckpoint: Statement;

  constructor(
    readonly db: Database,
    private readonly onError: (projection: string, event: EventEnvelope, err: unknown) => void = () => {},
  ) {
    // The database is a cache of the log (replay rebuilds it, snapshots save it), so its rollback
    // journal can live in memory instead of a file in sql.js's emulated file system, which cost a
    // file create and delete per transaction. It has one connection, ever: holding its lock spares
    // every transaction the look for a hot journal and the re-check of the page cache.
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('PRAGMA journal_mode = MEMORY');
    db.exec('CREATE TABLE IF NOT EXISTS _projections (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL)');
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
    this.saveCheckpoint = db.prepare('UPDATE _projections SET position = ? WHERE name = ?');
  }

  /**
   * Adds a projection. Returns true when it must be (re)built from the start of the log: it is
   * new to this database or its version changed.
   */
  register(p: Projection): boolean {
    if (this.registered.has(p.name)) throw new Error(`projection ${p.name} registered twice`);
    const row = this.db.exec('SELECT version, position FROM _projections WHERE name = ?', [p.name])[0]?.values[0];
    let rebuild = true;
    let position = 0;
    if (row && Number(row[0]) === p.version) {
      rebuild = false;
      position = Number(row[1]);
    } else {
      this.dropObjects(p);
      for (const ddl of p.schema) this.db.exec(ddl);
      this.db.run('INSERT OR REPLACE INTO _projections (name, version, position) VALUES (?, ?, 0)', [p.name, p.version]);
    }
    this.registered.set(p.name, { p, position, faulted: null });
    this.byType.clear();
    return rebuild;
  }

  /**
   * Marks a read model as failed, as `apply` would have: for one built elsewhere (a replay
   * worker) that stopped on an event. It stays where it stopped and takes no further events.
   */
  markFaulted(name: string, reason: string): void {
    const r = this.registered.get(name);
    if (r) r.faulted = reason;
  }

  /** Lowest checkpoint: replay from here after opening. */
  lowestPosition(): number {
    let min = Number.MAX_SAFE_INTEGER;
    for (const r of this.registered.values()) min = Math.min(min, r.position);
    return min === Number.MAX_SAFE_INTEGER ? 0 : min;
  }

  status(): ProjectionStatus[] {
    return [...this.registered.values()].map((r) => ({
      name: r.p.name,
      version: r.p.version,
      position: r.position,
      ...(r.faulted ? { faulted: r.faulted } : {}),
    }));
  }

  /**
   * Applies a batch of committed events in one transaction. Each projection takes its share in one
   * go (they touch only their own tables, so the order between projections does not matter). A
   * batch no read model handles (an append of generic events, say) opens no transaction: only the
   * positions in memory move.
   */
  apply(events: EventEnvelope[]): void {
    if (events.length === 0) return;
    const last = events[events.length - 1]!.position;
    // Made only when some read model handles one of the events: most appends concern none.
    let shares: Map<Registered, EventEnvelope[]> | null = null;
    for (const e of events) {
      for (const r of this.handlersFor(e.type)) {
        if (r.faulted || e.position <= r.position) continue;
        shares ??= new Map();
        const share = shares.get(r);
        if (share) share.push(e);
        else shares.set(r, [e]);
      }
    }
    if (shares) {
      this.begin.run();
      try {
        for (const [r, share] of shares) this.applyShare(r, share);
        this.commit.run();
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    }
    for (const r of this.registered.values()) if (!r.faulted && r.position < last) r.position = last;
  }

  /**
   * Writes every projection's position into `_projections`. Run it right before the database is
   * copied (a snapshot, a fold handed to a query): the copy then carries checkpoints that match
   * its tables.
   */
  persistCheckpoints(): void {
    this.begin.run();
    try {
      for (const r of this.registered.values()) this.saveCheckpoint.run([r.position, r.p.name]);
      this.commit.run();
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** One projection's events; a failure faults that projection alone, at the event that failed. */
  private applyShare(r: Registered, share: EventEnvelope[]): void {
    const batch = r.p.applyBatch;
    if (batch && share.length > 1) {
      // All or nothing, so that on a failure the events can be re-applied one by one to find the
      // one that broke it, leaving the model as per-event application would.
      this.db.exec('SAVEPOINT share');
      try {
        batch.call(r.p, this.db, share);
        this.db.exec('RELEASE share');
        return;
      } catch {
        this.db.exec('ROLLBACK TO share');
        this.db.exec('RELEASE share');
      }
    }
    for (const e of share) {
      try {
        r.p.apply(this.db, e);
      } catch (err) {
        // One broken read model must not stop the others or the log; it is reported and
        // rebuilt when its version changes.
        r.faulted = `${err instanceof Error ? err.message : String(err)} (at position ${e.position})`;
        this.onError(r.p.name, e, err);
        return;
      }
    }
  }

  /** Whether a healthy projection that has not yet seen `position` handles events of this type. */
  wants(type: string, position: number): boolean {
    for (const r of this.handlersFor(type)) if (!r.faulted && position > r.position) return true;
    return false;
  }

  /**
   * Moves every healthy projection to `position`: for a pass that handed them every event they
   * handle up to there and skipped the rest.
   */
  advance(position: number): void {
    for (const r of this.registered.values()) if (!r.faulted && r.position < position) r.position = position;
  }

  private handlersFor(type: string): Registered[] {
    let list = this.byType.get(type);
    if (!list) {
      list = [...this.registered.values()].filter((r) => handles(r.p, type));
      this.byType.set(type, list);
    }
    return list;
  }

  private dropObjects(p: Projection): void {
    for (const ddl of p.schema) {
      const m = CREATE_RE.exec(ddl);
      if (!m) continue;
      const kind = m[1]!.toLowerCase().includes('table') ? 'TABLE' : m[1]!.toUpperCase();
      this.db.exec(`DROP ${kind} IF EXISTS "${m[2]}"`);
    }
  }
}
