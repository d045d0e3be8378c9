// Stores as the host runs them, for the store benchmark: the read models the host registers and
// logs filled through the real write path.
import fs from 'node:fs';
import path from 'node:path';
import { hostProjections, hostReplayWorkers } from '../../../server/main';
import { EventStore, Store, type AppendOp, type StoreOptions } from '../../../server/store';
import { SegmentLog } from '../../../server/store/segmentLog';
import { StreamIndex } from '../../../server/store/streamIndex';

export { hostProjections };

/**
 * Replay workers as the host starts them, from the worker bundle the build puts beside the
 * benchmarks' own. Run from sources there is none, and replays stay on the main thread.
 */
function replayWorkers(): StoreOptions['replayWorkers'] {
  return fs.existsSync(path.join(__dirname, 'replay-worker.js')) ? hostReplayWorkers() : undefined;
}

/** Opens a store the way the host does (its snapshot policy and replay workers included, unless overridden). */
export function openStore(dir: string, opts: Partial<StoreOptions> = {}): Promise<Store> {
  return Store.open({ dir, projections: hostProjections(), replayWorkers: replayWorkers(), ...opts });
}

/**
 * Appends `count` one-event transactions, `inFlight` at a time (each group shares one durable
 * write, as concurrent writers do), so a large log is written in reasonable time.
 */
export async function appendMany(events: EventStore, count: number, op: (i: number) => AppendOp, inFlight = 2000): Promise<void> {
  for (let start = 0; start < count; start += inFlight) {
    const pending: Array<Promise<unknown>> = [];
    for (let i = start; i < Math.min(count, start + inFlight); i++) {
      const o = op(i);
      pending.push(events.appendMany([o], { actor: 'bench' }));
    }
    await Promise.all(pending);
  }
}

/** Writes a log of `count` events without projecting it (setup for a replay). */
export async function writeLog(dir: string, count: number, op: (i: number) => AppendOp): Promise<void> {
  const log = SegmentLog.open({ dir: path.join(dir, 'log') });
  try {
    await appendMany(new EventStore(log, new StreamIndex()), count, op);
  } finally {
    log.close();
  }
}
