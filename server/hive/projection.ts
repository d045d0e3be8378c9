// The hive read model: hive events → sql.js tables. Every handler is an upsert or a plain
// assignment, so applying an event twice leaves the same rows, and replaying the log from zero
// rebuilds the same model.
//
// `blocked` is kept materialized so the ready queue is one indexed scan: a cell is blocked when its
// status is `blocked`, when a `blocks` dependency points at a cell that is neither closed nor
// deleted, or when its parent is blocked. Each event recomputes the cells it can affect (the cell,
// the cells waiting for it) and pushes a change down to the children.
import type { Database } from 'sql.js';
import type { EventEnvelope } from '../../shared/events';
import type {
  CellClosedData,
  CellCreatedData,
  CellDeletedData,
  CellImportedData,
  CellPurgedData,
  CellRecord,
  CellReopenedData,
  CellUpdatedData,
  ClaimData,
  ClaimExpiredData,
  ClaimReleasedData,
  CommentAddedData,
  DepData,
  HiveEventDataMap,
} from '../../shared/hive';
import type { Projection } from '../store/projection';
import { normalizeRecord, sortKeysDeep } from './core/record';
import { statements, type StatementCache } from './statements';

export const HIVE_SCHEMA: string[] = [
  `CREATE TABLE IF NOT EXISTS hive_cells (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    priority INTEGER NOT NULL,
    parent TEXT,
    assignee TEXT,
    labels TEXT NOT NULL DEFAULT '[]',
    files TEXT NOT NULL DEFAULT '[]',
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT,
    close_reason TEXT,
    deleted_at TEXT,
    delete_reason TEXT,
    claim_holder TEXT,
    claimed_at TEXT,
    claim_expires_at TEXT,
    claim_expires_ms INTEGER,
    blocked INTEGER NOT NULL DEFAULT 0
  )`,
  // The ready queue: open, unblocked, by priority then age then id — all from this index.
  'CREATE INDEX IF NOT EXISTS hive_cells_ready ON hive_cells (status, blocked, priority, created_at, id)',
  'CREATE INDEX IF NOT EXISTS hive_cells_parent ON hive_cells (parent)',
  'CREATE INDEX IF NOT EXISTS hive_cells_claims ON hive_cells (claim_expires_ms) WHERE claim_expires_ms IS NOT NULL',
  'CREATE INDEX IF NOT EXISTS hive_cells_assignee ON hive_cells (assignee)',
  `CREATE TABLE IF NOT EXISTS hive_deps (
    cell_id TEXT NOT NULL,
    depends_on TEXT NOT NULL,
    type TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (cell_id, depends_on, type)
  )`,
  'CREATE INDEX IF NOT EXISTS hive_deps_target ON hive_deps (depends_on, type)',
  `CREATE TABLE IF NOT EXISTS hive_comments (
    cell_id TEXT NOT NULL,
    id INTEGER NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (cell_id, id)
  )`,
];

