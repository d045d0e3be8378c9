// The memory read model: one row per live memory, its JSON as stored. The host's bank is
// loaded from here at start and fed the same events afterwards.
import type { Database } from 'sql.js';
import type { Memory } from '../../shared/memory';
import type { Projection } from '../store/projection';
import { all, one, run } from '../store/primitives/sql';
import { applyMemoryEvent, MEMORY_EVENT_TYPES, type MemoryEvent } from './events';

export const memoryProjection: Projection = {
  name: 'memory',
  version: 1,
  schema: ['CREATE TABLE memories (id TEXT PRIMARY KEY, json TEXT NOT NULL)'],
  types: MEMORY_EVENT_TYPES,
  apply(db, event) {
    const e = { type: event.type, data: event.data } as MemoryEvent;
    const id = e.type === 'memory.stored' ? e.data.memory.id : e.data.id;
    const row = one<{ json: string }>(db, 'SELECT json FROM memories WHERE id = ?', [id]);
    const next = applyMemoryEvent(row ? (JSON.parse(row.json) as Memory) : undefined, e);
    if (next === undefined) return;
    if (next === null) run(db, 'DELETE FROM memories WHERE id = ?', [id]);
    else run(db, 'INSERT OR REPLACE INTO memories (id, json) VALUES (?, ?)', [id, JSON.stringify(next)]);
  },
};

export function readMemories(db: Database): Memory[] {
  return all<{ json: string }>(db, 'SELECT json FROM memories ORDER BY id').map((r) => JSON.parse(r.json) as Memory);
}
