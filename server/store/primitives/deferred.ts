// A promise addressed by id that lives in the log: one actor creates it, another resolves or
// rejects it, anyone can wait on it — across host restarts. Settling appends with the stream's
// expected version 1 (just "created"), so exactly one settlement wins. A timeout settles it with
// its default outcome; timers are re-armed from the read model when the host starts.
import type { Database, SqlValue } from 'sql.js';
import { ApiaryError } from '../../../shared/errors';
import type { EventEnvelope } from '../../../shared/events';
import type { Projection } from '../projection';
import type { Store } from '../store';
import { all, one, run } from './sql';

export type DeferredStatus = 'pending' | 'resolved' | 'rejected' | 'timed_out';

export interface DeferredState {
  id: string;
  status: DeferredStatus;
  value: unknown;
  reason: string | null;
  createdAt: string;
  createdBy: string;
  timeoutAt: string | null;
  settledAt: string | null;
  settledBy: string | null;
  data: unknown;
}

export interface CreateDeferred {
  id: string;
  /** Free data describing what is awaited (an approval request, say). */
  data?: unknown;
  timeoutMs?: number;
  /** What a timeout settles it with (default: rejected with reason "timed out"). */
  onTimeout?: { outcome: 'resolved'; value?: unknown } | { outcome: 'rejected'; reason?: string };
}

interface CreatedData {
  id: string;
  data: unknown;
  timeoutAt: string | null;
  onTimeout: CreateDeferred['onTimeout'] | null;
}

export const deferredProjection: Projection = {
  name: 'deferred',
  version: 2,
  schema: [
    `CREATE TABLE deferreds (id TEXT PRIMARY KEY, status TEXT NOT NULL, value TEXT, reason TEXT, created_at TEXT NOT NULL,
      created_by TEXT NOT NULL, timeout_at TEXT, on_timeout TEXT, settled_at TEXT, settled_by TEXT, data TEXT) WITHOUT ROWID`,
    'CREATE INDEX deferreds_pending ON deferreds (status, timeout_at)',
  ],
  types: ['deferred.created', 'deferred.resolved', 'deferred.rejected', 'deferred.timed_out'],
  apply(db: Database, e: EventEnvelope): void {
    if (e.type === 'deferred.created') insertCreated(db, createdRow(e));
    else settle(db, settlement(e));
  },
  applyBatch(db: Database, events: EventEnvelope[]): void {
    // A deferred created in this batch is written once, already settled if its settlement came
    // in the same batch (the usual case on replay), instead of an insert and then an update.
    const created = new Map<string, { row: SqlValue[]; settlements: SqlValue[][] }>();
    for (const e of events) {
      if (e.type === 'deferred.created') {
        const row = createdRow(e);
        const id = String(row[0]);
        if (!created.has(id)) created.set(id, { row, settlements: [] });
        continue;
      }
      const s = settlement(e);
      const pending = created.get(String(s[5]));
      if (!pending) settle(db, s);
      else if (pending.row[1] === 'pending') {
        pending.row = settledRow(pending.row, s);
        pending.settlements.push(s);
      }
    }
    for (const { row, settlements } of created.values()) {
      insertCreated(db, row);
      // Already there (created in an earlier batch): settle it the way apply would have.
      if (db.getRowsModified() === 0) for (const s of settlements) settle(db, s);
    }
  },
};

/** The row a `deferred.created` inserts: id, status, value, reason, created_at, created_by, timeout_at, on_timeout, settled_at, settled_by, data. */
function createdRow(e: EventEnvelope): SqlValue[] {
  const d = e.data as CreatedData;
  return [d.id, 'pending', null, null, e.ts, e.actor, d.timeoutAt, d.onTimeout ? JSON.stringify(d.onTimeout) : null, null, null, JSON.stringify(d.data ?? null)];
}

/** A settlement's parameters: status, value, reason, settled_at, settled_by, id. */
function settlement(e: EventEnvelope): SqlValue[] {
  const d = e.data as { id: string; value?: unknown; reason?: string };
  const status = e.type === 'deferred.resolved' ? 'resolved' : e.type === 'deferred.rejected' ? 'rejected' : 'timed_out';
  return [status, d.value === undefined ? null : JSON.stringify(d.value), d.reason ?? null, e.ts, e.actor, d.id];
}

function settledRow(row: SqlValue[], s: SqlValue[]): SqlValue[] {
  const next = [...row];
  [next[1], next[2], next[3], next[8], next[9]] = [s[0]!, s[1]!, s[2]!, s[3]!, s[4]!];
  return next;
}

function insertCreated(db: Database, row: SqlValue[]): void {
  run(db, 'INSERT OR IGNORE INTO deferreds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', row);
}

/** Only the first settlement of a pending deferred counts. */
function settle(db: Database, s: SqlValue[]): void {
  run(db, "UPDATE deferreds SET status = ?, value = ?, reason = ?, settled_at = ?, settled_by = ? WHERE id = ? AND status = 'pending'", s);
}

interface Row {
  id: string;
  status: DeferredStatus;
  value: string | null;
  reason: string | null;
  created_at: string;
  created_by: string;
  timeout_at: string | null;
  on_timeout: string | null;
  settled_at: string | null;
  settled_by: string | null;
  data: string | null;
}

function toState(r: Row): DeferredState {
  return {
    id: r.id,
    status: r.status,
    value: r.value === null ? null : JSON.parse(r.value),
    reason: r.reason,
    createdAt: r.created_at,
    createdBy: r.created_by,
    timeoutAt: r.timeout_at,
    settledAt: r.settled_at,
    settledBy: r.settled_by,
    data: r.data === null ? null : JSON.parse(r.data),
  };
}