const SQL = {
  // A record replaces the cell (its claim survives unless the record closes or deletes it) and
  // arrives with its \`blocked\` already worked out: one statement where a create used to take three.
  upsert: `INSERT INTO hive_cells (id, title, description, type, status, priority, parent, assignee, labels, files, metadata,
      created_at, updated_at, closed_at, close_reason, deleted_at, delete_reason, blocked)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description, type = excluded.type,
      status = excluded.status, priority = excluded.priority, parent = excluded.parent, assignee = excluded.assignee,
      labels = excluded.labels, files = excluded.files, metadata = excluded.metadata, created_at = excluded.created_at,
      updated_at = excluded.updated_at, closed_at = excluded.closed_at, close_reason = excluded.close_reason,
      deleted_at = excluded.deleted_at, delete_reason = excluded.delete_reason, blocked = excluded.blocked,
      claim_holder = CASE WHEN excluded.status IN ('closed', 'deleted') THEN NULL ELSE claim_holder END,
      claimed_at = CASE WHEN excluded.status IN ('closed', 'deleted') THEN NULL ELSE claimed_at END,
      claim_expires_at = CASE WHEN excluded.status IN ('closed', 'deleted') THEN NULL ELSE claim_expires_at END,
      claim_expires_ms = CASE WHEN excluded.status IN ('closed', 'deleted') THEN NULL ELSE claim_expires_ms END`,
  deleteDeps: 'DELETE FROM hive_deps WHERE cell_id = ?',
  hasDeps: 'SELECT 1 FROM hive_deps WHERE cell_id = ? LIMIT 1',
  hasComments: 'SELECT 1 FROM hive_comments WHERE cell_id = ? LIMIT 1',
  insertDep: 'INSERT OR IGNORE INTO hive_deps (cell_id, depends_on, type, created_at, created_by) VALUES (?, ?, ?, ?, ?)',
  removeDep: 'DELETE FROM hive_deps WHERE cell_id = ? AND depends_on = ? AND type = ?',
  deleteComments: 'DELETE FROM hive_comments WHERE cell_id = ?',
  insertComment: 'INSERT OR REPLACE INTO hive_comments (cell_id, id, author, text, created_at) VALUES (?, ?, ?, ?, ?)',
  touch: 'UPDATE hive_cells SET updated_at = ? WHERE id = ?',
  setParent: 'UPDATE hive_cells SET parent = ?, updated_at = ? WHERE id = ?',
  clearParentIf: 'UPDATE hive_cells SET parent = NULL, updated_at = ? WHERE id = ? AND parent = ?',
  claim: `UPDATE hive_cells SET claim_holder = ?, claimed_at = ?, claim_expires_at = ?, claim_expires_ms = ?,
      updated_at = CASE WHEN assignee IS ? THEN updated_at ELSE ? END, assignee = ?
    WHERE id = ? AND status NOT IN ('closed', 'deleted')`,
  renew: 'UPDATE hive_cells SET claim_expires_at = ?, claim_expires_ms = ? WHERE id = ? AND claim_holder = ?',
  unclaim: `UPDATE hive_cells SET claim_holder = NULL, claimed_at = NULL, claim_expires_at = NULL, claim_expires_ms = NULL,
      updated_at = CASE WHEN assignee IS ? THEN ? ELSE updated_at END,
      assignee = CASE WHEN assignee IS ? THEN NULL ELSE assignee END
    WHERE id = ? AND claim_holder = ?`,
  reopenInProgress: `UPDATE hive_cells SET status = 'open', updated_at = ? WHERE id = ? AND status = 'in_progress'`,
  close: `UPDATE hive_cells SET status = 'closed', closed_at = ?, close_reason = ?, updated_at = ?,
      claim_holder = NULL, claimed_at = NULL, claim_expires_at = NULL, claim_expires_ms = NULL WHERE id = ?`,
  reopen: `UPDATE hive_cells SET status = 'open', closed_at = NULL, close_reason = NULL, updated_at = ? WHERE id = ?`,
  delete: `UPDATE hive_cells SET status = 'deleted', deleted_at = ?, delete_reason = ?, updated_at = ?,
      claim_holder = NULL, claimed_at = NULL, claim_expires_at = NULL, claim_expires_ms = NULL WHERE id = ?`,
  purge: 'DELETE FROM hive_cells WHERE id = ?',
  // Blocked maintenance.
  cellState: 'SELECT status, parent, blocked FROM hive_cells WHERE id = ?',
  parentBlocked: 'SELECT blocked FROM hive_cells WHERE id = ?',
  // Two one-table lookups, not a join: sql.js runs any two-table statement here about ten times
  // slower than two single-table ones, and most cells have no blockers at all.
  blockers: `SELECT depends_on FROM hive_deps WHERE cell_id = ? AND type = 'blocks'`,
  cellStatus: 'SELECT status FROM hive_cells WHERE id = ?',
  setBlocked: 'UPDATE hive_cells SET blocked = ? WHERE id = ?',
  children: 'SELECT id FROM hive_cells WHERE parent = ?',
  waiting: `SELECT cell_id FROM hive_deps WHERE depends_on = ? AND type = 'blocks'`,
};

/** A `blocks` dependency points at a cell that exists and is neither closed nor deleted. */
function hasOpenBlocker(s: StatementCache, id: string): boolean {
  for (const target of s.column(SQL.blockers, [id])) {
    const status = s.get(SQL.cellStatus, [target])?.status;
    if (status !== undefined && status !== 'closed' && status !== 'deleted') return true;
  }
  return false;
}

