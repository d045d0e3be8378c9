// The swarm's runs as a read model: every event of every `swarm-<run>` stream, kept whole, so the
// swarm service starts from the read models (restored from a snapshot) instead of reading the
// entire log, which on a large workspace took seconds and held every event of it in memory.
import type { Database } from 'sql.js';
import type { EventEnvelope } from '../../shared/events';
import { SWARM_STREAM_PREFIX } from '../../shared/swarm';
import type { Projection } from '../store/projection';
import { all, insertRows } from '../store/primitives/sql';

export const swarmRunsProjection: Projection = {
  name: 'swarm-runs',
  version: 1,
  schema: ['CREATE TABLE swarm_events (run TEXT NOT NULL, position INTEGER NOT NULL, envelope TEXT NOT NULL, PRIMARY KEY (run, position)) WITHOUT ROWID'],
  types: ['swarm.*'],
  apply(db: Database, e: EventEnvelope): void {
    this.applyBatch!(db, [e]);
  },
  applyBatch(db: Database, events: EventEnvelope[]): void {
    // The swarm owns its streams; a swarm.* event elsewhere is someone else's and not a run's.
    const rows = events.filter((e) => e.stream.startsWith(SWARM_STREAM_PREFIX)).map((e) => [e.stream.slice(SWARM_STREAM_PREFIX.length), e.position, JSON.stringify(e)]);
    insertRows(db, 'INSERT OR IGNORE INTO swarm_events VALUES', rows);
  },
};

/** Every run's events in log order, by run. */
export function runEvents(db: Database): Map<string, EventEnvelope[]> {
  const runs = new Map<string, EventEnvelope[]>();
  for (const row of all<{ run: string; envelope: string }>(db, 'SELECT run, envelope FROM swarm_events ORDER BY run, position')) {
    let list = runs.get(row.run);
    if (!list) runs.set(row.run, (list = []));
    list.push(JSON.parse(row.envelope) as EventEnvelope);
  }
  return runs;
}
