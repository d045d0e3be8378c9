// The canonical form of a cell record: sets sorted and de-duplicated, metadata keys sorted. Two
// records mean the same thing exactly when their canonical forms serialize alike.
import type { Cell, CellDependency, CellRecord } from '../../../shared/hive';
import { compareIds } from './ids';

/** True when every element sorts strictly after the one before (so: sorted and without repeats). */
function strictlyIncreasing<T>(values: readonly T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < values.length; i++) if (compare(values[i - 1]!, values[i]!) >= 0) return false;
  return true;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sortedSet(values: readonly string[]): string[] {
  if (strictlyIncreasing(values, compareText)) return [...values];
  return [...new Set(values)].sort();
}

export function compareDeps(a: CellDependency, b: CellDependency): number {
  return compareIds(a.dependsOn, b.dependsOn) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
}

/** Deep copy of a JSON value with object keys in sorted order (so equal values print alike). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      // defineProperty, so a key named __proto__ stays data instead of replacing the prototype.
      Object.defineProperty(out, key, { value: sortKeysDeep((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

function normalizeDeps(list: readonly CellDependency[]): CellDependency[] {
  if (strictlyIncreasing(list, compareDeps)) {
    return list.map((d) => ({ dependsOn: d.dependsOn, type: d.type, createdAt: d.createdAt, createdBy: d.createdBy }));
  }
  const deps = new Map<string, CellDependency>();
  for (const d of list) {
    const key = `${d.dependsOn}\u0000${d.type}`;
    if (!deps.has(key)) deps.set(key, { dependsOn: d.dependsOn, type: d.type, createdAt: d.createdAt, createdBy: d.createdBy });
  }
  return [...deps.values()].sort(compareDeps);
}

// Called for every line written, so the common empty cases skip the sorting machinery.
export function normalizeRecord(r: CellRecord): CellRecord {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    type: r.type,
    status: r.status,
    priority: r.priority,
    parent: r.parent,
    assignee: r.assignee,
    labels: sortedSet(r.labels),
    files: sortedSet(r.files),
    dependencies: r.dependencies.length === 0 ? [] : normalizeDeps(r.dependencies),
    comments:
      r.comments.length === 0
        ? []
        : [...r.comments].sort((a, b) => a.id - b.id).map((c) => ({ id: c.id, author: c.author, text: c.text, createdAt: c.createdAt })),
    metadata: Object.keys(r.metadata).length === 0 ? {} : (sortKeysDeep(r.metadata) as Record<string, unknown>),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    closedAt: r.closedAt,
    closeReason: r.closeReason,
    deletedAt: r.deletedAt,
    deleteReason: r.deleteReason,
  };
}

/** The portable part of a cell (drops the host-local claim). */
export function toRecord(cell: Cell | CellRecord): CellRecord {
  return normalizeRecord(cell);
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeysDeep(a)) === JSON.stringify(sortKeysDeep(b));
}

export function recordsEqual(a: CellRecord, b: CellRecord): boolean {
  return JSON.stringify(normalizeRecord(a)) === JSON.stringify(normalizeRecord(b));
}
