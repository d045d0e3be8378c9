import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HIVE_STREAM, type CellRecord, type CellStatus } from '../../../shared/hive';
import { hiveProjection } from '../../../server/hive/projection';
import { hiveDb } from './harness';

// The ready queue trusts the materialized `blocked` column. Whatever order records arrive in
// (an import in file order puts children before parents and dependents before blockers), and
// however later events change statuses, it must equal the definition: status blocked, or a
// `blocks` dependency on a cell that exists and is neither closed nor deleted, or a blocked parent.

const IDS = ['a', 'b', 'c', 'd', 'e'];
const STATUSES: CellStatus[] = ['open', 'in_progress', 'blocked', 'closed', 'deleted'];
const AT = '2026-01-05T09:00:00.000Z';

const record = fc.record({
  id: fc.constantFrom(...IDS),
  status: fc.constantFrom(...STATUSES),
  parent: fc.option(fc.constantFrom(...IDS), { nil: null }),
  blockers: fc.uniqueArray(fc.constantFrom(...IDS), { maxLength: 2 }),
});
const step = fc.oneof(
  record.map((r) => ({ kind: 'import' as const, ...r })),
  fc.record({ kind: fc.constant('status' as const), id: fc.constantFrom(...IDS), status: fc.constantFrom(...STATUSES) }),
);

function cell(r: { id: string; status: CellStatus; parent: string | null; blockers: string[] }): CellRecord {
  return {
    id: r.id,
    title: r.id,
    description: '',
    type: 'task',
    status: r.status,
    priority: 2,
    parent: r.parent,
    assignee: null,
    labels: [],
    files: [],
    dependencies: r.blockers.map((dependsOn) => ({ dependsOn, type: 'blocks' as const, createdAt: AT, createdBy: 'ann' })),
    comments: [],
    metadata: {},
    createdAt: AT,
    updatedAt: AT,
    closedAt: null,
    closeReason: null,
    deletedAt: null,
    deleteReason: null,
  };
}

interface Row {
  status: string;
  parent: string | null;
  blocked: number;
}

/** `blocked` by definition, from the rows and dependencies alone (a parent loop counts as not blocked by it). */
function expectedBlocked(rows: Map<string, Row>, deps: Array<[string, string]>, id: string, path = new Set<string>()): boolean {
  const row = rows.get(id)!;
  if (row.status === 'blocked') return true;
  for (const [from, to] of deps) {
    const target = rows.get(to);
    if (from === id && target && target.status !== 'closed' && target.status !== 'deleted') return true;
  }
  if (row.parent === null || !rows.has(row.parent) || path.has(row.parent)) return false;
  return expectedBlocked(rows, deps, row.parent, new Set([...path, id]));
}

describe('hive projection: the materialized blocked flag', () => {
  it('equals its definition after any sequence of imports and status changes, in any order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const db = await hiveDb();
        try {
          steps.forEach((s, i) => {
            const base = { id: `e${i}`, stream: HIVE_STREAM, version: i + 1, position: i + 1, ts: AT, actor: 'ann', causationId: null, correlationId: null };
            if (s.kind === 'import') hiveProjection.apply(db, { ...base, type: 'hive.cell.imported', data: { cell: cell(s), source: 'file', at: AT } });
            else hiveProjection.apply(db, { ...base, type: 'hive.cell.updated', data: { id: s.id, changes: { status: s.status }, at: AT } });
          });
          const rows = new Map<string, Row>(
            (db.exec('SELECT id, status, parent, blocked FROM hive_cells')[0]?.values ?? []).map(([id, status, parent, blocked]) => [
              String(id),
              { status: String(status), parent: parent === null ? null : String(parent), blocked: Number(blocked) },
            ]),
          );
          const deps = (db.exec("SELECT cell_id, depends_on FROM hive_deps WHERE type = 'blocks'")[0]?.values ?? []).map(([a, b]) => [String(a), String(b)] as [string, string]);
          // Parent loops (a bad merge) are cut where the projection meets them, so only loop-free hives are compared.
          const loopFree = [...rows.keys()].every((id) => {
            const seen = new Set<string>();
            for (let at: string | null = id; at !== null && rows.has(at); at = rows.get(at)!.parent) {
              if (seen.has(at)) return false;
              seen.add(at);
            }
            return true;
          });
          fc.pre(loopFree);
          for (const [id, row] of rows) assert.equal(row.blocked === 1, expectedBlocked(rows, deps, id), `cell ${id}`);
        } finally {
          db.close();
        }
      }),
      { numRuns: 300 },
    );
  });
});
