// Reads over the hive read model. All synchronous (sql.js), all through cached statements.
import type { Database, SqlValue } from 'sql.js';
import type { Cell, CellDependency, CellDetail, CellComment, CellRecord, CellSummary, HiveListResult, StoredDepType } from '../../shared/hive';
import type { HiveFindQuery, HiveListQuery, HiveReadyQuery } from '../../shared/hiveSchemas';
import { childNumber } from './core/ids';
import { renderHiveFile } from './core/jsonl';
import type { HiveView } from './core/view';
import { CELL_COLUMNS, SUMMARY_COLUMNS, toCell, toComment, toDependency, toSummary } from './rows';
import { statements } from './statements';

const DEPS_OF = 'SELECT depends_on, type, created_at, created_by FROM hive_deps WHERE cell_id = ? ORDER BY depends_on, type';
const COMMENTS_OF = 'SELECT id, author, text, created_at FROM hive_comments WHERE cell_id = ? ORDER BY id';

export function getCell(db: Database, id: string): Cell | undefined {
  const s = statements(db);
  const row = s.get(`SELECT ${CELL_COLUMNS} FROM hive_cells WHERE id = ?`, [id]);
  if (!row) return undefined;
  return toCell(row, s.all(DEPS_OF, [id]).map(toDependency), s.all(COMMENTS_OF, [id]).map(toComment));
}

/**
 * Every cell as the portable record, tombstones included: what `.hive/issues.jsonl` holds.
 * Each table comes back as one JSON string built inside SQLite: crossing from wasm to JS once per
 * table instead of once per column of every row is what keeps a 10,000-cell export fast.
 */
export function allRecords(db: Database): CellRecord[] {
  const s = statements(db);
  const table = <T>(sql: string): T[] => JSON.parse(String(s.column(sql)[0] ?? '[]')) as T[];
  type DepRow = [string, string, CellDependency['type'], string, string];
  type CommentRow = [string, number, string, string, string];
  const deps = new Map<string, CellDependency[]>();
  for (const [cell, dependsOn, type, createdAt, createdBy] of table<DepRow>(
    'SELECT json_group_array(json_array(cell_id, depends_on, type, created_at, created_by)) FROM hive_deps',
  )) {
    const list = deps.get(cell);
    const dep = { dependsOn, type, createdAt, createdBy };
    if (list) list.push(dep);
    else deps.set(cell, [dep]);
  }
  const comments = new Map<string, CellComment[]>();
  for (const [cell, id, author, text, createdAt] of table<CommentRow>(
    'SELECT json_group_array(json_array(cell_id, id, author, text, created_at)) FROM hive_comments',
  )) {
    const list = comments.get(cell);
    const comment = { id, author, text, createdAt };
    if (list) list.push(comment);
    else comments.set(cell, [comment]);
  }
  type CellRow = [string, string, string, CellRecord['type'], CellRecord['status'], CellRecord['priority'], string | null, string | null, string[], string[], Record<string, unknown>, string, string, string | null, string | null, string | null, string | null];
  return table<CellRow>(
    `SELECT json_group_array(json_array(id, title, description, type, status, priority, parent, assignee, json(labels), json(files), json(metadata),
       created_at, updated_at, closed_at, close_reason, deleted_at, delete_reason)) FROM hive_cells`,
  ).map(([id, title, description, type, status, priority, parent, assignee, labels, files, metadata, createdAt, updatedAt, closedAt, closeReason, deletedAt, deleteReason]) => ({
    id,
    title,
    description,
    type,
    status,
    priority,
    parent,
    assignee,
    labels,
    files,
    dependencies: deps.get(id) ?? [],
    comments: comments.get(id) ?? [],
    metadata,
    createdAt,
    updatedAt,
    closedAt,
    closeReason,
    deletedAt,
    deleteReason,
  }));
}

/** The file the host writes: current records, plus unparsable lines of the file on disk kept. */
export function exportHiveJsonl(db: Database, previousText = ''): string {
  return renderHiveFile(allRecords(db), previousText);
}

