// The read models of the parallel-replay specs, shared by the specs and the worker they start:
// the store's primitives, the notes model (whose handlers are not idempotent, so an event applied
// twice or skipped shows), and one that fails on a marked event and keeps a log through a trigger
// (a merge that let the trigger fire on copied rows would show).
import type { Database } from 'sql.js';
import type { EventEnvelope } from '../../../../shared/events';
import { primitiveProjections, type Projection } from '../../../../server/store';
import { notesProjection } from '../notesProjection';

export const brittleProjection: Projection = {
  name: 'brittle',
  version: 1,
  schema: [
    'CREATE TABLE brittle (id TEXT PRIMARY KEY, position INTEGER NOT NULL)',
    'CREATE TABLE brittle_log (position INTEGER NOT NULL)',
    'CREATE TRIGGER brittle_logged AFTER INSERT ON brittle BEGIN INSERT INTO brittle_log VALUES (NEW.position); END',
  ],
  types: ['brittle.*'],
  apply(db: Database, e: EventEnvelope): void {
    if ((e.data as { fail?: boolean }).fail) throw new Error(`cannot take ${e.id}`);
    db.run('INSERT OR REPLACE INTO brittle VALUES (?, ?)', [e.id, e.position]);
  },
};

export function replayReadModels(): Projection[] {
  return [...primitiveProjections, notesProjection(), brittleProjection];
}
