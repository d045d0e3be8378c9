// A small read model used by the projection tests. Its handlers are deliberately not idempotent
// (counters go up and down), so applying an event twice or skipping one shows in the tables.
import type { Database } from 'sql.js';
import type { EventEnvelope } from '../../../shared/events';
import type { Projection } from '../../../server/store/projection';

export interface NoteData {
  id: string;
  text?: string;
}

export function notesProjection(version = 1): Projection {
  return {
    name: 'notes',
    version,
    schema: [
      'CREATE TABLE notes (id TEXT PRIMARY KEY, text TEXT NOT NULL, edits INTEGER NOT NULL, author TEXT NOT NULL, updated_at INTEGER NOT NULL)',
      'CREATE TABLE note_authors (author TEXT PRIMARY KEY, live INTEGER NOT NULL, total INTEGER NOT NULL)',
      'CREATE INDEX notes_author ON notes (author)',
    ],
    types: ['note.*'],
    apply(db: Database, e: EventEnvelope): void {
      const d = e.data as NoteData;
      if (e.type === 'note.added') {
        db.run('INSERT OR REPLACE INTO notes VALUES (?, ?, 0, ?, ?)', [d.id, d.text ?? '', e.actor, e.position]);
        db.run('INSERT INTO note_authors VALUES (?, 1, 1) ON CONFLICT(author) DO UPDATE SET live = live + 1, total = total + 1', [e.actor]);
      } else if (e.type === 'note.edited') {
        db.run('UPDATE notes SET text = ?, edits = edits + 1, updated_at = ? WHERE id = ?', [d.text ?? '', e.position, d.id]);
      } else if (e.type === 'note.removed') {
        const author = db.exec('SELECT author FROM notes WHERE id = ?', [d.id])[0]?.values[0]?.[0];
        db.run('DELETE FROM notes WHERE id = ?', [d.id]);
        if (author !== undefined) db.run('UPDATE note_authors SET live = live - 1 WHERE author = ?', [author]);
      }
    },
  };
}

/** Counts every event it sees by type: shows which events reached it, and how often. */
export function counterProjection(name: string, types: string[], version = 1): Projection {
  return {
    name,
    version,
    schema: [`CREATE TABLE ${name} (type TEXT PRIMARY KEY, n INTEGER NOT NULL)`],
    types,
    apply(db, e) {
      db.run(`INSERT INTO ${name} VALUES (?, 1) ON CONFLICT(type) DO UPDATE SET n = n + 1`, [e.type]);
    },
  };
}

export function countsOf(db: Database, table: string): Record<string, number> {
  const rows = db.exec(`SELECT type, n FROM ${table} ORDER BY type`)[0]?.values ?? [];
  return Object.fromEntries(rows.map(([t, n]) => [String(t), Number(n)]));
}