/**
 * The ready queue at `now`: open, not blocked (no open blocker, no blocked status, no blocked
 * ancestor), no live claim. Most urgent first (priority 0 before 4), then oldest, then id — the
 * order of the hive_cells_ready index, so this is one index range scan stopped at `limit`.
 */
export function readyCells(db: Database, query: HiveReadyQuery & { now: number }): CellSummary[] {
  const where = ["status = 'open'", 'blocked = 0', '(claim_expires_ms IS NULL OR claim_expires_ms <= ?)'];
  const params: SqlValue[] = [query.now];
  if (query.assignee !== undefined) {
    where.push('assignee = ?');
    params.push(query.assignee);
  }
  if (query.type !== undefined) {
    where.push('type = ?');
    params.push(query.type);
  }
  if (query.label !== undefined) {
    where.push('EXISTS (SELECT 1 FROM json_each(labels) WHERE value = ?)');
    params.push(query.label);
  }
  params.push(query.limit);
  const sql = `SELECT ${SUMMARY_COLUMNS} FROM hive_cells INDEXED BY hive_cells_ready WHERE ${where.join(' AND ')}
    ORDER BY priority ASC, created_at ASC, id ASC LIMIT ?`;
  return statements(db).all(sql, params).map(toSummary);
}

/**
 * When the ready queue may next change by time alone: the earliest claim expiry after `now`
 * (an expired claim puts its cell back in the queue). Null when no claim will expire.
 */
