// Compare-and-set lock on the log: acquiring appends with the lock stream's expected version, so
// of two racing acquirers exactly one succeeds. Expiry is a time in the event (not a timer), so
// replay gives the same answer; an expired lock is simply free.
import type { Database, SqlValue } from 'sql.js';
import { ApiaryError } from '../../../shared/errors';
import type { EventEnvelope } from '../../../shared/events';
import type { Projection } from '../projection';
import type { Store } from '../store';
import { insertRows, one } from './sql';

interface AcquiredData {
  name: string;
  holder: string;
  expiresAt: number;
}
interface ReleasedData {
  name: string;
  holder: string;
}

export const casLockProjection: Projection = {
  name: 'caslock',
  version: 2,
  schema: ['CREATE TABLE caslocks (name TEXT PRIMARY KEY, holder TEXT, expires_at INTEGER, version INTEGER NOT NULL) WITHOUT ROWID'],
  types: ['caslock.acquired', 'caslock.released'],
  apply(db: Database, e: EventEnvelope): void {
    this.applyBatch!(db, [e]);
  },
  applyBatch(db: Database, events: EventEnvelope[]): void {
    // Each event replaces the lock's row: only its last event in the batch matters.
    const latest = new Map<string, SqlValue[]>();
    for (const e of events) {
      const d = e.data as AcquiredData | ReleasedData;
      latest.set(d.name, e.type === 'caslock.acquired' ? [d.name, d.holder, (d as AcquiredData).expiresAt, e.version] : [d.name, null, null, e.version]);
    }
    insertRows(db, 'INSERT OR REPLACE INTO caslocks VALUES', [...latest.values()]);
  },
};

export type AcquireResult =
  | { acquired: true; expiresAt: number; version: number }
  | { acquired: false; holder: string; expiresAt: number };

interface Row {
  holder: string | null;
  expires_at: number | null;
  version: number;
}

export class CasLocks {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  private streamOf(name: string): string {
    return `$caslock-${name}`;
  }

  private row(name: string): Row | undefined {
    return one<Row>(this.store.db, 'SELECT holder, expires_at, version FROM caslocks WHERE name = ?', [name]);
  }

  private live(row: Row | undefined): { holder: string; expiresAt: number } | null {
    if (!row || row.holder === null || row.expires_at === null || row.expires_at <= this.now()) return null;
    return { holder: row.holder, expiresAt: row.expires_at };
  }

  state(name: string): { holder: string; expiresAt: number } | null {
    return this.live(this.row(name));
  }

  /** Acquires, or renews when `holder` already holds it. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<AcquireResult> {
    if (!(ttlMs > 0)) throw new ApiaryError('invalid_params', 'ttlMs must be positive', 'Give the lock a lifetime in milliseconds.');
    const row = this.row(name);
    const current = this.live(row);
    if (current && current.holder !== holder) return { acquired: false, ...current };
    // The compare of compare-and-set is the version of the state just read: an acquire still on
    // its way to disk has already moved the stream past it, so a racing acquirer loses.
    const expected = row?.version ?? 0;
    const expiresAt = this.now() + ttlMs;
    try {
      const r = await this.store.events.append(
        this.streamOf(name),
        [{ type: 'caslock.acquired', data: { name, holder, expiresAt } satisfies AcquiredData }],
        expected === 0 ? 'no-stream' : expected,
        { actor: holder },
      );
      return { acquired: true, expiresAt, version: r.version };
    } catch (err) {
      if (err instanceof ApiaryError && err.code === 'wrong_expected_version') {
        const winner = this.state(name);
        if (winner) return { acquired: false, ...winner };
        // Someone else changed it and it is already free again: let the caller retry.
        return { acquired: false, holder: '(contended)', expiresAt: this.now() };
      }
      throw err;
    }
  }

  async release(name: string, holder: string): Promise<void> {
    const current = this.state(name);
    if (!current) return;
    if (current.holder !== holder) {
      throw new ApiaryError('conflict', `lock ${name} is held by ${current.holder}, not ${holder}`, 'Only the holder can release it; wait for it to expire.', {
        holder: current.holder,
        expiresAt: new Date(current.expiresAt).toISOString(),
      });
    }
    await this.store.events.append(this.streamOf(name), [{ type: 'caslock.released', data: { name, holder } satisfies ReleasedData }], this.store.events.version(this.streamOf(name)), {
      actor: holder,
    });
  }
}
