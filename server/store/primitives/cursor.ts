// Checkpointed readers of the log. A consumer handles events after its checkpoint and commits a
// new one; after a crash it resumes from the last commit (handlers must be idempotent, because
// the events after that commit are handed over again).
import type { Database } from 'sql.js';
import { ApiaryError } from '../../../shared/errors';
import type { EventEnvelope } from '../../../shared/events';
import type { Projection } from '../projection';
import type { Store } from '../store';
import { insertRows, one, run } from './sql';

export const cursorProjection: Projection = {
  name: 'cursor',
  version: 2,
  schema: ['CREATE TABLE cursors (name TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID'],
  types: ['cursor.committed'],
  apply(db: Database, e: EventEnvelope): void {
    const d = e.data as { name: string; position: number };
    run(db, 'INSERT OR REPLACE INTO cursors VALUES (?, ?)', [d.name, d.position]);
  },
  applyBatch(db: Database, events: EventEnvelope[]): void {
    // Each commit replaces the row: only a cursor's last commit in the batch matters.
    const latest = new Map<string, number>();
    for (const e of events) {
      const d = e.data as { name: string; position: number };
      latest.set(d.name, d.position);
    }
    insertRows(db, 'INSERT OR REPLACE INTO cursors VALUES', [...latest]);
  },
};

/** A cursor's own commits live in `$cursor-*` streams; consumers skip those streams. */
export const isSystemStream = (stream: string): boolean => stream.startsWith('$');

export class Cursors {
  constructor(private readonly store: Store) {}

  position(name: string): number {
    return one<{ position: number }>(this.store.db, 'SELECT position FROM cursors WHERE name = ?', [name])?.position ?? 0;
  }

  /** Next events after the checkpoint (system streams left out). */
  next(name: string, max = 500): EventEnvelope[] {
    let from = this.position(name) + 1;
    const out: EventEnvelope[] = [];
    // Read on past windows made only of system events: an empty answer must mean "nothing more".
    while (out.length < max && from <= this.store.head) {
      const window = this.store.events.read({ from, limit: max * 4 });
      if (window.length === 0) break;
      for (const e of window) if (!isSystemStream(e.stream) && out.length < max) out.push(e);
      from = window[window.length - 1]!.position + 1;
    }
    return out;
  }

  async commit(name: string, position: number, actor = 'host'): Promise<void> {
    const current = this.position(name);
    if (position === current) return;
    if (position < current) {
      throw new ApiaryError('conflict', `cursor ${name} is at ${current}; it does not move back to ${position}`, 'Commit positions in increasing order.');
    }
    if (position > this.store.head) {
      throw new ApiaryError('invalid_params', `position ${position} is past the log's head ${this.store.head}`);
    }
    await this.store.events.append(`$cursor-${name}`, [{ type: 'cursor.committed', data: { name, position } }], 'any', { actor });
  }
}

/**
 * Runs `handle` over every event after the cursor's checkpoint, then over new ones as they
 * commit, committing the checkpoint after each handled batch. Returns a stop function.
 */
export function subscribe(
  store: Store,
  cursors: Cursors,
  name: string,
  handle: (events: EventEnvelope[]) => Promise<void> | void,
  opts: { onError?: (err: unknown) => void; retryMs?: number } = {},
): () => void {
  let stopped = false;
  let running = false;
  let again = false;
  let retry: NodeJS.Timeout | null = null;
  // A failing handler must not take the host down: report it and try the same batch again
  // later (the checkpoint did not move, so nothing is skipped).
  const run = (): void => {
    pump().catch((err: unknown) => {
      opts.onError?.(err);
      if (!stopped && !retry) {
        retry = setTimeout(() => {
          retry = null;
          run();
        }, opts.retryMs ?? 1000);
        retry.unref();
      }
    });
  };
  const pump = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        for (;;) {
          if (stopped) return;
          const batch = cursors.next(name);
          if (batch.length === 0) break;
          await handle(batch);
          await cursors.commit(name, batch[batch.length - 1]!.position);
        }
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };
  const off = store.events.onCommitted((events) => {
    if (events.some((e) => !isSystemStream(e.stream))) run();
  });
  run();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    off();
  };
}