/** Recomputes `blocked` for one cell and, when it changed, for its descendants. */
function refreshBlocked(s: StatementCache, id: string, seen = new Set<string>()): void {
  if (seen.has(id)) return; // a parent loop from a bad merge must not recurse forever
  seen.add(id);
  const row = s.get(SQL.cellState, [id]);
  if (!row) return;
  let blocked = row.status === 'blocked' || hasOpenBlocker(s, id);
  if (!blocked && typeof row.parent === 'string') blocked = s.get(SQL.parentBlocked, [row.parent])?.blocked === 1;
  const value = blocked ? 1 : 0;
  if (value === row.blocked) return;
  s.run(SQL.setBlocked, [value, id]);
  for (const child of s.column(SQL.children, [id])) refreshBlocked(s, String(child), seen);
}

/** After a cell's status changed (or it appeared or vanished): itself and everything waiting for it. */
function refreshAround(s: StatementCache, id: string): void {
  refreshBlocked(s, id);
  for (const waiting of s.column(SQL.waiting, [id])) refreshBlocked(s, String(waiting));
}

/** What refreshBlocked would compute for this record once written, from the record itself. */
function recordBlocked(s: StatementCache, r: CellRecord): boolean {
  if (r.status === 'blocked') return true;
  for (const d of r.dependencies) {
    if (d.type !== 'blocks') continue;
    const status = d.dependsOn === r.id ? r.status : s.get(SQL.cellStatus, [d.dependsOn])?.status;
    if (status !== undefined && status !== 'closed' && status !== 'deleted') return true;
  }
  // A cell that is its own parent reads its own earlier value, as refreshBlocked would.
  return typeof r.parent === 'string' && s.get(SQL.parentBlocked, [r.parent])?.blocked === 1;
}

function writeRecord(s: StatementCache, record: CellRecord): void {
  const r = normalizeRecord(record);
  s.run(SQL.upsert, [
    r.id,
    r.title,
    r.description,
    r.type,
    r.status,
    r.priority,
    r.parent,
    r.assignee,
    JSON.stringify(r.labels),
    JSON.stringify(r.files),
    JSON.stringify(r.metadata),
    r.createdAt,
    r.updatedAt,
    r.closedAt,
    r.closeReason,
    r.deletedAt,
    r.deleteReason,
    recordBlocked(s, r) ? 1 : 0,
  ]);
  // A lookup costs a fraction of a DELETE that finds nothing, which is what a new cell meets.
  if (s.get(SQL.hasDeps, [r.id])) s.run(SQL.deleteDeps, [r.id]);
  for (const d of r.dependencies) s.run(SQL.insertDep, [r.id, d.dependsOn, d.type, d.createdAt, d.createdBy]);
  if (s.get(SQL.hasComments, [r.id])) s.run(SQL.deleteComments, [r.id]);
  for (const c of r.comments) s.run(SQL.insertComment, [r.id, c.id, c.author, c.text, c.createdAt]);
  // Its status may have changed for the cells waiting on it; its blocked flag for its children —
  // and a child may have arrived before its parent (an import in file order).
  for (const waiting of s.column(SQL.waiting, [r.id])) refreshBlocked(s, String(waiting));
  for (const child of s.column(SQL.children, [r.id])) refreshBlocked(s, String(child));
}

/** A stored set: sorted, without repeats, as compact JSON (what the file holds). */
function storedSet(v: unknown): string {
  return JSON.stringify(Array.isArray(v) ? [...new Set(v.map(String))].sort() : []);
}

/** Columns a `hive.cell.updated` change may set, and how each is stored (canonically, as the file writes it). */
const UPDATABLE: Record<string, (v: unknown) => string | number | null> = {
  title: (v) => String(v),
  description: (v) => String(v),
  type: (v) => String(v),
  status: (v) => String(v),
  priority: (v) => Number(v),
  assignee: (v) => (v === null ? null : String(v)),
  labels: storedSet,
  files: storedSet,
  metadata: (v) => JSON.stringify(sortKeysDeep(v ?? {})),
};

function applyUpdate(s: StatementCache, d: CellUpdatedData): void {
  const columns: string[] = [];
  const values: Array<string | number | null> = [];
  for (const [key, value] of Object.entries(d.changes)) {
    const encode = UPDATABLE[key];
    if (!encode || value === undefined) continue;
    columns.push(`${key} = ?`);
    values.push(encode(value));
  }
  // Few distinct column sets occur, so the statement cache keeps them all prepared.
  s.run(`UPDATE hive_cells SET ${[...columns, 'updated_at = ?'].join(', ')} WHERE id = ? AND status <> 'deleted'`, [...values, d.at, d.id]);
  if ('status' in d.changes) refreshAround(s, d.id);
}

