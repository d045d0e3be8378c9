// The epic a cell belongs to, for the cost report's by-epic view: the nearest ancestor (or the
// cell itself) of type epic in the hive's read model. A host without the hive read model, or a
// cell it does not know, has no epic.
import type { Database, SqlValue } from 'sql.js';

const MAX_DEPTH = 32;

export function epicOfCell(db: Database, cell: string): string | undefined {
  let id: string | undefined = cell;
  try {
    for (let depth = 0; id !== undefined && depth < MAX_DEPTH; depth++) {
      const row: SqlValue[] | undefined = db.exec('SELECT type, parent FROM hive_cells WHERE id = ?', [id])[0]?.values[0];
      if (!row) return undefined;
      if (row[0] === 'epic') return id;
      id = typeof row[1] === 'string' ? row[1] : undefined;
    }
  } catch {
    // No hive read model in this host.
  }
  return undefined;
}