export function nextClaimExpiry(db: Database, now: number): number | null {
  const t = statements(db).get('SELECT MIN(claim_expires_ms) AS t FROM hive_cells WHERE claim_expires_ms > ?', [now])?.t;
  return typeof t === 'number' ? t : null;
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

export function listCells(db: Database, query: HiveListQuery): HiveListResult {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (query.status) {
    where.push(`status IN (${query.status.map(() => '?').join(', ')})`);
    params.push(...query.status);
  } else if (!query.includeDeleted) {
    where.push("status <> 'deleted'");
  }
  if (query.type) {
    where.push(`type IN (${query.type.map(() => '?').join(', ')})`);
    params.push(...query.type);
  }
  if (query.assignee === null) where.push('assignee IS NULL');
  else if (query.assignee !== undefined) {
    where.push('assignee = ?');
    params.push(query.assignee);
  }
  for (const label of query.labels ?? []) {
    where.push('EXISTS (SELECT 1 FROM json_each(labels) WHERE value = ?)');
    params.push(label);
  }
  if (query.priority !== undefined) {
    where.push('priority = ?');
    params.push(query.priority);
  }
  if (query.priorityMax !== undefined) {
    where.push('priority <= ?');
    params.push(query.priorityMax);
  }
  if (query.parent !== undefined) {
    where.push('parent = ?');
    params.push(query.parent);
  }
  if (query.text !== undefined) {
    where.push("(lower(id) LIKE ? ESCAPE '\\' OR lower(title) LIKE ? ESCAPE '\\' OR lower(description) LIKE ? ESCAPE '\\')");
    const p = likePattern(query.text);
    params.push(p, p, p);
  }
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const s = statements(db);
  const total = Number(s.get(`SELECT COUNT(*) AS n FROM hive_cells ${filter}`, params)?.n ?? 0);
  const cells = s
    .all(`SELECT ${SUMMARY_COLUMNS} FROM hive_cells ${filter} ORDER BY priority ASC, created_at ASC, id ASC LIMIT ? OFFSET ?`, [
      ...params,
      query.limit,
      query.offset,
    ])
    .map(toSummary);
  return { cells, total };
}

/** Quick-pick search: an exact id first, then title matches, then the rest; tombstones left out. */
export function findCells(db: Database, query: HiveFindQuery): HiveListResult {
  const p = likePattern(query.text);
  const needle = query.text.toLowerCase();
  const filter = "status <> 'deleted' AND (lower(id) LIKE ?1 ESCAPE '\\' OR lower(title) LIKE ?1 ESCAPE '\\' OR lower(description) LIKE ?1 ESCAPE '\\')";
  const s = statements(db);
  const total = Number(s.get(`SELECT COUNT(*) AS n FROM hive_cells WHERE ${filter}`, [p])?.n ?? 0);
  const cells = s
    .all(
      `SELECT ${SUMMARY_COLUMNS} FROM hive_cells WHERE ${filter}
       ORDER BY lower(id) = ?2 DESC, instr(lower(title), ?2) > 0 DESC, status = 'closed' ASC, priority ASC, created_at ASC, id ASC LIMIT ?3`,
      [p, needle, query.limit],
    )
    .map(toSummary);
  return { cells, total };
}

export function showCell(db: Database, id: string, now: number): CellDetail | undefined {
  const cell = getCell(db, id);
  if (!cell) return undefined;
  const s = statements(db);
  const view = hiveView(db);
  const blocks = s
    .column(`SELECT d.cell_id FROM hive_deps d JOIN hive_cells c ON c.id = d.cell_id WHERE d.depends_on = ? AND d.type = 'blocks' AND c.status <> 'deleted' ORDER BY d.cell_id`, [id])
    .map(String);
  const related: CellDetail['related'] = [];
  for (const d of cell.dependencies) if (d.type !== 'blocks') related.push({ id: d.dependsOn, type: d.type, direction: 'out' });
  for (const row of s.all(`SELECT cell_id, type FROM hive_deps WHERE depends_on = ? AND type <> 'blocks' ORDER BY cell_id`, [id])) {
    related.push({ id: String(row.cell_id), type: String(row.type) as StoredDepType, direction: 'in' });
  }
  const children = s.all(`SELECT ${SUMMARY_COLUMNS} FROM hive_cells WHERE parent = ? AND status <> 'deleted' ORDER BY id`, [id]).map(toSummary);
  const blocked = view.isBlocked(id);
  const claimLive = cell.claim !== null && Date.parse(cell.claim.expiresAt) > now;
  return {
    cell,
    blockedBy: [...view.openBlockers(id)],
    blocks,
    related,
    children,
    ready: cell.status === 'open' && !blocked && !claimLive,
  };
}

/** The state a hive decision reads, over the read model. */
export function hiveView(db: Database): HiveView {
  const s = statements(db);
  return {
    getCell: (id) => getCell(db, id),
    statusOf: (id) => {
      const status = s.get('SELECT status FROM hive_cells WHERE id = ?', [id])?.status;
      return status === undefined ? undefined : (String(status) as Cell['status']);
    },
    cellCount: () => Number(s.get('SELECT COUNT(*) AS n FROM hive_cells')?.n ?? 0),
    maxChildNumber: (parentId) => {
      // Child ids sort between "<parent>." and "<parent>/" ('/' follows '.'), so the primary key finds them.
      let max = 0;
      for (const child of s.column('SELECT id FROM hive_cells WHERE id > ? AND id < ?', [parentId + '.', parentId + '/'])) {
        max = Math.max(max, childNumber(parentId, String(child)) ?? 0);
      }
      return max;
    },
    blockingTargets: (id) =>
      s.column(`SELECT depends_on FROM hive_deps WHERE cell_id = ?1 AND type = 'blocks' UNION SELECT parent FROM hive_cells WHERE id = ?1 AND parent IS NOT NULL`, [id]).map(String),
    openBlockers: (id) =>
      s
        .column(
          `SELECT d.depends_on FROM hive_deps d JOIN hive_cells b ON b.id = d.depends_on
           WHERE d.cell_id = ? AND d.type = 'blocks' AND b.status NOT IN ('closed', 'deleted') ORDER BY d.depends_on`,
          [id],
        )
        .map(String),
    isBlocked: (id) => s.get('SELECT blocked FROM hive_cells WHERE id = ?', [id])?.blocked === 1,
    expiredClaims: (now) =>
      s
        .all('SELECT id, claim_holder, claim_expires_at, status FROM hive_cells WHERE claim_expires_ms <= ? ORDER BY claim_expires_ms, id', [now])
        .map((r) => ({ id: String(r.id), holder: String(r.claim_holder), expiresAt: String(r.claim_expires_at), status: String(r.status) as Cell['status'] })),
  };
}
