// Three-way merge of `.hive/issues.jsonl`: base is what the host last wrote (or the common
// ancestor in git), ours is the current state, theirs is the file as it is now.
//
// Rules, cell by cell and field by field:
//   • a field changed on one side only takes that side's value;
//   • a field changed on both sides to different values is a true conflict: the side whose cell
//     has the later `updatedAt` wins (equal times: the greater value as canonical JSON, so both
//     clones resolve alike and converge);
//   • labels, files, dependencies and comments are sets: every addition from either side is kept,
//     an element disappears only when one side removed it and the other left it as in base;
//   • status travels with its timestamps and reasons; a tombstone (deleted) wins over any edit;
//   • a cell one side removed outright stays removed if the other side left it unchanged, and is
//     kept (reported as a conflict) if the other side edited it;
//   • a line that cannot be parsed is reported with its line number and kept, at the end of the file.
import type { CellComment, CellDependency, CellRecord, HiveNewEvent, HiveProblem, ImportSource } from '../../../shared/hive';
import { compareIds } from './ids';
import { parseJsonl, serializeJsonl, serializeRecord, type LineCache, type ParsedJsonl } from './jsonl';
import { normalizeRecord, recordsEqual, sortKeysDeep } from './record';
import { iso } from './view';

export interface MergeConflict {
  id: string;
  /** A field name, or `cell` when one side removed the cell the other edited. */
  field: string;
  winner: 'ours' | 'theirs';
  reason: string;
}

export interface HiveMergeResult {
  /** The merged cells, sorted by id. */
  records: CellRecord[];
  /** The merged file, unparsable lines kept at the end. */
  text: string;
  /** Events that bring the host's state (ours) to the merged result. */
  events: HiveNewEvent[];
  /** Ids whose merged record differs from ours. */
  changed: string[];
  conflicts: MergeConflict[];
  problems: HiveProblem[];
}

export interface MergeOptions {
  /** Time stamped on the import events. */
  now: number;
  source?: ImportSource;
}

const canon = (v: unknown): string => JSON.stringify(sortKeysDeep(v));
const same = (a: unknown, b: unknown): boolean => canon(a) === canon(b);

/** Keeps an element present on both sides, or added (absent from base) on either side. */
function mergeKeyed<T>(base: ReadonlyMap<string, T>, ours: ReadonlyMap<string, T>, theirs: ReadonlyMap<string, T>): T[] {
  const out: T[] = [];
  for (const key of new Set([...ours.keys(), ...theirs.keys()])) {
    const o = ours.get(key);
    const t = theirs.get(key);
    if (o !== undefined && t !== undefined) out.push(canon(o) <= canon(t) ? o : t);
    else if (!base.has(key)) out.push((o ?? t)!);
  }
  return out;
}

const byValue = (values: readonly string[]): Map<string, string> => new Map(values.map((v) => [v, v]));
const depKey = (d: CellDependency): string => `${d.dependsOn}\u0000${d.type}`;
const commentKey = (c: CellComment): string => `${c.createdAt}\u0000${c.author}\u0000${c.text}`;

function mergeComments(base: readonly CellComment[], ours: readonly CellComment[], theirs: readonly CellComment[]): CellComment[] {
  if (same(ours, theirs) || same(base, theirs)) return [...ours];
  if (same(base, ours)) return [...theirs];
  const keyed = (list: readonly CellComment[]) => new Map(list.map((c) => [commentKey(c), c]));
  const merged = mergeKeyed(keyed(base), keyed(ours), keyed(theirs));
  merged.sort((a, b) => (commentKey(a) < commentKey(b) ? -1 : 1));
  // Renumbered by creation time so both sides' new comments get distinct ids.
  return merged.map((c, i) => ({ ...c, id: i + 1 }));
}

type Scalar = 'title' | 'description' | 'type' | 'priority' | 'parent' | 'assignee' | 'metadata';
const SCALARS: Scalar[] = ['title', 'description', 'type', 'priority', 'parent', 'assignee', 'metadata'];

function statusOf(r: CellRecord) {
  return { status: r.status, closedAt: r.closedAt, closeReason: r.closeReason, deletedAt: r.deletedAt, deleteReason: r.deleteReason };
}