type Handlers = { [K in keyof HiveEventDataMap]: (s: StatementCache, data: HiveEventDataMap[K]) => void };

const handlers: Handlers = {
  'hive.cell.created': (s, d: CellCreatedData) => writeRecord(s, d.cell),
  'hive.cell.imported': (s, d: CellImportedData) => writeRecord(s, d.cell),
  'hive.epic.created': () => {
    /* a marker: the cells follow as hive.cell.created in the same append */
  },
  'hive.cell.updated': applyUpdate,
  'hive.cell.claimed': (s, d: ClaimData) => {
    s.run(SQL.claim, [d.holder, d.at, d.expiresAt, Date.parse(d.expiresAt), d.holder, d.at, d.holder, d.id]);
  },
  'hive.claim.renewed': (s, d: ClaimData) => s.run(SQL.renew, [d.expiresAt, Date.parse(d.expiresAt), d.id, d.holder]),
  'hive.claim.released': (s, d: ClaimReleasedData) => s.run(SQL.unclaim, [d.holder, d.at, d.holder, d.id, d.holder]),
  'hive.claim.expired': (s, d: ClaimExpiredData) => {
    if (d.reopened) {
      s.run(SQL.reopenInProgress, [d.at, d.id]);
      refreshAround(s, d.id);
    }
    s.run(SQL.unclaim, [d.holder, d.at, d.holder, d.id, d.holder]);
  },
  'hive.cell.closed': (s, d: CellClosedData) => {
    s.run(SQL.close, [d.at, d.reason, d.at, d.id]);
    refreshAround(s, d.id);
  },
  'hive.cell.reopened': (s, d: CellReopenedData) => {
    s.run(SQL.reopen, [d.at, d.id]);
    refreshAround(s, d.id);
  },
  'hive.cell.deleted': (s, d: CellDeletedData) => {
    s.run(SQL.delete, [d.at, d.reason, d.at, d.id]);
    refreshAround(s, d.id);
  },
  'hive.dep.added': (s, d: DepData) => {
    if (d.type === 'parent-child') s.run(SQL.setParent, [d.dependsOn, d.at, d.id]);
    else {
      s.run(SQL.insertDep, [d.id, d.dependsOn, d.type, d.at, d.by]);
      s.run(SQL.touch, [d.at, d.id]);
    }
    refreshBlocked(s, d.id);
  },
  'hive.dep.removed': (s, d: DepData) => {
    if (d.type === 'parent-child') s.run(SQL.clearParentIf, [d.at, d.id, d.dependsOn]);
    else {
      s.run(SQL.removeDep, [d.id, d.dependsOn, d.type]);
      s.run(SQL.touch, [d.at, d.id]);
    }
    refreshBlocked(s, d.id);
  },
  'hive.comment.added': (s, d: CommentAddedData) => {
    s.run(SQL.insertComment, [d.id, d.comment.id, d.comment.author, d.comment.text, d.comment.createdAt]);
    s.run(SQL.touch, [d.comment.createdAt, d.id]);
  },
  'hive.cell.purged': (s, d: CellPurgedData) => {
    const children = s.column(SQL.children, [d.id]).map(String);
    s.run(SQL.purge, [d.id]);
    s.run(SQL.deleteDeps, [d.id]);
    s.run(SQL.deleteComments, [d.id]);
    for (const waiting of s.column(SQL.waiting, [d.id])) refreshBlocked(s, String(waiting));
    for (const child of children) refreshBlocked(s, child);
  },
};

function isHiveType(type: string): type is keyof HiveEventDataMap {
  return Object.prototype.hasOwnProperty.call(handlers, type);
}

export function applyHiveEvent(db: Database, event: Pick<EventEnvelope, 'type' | 'data'>): void {
  if (!isHiveType(event.type)) return; // a newer host's event type: nothing this model shows
  const handler = handlers[event.type] as (s: StatementCache, data: unknown) => void;
  handler(statements(db), event.data);
}

export const hiveProjection: Projection = {
  name: 'hive',
  version: 1,
  schema: HIVE_SCHEMA,
  types: ['hive.*'],
  apply: applyHiveEvent,
};
