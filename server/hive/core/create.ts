// Creating cells: one cell, or an epic with its subtasks in one atomic append.
import type { CellDependency, CellRecord, DepType, HiveNewEvent, Priority } from '../../../shared/hive';
import type { HiveCreateCommand, HiveCreateEpicCommand } from '../../../shared/hiveSchemas';
import { findCycle, formatCycle } from './cycles';
import { childId, DEFAULT_ID_PREFIX, newCellId } from './ids';
import { normalizeRecord } from './record';
import { cellDeleted, cellNotFound, conflict, invalid } from './refusals';
import { iso, type DecideContext, type Decision, type HiveView } from './view';

type DepRef = string | { id: string; type: DepType };

interface NewCellFields {
  title: string;
  description: string;
  type: CellRecord['type'];
  priority: Priority;
  assignee?: string;
  labels: string[];
  files: string[];
  metadata: Record<string, unknown>;
}

/** A cell new work may point at: it exists and is not a tombstone. */
function assertLive(view: HiveView, id: string): void {
  const status = view.statusOf(id);
  if (status === undefined) throw cellNotFound(id);
  if (status === 'deleted') throw cellDeleted(id);
}

function record(id: string, fields: NewCellFields, parent: string | null, deps: CellDependency[], at: string): CellRecord {
  return normalizeRecord({
    id,
    title: fields.title,
    description: fields.description,
    type: fields.type,
    status: 'open',
    priority: fields.priority,
    parent,
    assignee: fields.assignee ?? null,
    labels: fields.labels,
    files: fields.files,
    dependencies: deps,
    comments: [],
    metadata: fields.metadata,
    createdAt: at,
    updatedAt: at,
    closedAt: null,
    closeReason: null,
    deletedAt: null,
    deleteReason: null,
  });
}

/** Splits creation-time dependency refs into the parent (from a parent-child ref) and stored deps. */
function resolveDeps(
  view: HiveView,
  refs: readonly DepRef[],
  parent: string | undefined,
  ctx: DecideContext,
  at: string,
): { parent: string | undefined; deps: CellDependency[] } {
  const deps: CellDependency[] = [];
  for (const ref of refs) {
    const { id, type } = typeof ref === 'string' ? { id: ref, type: 'blocks' as const } : ref;
    assertLive(view, id);
    if (type === 'parent-child') {
      if (parent !== undefined && parent !== id) {
        throw invalid(`two parents given: ${parent} and ${id}`, 'a cell has one parent; pass it once, as parent', { parent, other: id });
      }
      parent = id;
      continue;
    }
    if (!deps.some((d) => d.dependsOn === id && d.type === type)) deps.push({ dependsOn: id, type, createdAt: at, createdBy: ctx.actor });
  }
  return { parent, deps };
}

function newRootId(view: HiveView, ctx: DecideContext, title: string): string {
  return newCellId({
    prefix: ctx.idPrefix ?? DEFAULT_ID_PREFIX,
    seed: `${title}\u0000${ctx.actor}\u0000${ctx.now}`,
    cellCount: view.cellCount(),
    exists: (id) => view.statusOf(id) !== undefined,
  });
}

function newId(view: HiveView, ctx: DecideContext, title: string, parent: string | undefined): string {
  if (parent === undefined) return newRootId(view, ctx, title);
  return childId(parent, view.maxChildNumber(parent) + 1);
}

export function decideCreate(cmd: HiveCreateCommand, view: HiveView, ctx: DecideContext): Decision {
  const at = iso(ctx.now);
  if (cmd.parent !== undefined) assertLive(view, cmd.parent);
  const { parent, deps } = resolveDeps(view, cmd.dependsOn, cmd.parent, ctx, at);
  const id = newId(view, ctx, cmd.title, parent);
  // A brand-new cell has no incoming edges, so no dependency it starts with can close a cycle.
  return [{ type: 'hive.cell.created', data: { cell: record(id, cmd, parent ?? null, deps, at) } }];
}

/**
 * The epic and every subtask in one decision: a `hive.epic.created` marker, then the cells, all
 * for one append. Subtask `dependsOn` numbers are 1-based sibling positions (`1` is `<epic>.1`).
 */
export function decideCreateEpic(cmd: HiveCreateEpicCommand, view: HiveView, ctx: DecideContext): Decision {
  const at = iso(ctx.now);
  if (cmd.parent !== undefined) assertLive(view, cmd.parent);
  const epicId = newId(view, ctx, cmd.title, cmd.parent);
  const epic = record(epicId, { ...cmd, type: 'epic' }, cmd.parent ?? null, [], at);
  const subtaskIds = cmd.subtasks.map((_, i) => childId(epicId, i + 1));

  const subtasks = cmd.subtasks.map((task, i) => {
    const refs: DepRef[] = [];
    for (const ref of task.dependsOn) {
      if (typeof ref !== 'number') {
        refs.push(ref);
        continue;
      }
      if (ref > subtaskIds.length || ref === i + 1) {
        throw invalid(
          `subtask ${i + 1} depends on subtask ${ref}, which ${ref === i + 1 ? 'is itself' : 'does not exist'}`,
          `numbers in dependsOn are 1-based positions among the ${subtaskIds.length} subtasks`,
          { subtask: i + 1, dependsOn: ref },
        );
      }
      refs.push({ id: subtaskIds[ref - 1]!, type: 'blocks' });
    }
    const external = refs.filter((r) => typeof r === 'string' || !subtaskIds.includes(r.id));
    if (external.some((r) => typeof r !== 'string' && r.type === 'parent-child')) {
      throw invalid(`subtask ${i + 1} names another parent`, 'subtasks belong to their epic; drop the parent-child reference');
    }
    const { deps } = resolveDeps(view, external, undefined, ctx, at);
    for (const r of refs) {
      if (typeof r !== 'string' && subtaskIds.includes(r.id) && !deps.some((d) => d.dependsOn === r.id)) {
        deps.push({ dependsOn: r.id, type: 'blocks', createdAt: at, createdBy: ctx.actor });
      }
    }
    const fields = { ...task, priority: task.priority ?? cmd.priority };
    return record(subtaskIds[i]!, fields, epicId, deps, at);
  });

  // Sibling numbers can form a loop (1 waits for 2, 2 waits for 1): check the new graph.
  const edges = new Map(subtasks.map((s) => [s.id, [...s.dependencies.filter((d) => d.type === 'blocks').map((d) => d.dependsOn), epicId]]));
  const targets = (id: string): readonly string[] => edges.get(id) ?? view.blockingTargets(id);
  for (const s of subtasks) {
    for (const dep of s.dependencies) {
      if (dep.type !== 'blocks') continue;
      const withoutEdge = (id: string) => (id === s.id ? targets(id).filter((t) => t !== dep.dependsOn) : targets(id));
      const cycle = findCycle(s.id, dep.dependsOn, withoutEdge);
      if (cycle) {
        throw conflict(`subtask dependencies form a cycle: ${formatCycle(cycle)}`, 'remove one of the dependencies in the cycle', { cycle });
      }
    }
  }

  const events: HiveNewEvent[] = [
    { type: 'hive.epic.created', data: { epicId, subtaskIds, at } },
    { type: 'hive.cell.created', data: { cell: epic } },
  ];
  for (const s of subtasks) events.push({ type: 'hive.cell.created', data: { cell: s } });
  return events;
}
