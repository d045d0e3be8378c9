// Interoperability with beads (`.beads/issues.jsonl`): snake_case keys, `issue_type`, a
// `tombstone` status, and parents expressed as `parent-child` dependencies. Ids, statuses,
// priorities, dependencies, labels, comments and timestamps map across; beads fields the hive
// has no place for (design, notes, acceptance criteria, external refs, unknown statuses or
// types, …) are kept under `metadata.beads` and written back on export, so a round trip keeps them.
import {
  CELL_STATUSES,
  CELL_TYPES,
  DEP_TYPES,
  type CellComment,
  type CellDependency,
  type CellRecord,
  type CellStatus,
  type CellType,
  type HiveNewEvent,
  type HiveProblem,
  type Priority,
} from '../../../shared/hive';
import { CELL_ID_PATTERN } from '../../../shared/hiveSchemas';
import { compareIds } from './ids';
import { normalizeRecord } from './record';
import { iso } from './view';

/** Keys in the order beads writes them; keys beyond these come after, sorted. */
const BEADS_KEY_ORDER = [
  'id',
  'title',
  'description',
  'design',
  'acceptance_criteria',
  'notes',
  'status',
  'priority',
  'issue_type',
  'assignee',
  'estimated_minutes',
  'created_at',
  'updated_at',
  'closed_at',
  'close_reason',
  'external_ref',
  'labels',
  'dependencies',
  'comments',
  'deleted_at',
  'deleted_by',
  'delete_reason',
  'original_type',
];

/** Keys the mapping consumes; anything else on a beads line is preserved verbatim. */
const MAPPED = new Set([
  'id',
  'title',
  'description',
  'status',
  'priority',
  'issue_type',
  'assignee',
  'created_at',
  'updated_at',
  'closed_at',
  'close_reason',
  'labels',
  'dependencies',
  'comments',
  'deleted_at',
  'delete_reason',
  'original_type',
]);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Beads writes RFC 3339 with offsets and nanoseconds; the hive keeps UTC milliseconds. */
function time(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : iso(ms);
}

export interface BeadsParseResult {
  records: CellRecord[];
  problems: HiveProblem[];
}

function fromBeads(obj: Json): CellRecord | string {
  const id = str(obj.id);
  if (!id || !CELL_ID_PATTERN.test(id)) return `id ${JSON.stringify(obj.id)} is not a usable id`;
  const title = typeof obj.title === 'string' ? obj.title : null;
  if (title === null) return 'no title';
  const createdAt = time(obj.created_at);
  if (!createdAt) return `created_at ${JSON.stringify(obj.created_at)} is not a time`;

  const beads: Json = {};
  for (const [key, value] of Object.entries(obj)) if (!MAPPED.has(key)) beads[key] = value;

  const rawStatus = str(obj.status) ?? 'open';
  let status: CellStatus;
  if (rawStatus === 'tombstone') status = 'deleted';
  else if ((CELL_STATUSES as readonly string[]).includes(rawStatus) && rawStatus !== 'deleted') status = rawStatus as CellStatus;
  else {
    status = 'open';
    beads.status = rawStatus;
  }

  const rawType = str(status === 'deleted' ? (obj.original_type ?? obj.issue_type) : obj.issue_type) ?? 'task';
  let type: CellType = 'task';
  if ((CELL_TYPES as readonly string[]).includes(rawType)) type = rawType as CellType;
  else beads.issue_type = rawType;

  // Go omits a zero priority (omitempty), so a missing priority is 0.
  const p = typeof obj.priority === 'number' ? obj.priority : 0;
  const priority = (Number.isInteger(p) && p >= 0 && p <= 4 ? p : 2) as Priority;
  if (priority !== p) beads.priority = obj.priority;

  let parent: string | null = null;
  const dependencies: CellDependency[] = [];
  const foreignDeps: unknown[] = [];
  for (const d of Array.isArray(obj.dependencies) ? obj.dependencies : []) {
    const target = isObject(d) ? str(d.depends_on_id) : null;
    const depType = isObject(d) ? str(d.type) : null;
    if (!isObject(d) || !target || !depType || !(DEP_TYPES as readonly string[]).includes(depType) || !CELL_ID_PATTERN.test(target)) {
      foreignDeps.push(d);
      continue;
    }
    if (depType === 'parent-child') {
      if (parent === null) parent = target;
      else foreignDeps.push(d);
      continue;
    }
    dependencies.push({
      dependsOn: target,
      type: depType as CellDependency['type'],
      createdAt: time(d.created_at) ?? createdAt,
      createdBy: str(d.created_by) ?? '',
    });
  }
  if (foreignDeps.length) beads.dependencies = foreignDeps;

  const rawComments = (Array.isArray(obj.comments) ? obj.comments : []).filter(isObject);
  rawComments.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)) || Number(a.id ?? 0) - Number(b.id ?? 0));
  const comments: CellComment[] = rawComments.map((c, i) => ({
    id: i + 1,
    author: typeof c.author === 'string' ? c.author : '',
    text: typeof c.text === 'string' ? c.text : '',
    createdAt: time(c.created_at) ?? createdAt,
  }));

  const labels = (Array.isArray(obj.labels) ? obj.labels : []).filter((l): l is string => typeof l === 'string');
  return normalizeRecord({
    id,
    title,
    description: typeof obj.description === 'string' ? obj.description : '',
    type,
    status,
    priority,
    parent,
    assignee: str(obj.assignee),
    labels,
    files: [],
    dependencies,
    comments,
    metadata: Object.keys(beads).length ? { beads } : {},
    createdAt,
    updatedAt: time(obj.updated_at) ?? createdAt,
    closedAt: status === 'closed' ? (time(obj.closed_at) ?? time(obj.updated_at) ?? createdAt) : null,
    closeReason: status === 'closed' ? str(obj.close_reason) : null,
    deletedAt: status === 'deleted' ? (time(obj.deleted_at) ?? time(obj.updated_at) ?? createdAt) : null,
    deleteReason: status === 'deleted' ? str(obj.delete_reason) : null,
  });
}

