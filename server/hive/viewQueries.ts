// Reads the views need in bulk, so a tree refresh is one query instead of one per cell.
import type { Database } from 'sql.js';
import { statements } from './statements';

/** For every cell waiting on a `blocks` dependency: the blockers that are neither closed nor deleted. */
export function openBlockersOfAll(db: Database): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const rows = statements(db).all(
    `SELECT d.cell_id, d.depends_on FROM hive_deps d JOIN hive_cells b ON b.id = d.depends_on
     WHERE d.type = 'blocks' AND b.status NOT IN ('closed', 'deleted') ORDER BY d.cell_id, d.depends_on`,
  );
  for (const row of rows) (out[String(row.cell_id)] ??= []).push(String(row.depends_on));
  return out;
}
