import type { Database } from 'sql.js';
import type { EventEnvelope } from '../../shared/events';

/**
 * A read model fed by the log. `apply` must be deterministic and depend only on the database and
 * the event (never the clock), so a rebuild from zero equals the live model. A projection reads
 * and writes only its own tables: the engine applies each projection's share of a batch on its own.
 */
export interface Projection {
  name: string;
  /** Bump to rebuild this projection from the log on the next start. */
  version: number;
  /** DDL run on a fresh database; CREATE TABLE/INDEX names are what a rebuild drops. */
  schema: string[];
  /** Event types handled; an entry ending in `.*` is a prefix, `*` is every event. */
  types: string[];
  apply(db: Database, event: EventEnvelope): void;
  /**
   * Optional: several events (this projection's, in log order) at once, with the same end result
   * as `apply` on each in turn. Replay hands over thousands at a time, and a read model that
   * keeps only the latest state per key can write each key once instead of once per event.
   */
  applyBatch?(db: Database, events: EventEnvelope[]): void;
}

export function handles(p: Projection, type: string): boolean {
  for (const t of p.types) {
    if (t === '*' || t === type) return true;
    if (t.endsWith('.*') && type.startsWith(t.slice(0, -1))) return true;
  }
  return false;
}