function mergeRecord(base: CellRecord | undefined, ours: CellRecord, theirs: CellRecord, conflicts: MergeConflict[]): CellRecord {
  const oursLater = ours.updatedAt !== theirs.updatedAt ? ours.updatedAt > theirs.updatedAt : null;
  const pick = <V>(field: string, b: V | undefined, o: V, t: V, hasBase: boolean): V => {
    if (same(o, t)) return o;
    if (hasBase && same(o, b)) return t;
    if (hasBase && same(t, b)) return o;
    const oursWins = oursLater ?? canon(o) > canon(t);
    conflicts.push({
      id: ours.id,
      field,
      winner: oursWins ? 'ours' : 'theirs',
      reason: oursLater === null ? 'both changed at the same time; the greater value wins' : 'both changed; the later update wins',
    });
    return oursWins ? o : t;
  };

  const merged = { ...ours } as CellRecord;
  for (const field of SCALARS) {
    (merged as unknown as Record<string, unknown>)[field] = pick(field, base?.[field], ours[field], theirs[field], base !== undefined);
  }

  if (ours.status === 'deleted' || theirs.status === 'deleted') {
    const later = oursLater ?? canon(statusOf(ours)) > canon(statusOf(theirs));
    const tomb = ours.status !== 'deleted' ? theirs : theirs.status !== 'deleted' ? ours : later ? ours : theirs;
    Object.assign(merged, statusOf(tomb));
  } else {
    Object.assign(merged, pick('status', base && statusOf(base), statusOf(ours), statusOf(theirs), base !== undefined));
  }

  merged.labels = mergeKeyed(byValue(base?.labels ?? []), byValue(ours.labels), byValue(theirs.labels));
  merged.files = mergeKeyed(byValue(base?.files ?? []), byValue(ours.files), byValue(theirs.files));
  const deps = (r: CellRecord | undefined) => new Map((r?.dependencies ?? []).map((d) => [depKey(d), d]));
  merged.dependencies = mergeKeyed(deps(base), deps(ours), deps(theirs));
  merged.comments = mergeComments(base?.comments ?? [], ours.comments, theirs.comments);
  merged.createdAt = ours.createdAt < theirs.createdAt ? ours.createdAt : theirs.createdAt;
  merged.updatedAt = ours.updatedAt > theirs.updatedAt ? ours.updatedAt : theirs.updatedAt;
  return normalizeRecord(merged);
}

/** Unparsable lines are a set too: kept unless one side dropped a line that was in base. */
function mergeKept(parsed: Record<'base' | 'ours' | 'theirs', ParsedJsonl>): string[] {
  const lines = (p: ParsedJsonl) => byValue(p.unparsed.map((u) => u.text));
  return mergeKeyed(lines(parsed.base), lines(parsed.ours), lines(parsed.theirs));
}

export function mergeHive(base: string, ours: string, theirs: string, options: MergeOptions): HiveMergeResult {
  // The three files share most lines: each distinct line is parsed once and yields one object,
  // so an unchanged cell is recognised by identity below.
  const cache: LineCache = new Map();
  const parsed = { base: parseJsonl(base, 'base', cache), ours: parseJsonl(ours, 'ours', cache), theirs: parseJsonl(theirs, 'theirs', cache) };
  const index = (records: CellRecord[]) => new Map(records.map((r) => [r.id, r]));
  const b = index(parsed.base.records);
  const o = index(parsed.ours.records);
  const t = index(parsed.theirs.records);
  const conflicts: MergeConflict[] = [];
  const merged: CellRecord[] = [];

  for (const id of [...new Set([...o.keys(), ...t.keys()])].sort(compareIds)) {
    const mine = o.get(id);
    const yours = t.get(id);
    const was = b.get(id);
    if (mine && yours) {
      merged.push(mine === yours ? mine : mergeRecord(was, mine, yours, conflicts));
    } else {
      const present = (mine ?? yours)!;
      if (!was) {
        merged.push(present);
      } else if (!recordsEqual(was, present)) {
        merged.push(present);
        conflicts.push({ id, field: 'cell', winner: mine ? 'ours' : 'theirs', reason: `removed by ${mine ? 'theirs' : 'ours'} but edited by ${mine ? 'ours' : 'theirs'}; kept` });
      }
      // else: one side removed the line, the other left it as it was: it stays removed.
    }
  }

  const at = iso(options.now);
  const source = options.source ?? 'merge';
  const events: HiveNewEvent[] = [];
  const changed: string[] = [];
  for (const r of merged) {
    const mine = o.get(r.id);
    if (!mine || (mine !== r && serializeRecord(mine) !== serializeRecord(r))) {
      changed.push(r.id);
      events.push({ type: 'hive.cell.imported', data: { cell: r, source, at } });
    }
  }
  const mergedIds = new Set(merged.map((r) => r.id));
  for (const id of o.keys()) {
    if (!mergedIds.has(id)) {
      changed.push(id);
      events.push({ type: 'hive.cell.purged', data: { id, source, at } });
    }
  }

  return {
    records: merged,
    text: serializeJsonl(merged, mergeKept(parsed)),
    events,
    changed,
    conflicts,
    problems: [...parsed.ours.problems, ...parsed.theirs.problems],
  };
}