export function parseBeadsJsonl(text: string): BeadsParseResult {
  const records: CellRecord[] = [];
  const problems: HiveProblem[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const lineText = raw.replace(/\r$/, '');
    if (lineText.trim() === '') return;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (err) {
      problems.push({ line, reason: `not JSON: ${err instanceof Error ? err.message : String(err)}`, source: 'file', text: lineText.slice(0, 200) });
      return;
    }
    const record = isObject(value) ? fromBeads(value) : 'not an object';
    if (typeof record === 'string') {
      problems.push({ line, reason: record, source: 'file', text: lineText.slice(0, 200) });
    } else if (seen.has(record.id)) {
      problems.push({ line, reason: `duplicate id ${record.id}`, source: 'file' });
    } else {
      seen.add(record.id);
      records.push(record);
    }
  });
  return { records, problems };
}

function toBeads(r: CellRecord): Json {
  const beads = isObject(r.metadata.beads) ? r.metadata.beads : {};
  const out: Json = { ...beads };
  out.id = r.id;
  out.title = r.title;
  out.description = r.description;
  // An unknown beads status or type survives only while the hive left the cell as imported.
  out.status = r.status === 'deleted' ? 'tombstone' : r.status === 'open' && typeof beads.status === 'string' ? beads.status : r.status;
  out.priority = r.priority;
  out.issue_type = r.type === 'task' && typeof beads.issue_type === 'string' ? beads.issue_type : r.type;
  if (r.assignee) out.assignee = r.assignee;
  out.created_at = r.createdAt;
  out.updated_at = r.updatedAt;
  if (r.closedAt) out.closed_at = r.closedAt;
  if (r.closeReason) out.close_reason = r.closeReason;
  if (r.labels.length) out.labels = [...r.labels];
  const deps: unknown[] = [];
  if (r.parent) deps.push({ issue_id: r.id, depends_on_id: r.parent, type: 'parent-child', created_at: r.createdAt, created_by: '' });
  for (const d of r.dependencies) deps.push({ issue_id: r.id, depends_on_id: d.dependsOn, type: d.type, created_at: d.createdAt, created_by: d.createdBy });
  if (Array.isArray(beads.dependencies)) deps.push(...beads.dependencies);
  if (deps.length) out.dependencies = deps;
  else delete out.dependencies;
  if (r.comments.length) out.comments = r.comments.map((c) => ({ id: c.id, issue_id: r.id, author: c.author, text: c.text, created_at: c.createdAt }));
  if (r.status === 'deleted') {
    out.deleted_at = r.deletedAt ?? r.updatedAt;
    if (r.deleteReason) out.delete_reason = r.deleteReason;
    out.original_type = out.issue_type;
  }
  const ordered: Json = {};
  for (const key of BEADS_KEY_ORDER) if (key in out) ordered[key] = out[key];
  for (const key of Object.keys(out).sort()) if (!(key in ordered)) ordered[key] = out[key];
  return ordered;
}

/** A beads `issues.jsonl`: one issue per line, sorted by id. */
export function toBeadsJsonl(records: Iterable<CellRecord>): string {
  return [...records]
    .sort((a, b) => compareIds(a.id, b.id))
    .map((r) => JSON.stringify(toBeads(r)) + '\n')
    .join('');
}

/** Upserts for every record read from a beads file. */
export function beadsImportEvents(records: readonly CellRecord[], now: number): HiveNewEvent[] {
  const at = iso(now);
  return records.map((cell) => ({ type: 'hive.cell.imported' as const, data: { cell, source: 'beads' as const, at } }));
}