const streamOf = (id: string): string => `$deferred-${id}`;

export class Deferreds {
  private readonly waiters = new Map<string, Array<(s: DeferredState) => void>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly off: () => void;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.off = store.events.onCommitted((events) => {
      for (const e of events) {
        if (!e.type.startsWith('deferred.')) continue;
        const id = (e.data as { id: string }).id;
        if (e.type === 'deferred.created') this.arm(id);
        else this.settled(id);
      }
    });
    for (const r of all<{ id: string }>(store.db, "SELECT id FROM deferreds WHERE status = 'pending' AND timeout_at IS NOT NULL")) this.arm(r.id);
  }

  get(id: string): DeferredState | undefined {
    const r = one<Row>(this.store.db, 'SELECT * FROM deferreds WHERE id = ?', [id]);
    return r ? toState(r) : undefined;
  }

  pending(): DeferredState[] {
    return all<Row>(this.store.db, "SELECT * FROM deferreds WHERE status = 'pending' ORDER BY created_at, id").map(toState);
  }

  async create(req: CreateDeferred, actor: string): Promise<DeferredState> {
    if (req.timeoutMs !== undefined && !(req.timeoutMs > 0)) throw new ApiaryError('invalid_params', 'timeoutMs must be positive');
    const timeoutAt = req.timeoutMs === undefined ? null : new Date(this.now() + req.timeoutMs).toISOString();
    try {
      await this.store.events.append(
        streamOf(req.id),
        [{ type: 'deferred.created', data: { id: req.id, data: req.data ?? null, timeoutAt, onTimeout: req.onTimeout ?? null } satisfies CreatedData }],
        'no-stream',
        { actor },
      );
    } catch (err) {
      if (err instanceof ApiaryError && err.code === 'wrong_expected_version') {
        throw new ApiaryError('conflict', `deferred ${req.id} already exists`, 'Use a new id, or wait on the existing one.');
      }
      throw err;
    }
    return this.get(req.id)!;
  }

  resolve(id: string, value: unknown, actor: string): Promise<DeferredState> {
    return this.settle(id, 'deferred.resolved', { id, value }, actor);
  }

  reject(id: string, reason: string, actor: string): Promise<DeferredState> {
    return this.settle(id, 'deferred.rejected', { id, reason }, actor);
  }

  /** Resolves with the settled state; `timeoutMs` bounds only this wait, not the deferred. */
  wait(id: string, timeoutMs?: number): Promise<DeferredState> {
    const state = this.get(id);
    if (!state) return Promise.reject(new ApiaryError('not_found', `no deferred ${id}`));
    if (state.status !== 'pending') return Promise.resolve(state);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (s: DeferredState): void => {
        if (timer) clearTimeout(timer);
        resolve(s);
      };
      const list = this.waiters.get(id) ?? [];
      list.push(done);
      this.waiters.set(id, list);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const l = this.waiters.get(id);
          if (l) this.waiters.set(id, l.filter((f) => f !== done));
          resolve(this.get(id)!);
        }, timeoutMs);
      }
    });
  }

  dispose(): void {
    this.off();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private async settle(id: string, type: string, data: Record<string, unknown>, actor: string): Promise<DeferredState> {
    const state = this.get(id);
    if (!state) throw new ApiaryError('not_found', `no deferred ${id}`, 'Create it first, or check the id.');
    if (state.status !== 'pending') {
      throw new ApiaryError('conflict', `deferred ${id} is already ${state.status} (by ${state.settledBy})`, 'Read its outcome instead.', { status: state.status });
    }
    try {
      // Expected version 1: only "created" may precede a settlement, so one settler wins.
      await this.store.events.append(streamOf(id), [{ type, data }], 1, { actor });
    } catch (err) {
      if (err instanceof ApiaryError && err.code === 'wrong_expected_version') {
        const now = this.get(id)!;
        throw new ApiaryError('conflict', `deferred ${id} was settled concurrently (${now.status})`, 'Read its outcome instead.', { status: now.status });
      }
      throw err;
    }
    return this.get(id)!;
  }

  private arm(id: string): void {
    const row = one<Row>(this.store.db, 'SELECT * FROM deferreds WHERE id = ?', [id]);
    if (!row || row.status !== 'pending' || !row.timeout_at || this.timers.has(id)) return;
    const delay = Math.max(0, Date.parse(row.timeout_at) - this.now());
    const outcome = row.on_timeout ? (JSON.parse(row.on_timeout) as NonNullable<CreateDeferred['onTimeout']>) : null;
    // setTimeout caps at ~24.8 days; re-arm in steps for longer timeouts.
    const step = Math.min(delay, 2 ** 31 - 1);
    const timer = setTimeout(() => {
      this.timers.delete(id);
      if (step < delay) return this.arm(id);
      const data =
        outcome?.outcome === 'resolved'
          ? { id, outcome: 'resolved', value: outcome.value ?? null, reason: 'timed out' }
          : { id, outcome: 'rejected', reason: outcome?.outcome === 'rejected' && outcome.reason ? outcome.reason : 'timed out' };
      this.store.events.append(streamOf(id), [{ type: 'deferred.timed_out', data }], 1, { actor: 'host' }).catch((err: unknown) => {
        if (!(err instanceof ApiaryError && err.code === 'wrong_expected_version')) this.onError(err);
      });
    }, step);
    timer.unref();
    this.timers.set(id, timer);
  }

  private settled(id: string): void {
    const t = this.timers.get(id);
    if (t) {
      clearTimeout(t);
      this.timers.delete(id);
    }
    const list = this.waiters.get(id);
    if (!list) return;
    this.waiters.delete(id);
    const state = this.get(id)!;
    for (const w of list) w(state);
  }
}
