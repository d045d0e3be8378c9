// Changing a cell: field updates and the status lifecycle (close, reopen, delete).
import type { Cell, CellChanges, HiveNewEvent } from '../../../shared/hive';
import type { HiveCloseCommand, HiveDeleteCommand, HiveReopenCommand, HiveUpdateCommand } from '../../../shared/hiveSchemas';
import { findCycle, formatCycle } from './cycles';
import { sameJson } from './record';
import { cellDeleted, cellNotFound, conflict } from './refusals';
import { assertTransition } from './transitions';
import { iso, liveClaim, type DecideContext, type Decision, type HiveView } from './view';

export function existingCell(view: HiveView, id: string): Cell {
  const cell = view.getCell(id);
  if (!cell) throw cellNotFound(id);
  if (cell.status === 'deleted') throw cellDeleted(cell.id);
  return cell;
}

/** Status changes by someone other than a live claim's holder are refused unless forced. */
function assertNotClaimedByOther(cell: Cell, ctx: DecideContext, force: boolean, action: string): void {
  const claim = liveClaim(cell, ctx.now);
  if (!claim || claim.holder === ctx.actor || force) return;
  throw conflict(
    `${cell.id} is claimed by ${claim.holder} until ${claim.expiresAt}`,
    `only the holder can ${action} it while the claim is live; pass force to ${action} it anyway`,
    { id: cell.id, holder: claim.holder, expiresAt: claim.expiresAt },
  );
}

function sortedLabels(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort();
}

/** Parent changes become parent-child dependency events, checked for cycles like any blocking edge. */
function parentEvents(cell: Cell, parent: string | null, view: HiveView, ctx: DecideContext, at: string): HiveNewEvent[] {
  if (parent === cell.parent) return [];
  const events: HiveNewEvent[] = [];
  if (cell.parent !== null) {
    events.push({ type: 'hive.dep.removed', data: { id: cell.id, dependsOn: cell.parent, type: 'parent-child', by: ctx.actor, at } });
  }
  if (parent !== null) {
    existingCell(view, parent);
    const cycle = findCycle(cell.id, parent, (id) => view.blockingTargets(id));
    if (cycle) {
      throw conflict(`making ${parent} the parent of ${cell.id} would close a cycle: ${formatCycle(cycle)}`, 'a cell cannot sit under itself or wait for its own descendants', { cycle });
    }
    events.push({ type: 'hive.dep.added', data: { id: cell.id, dependsOn: parent, type: 'parent-child', by: ctx.actor, at } });
  }
  return events;
}

export function decideUpdate(cmd: HiveUpdateCommand, view: HiveView, ctx: DecideContext): Decision {
  const cell = existingCell(view, cmd.id);
  const at = iso(ctx.now);
  const changes: CellChanges = {};

  if (cmd.status !== undefined && cmd.status !== cell.status) {
    assertTransition(cell.id, cell.status, cmd.status);
    assertNotClaimedByOther(cell, ctx, cmd.force, `move`);
    changes.status = cmd.status;
  }
  if (cmd.title !== undefined && cmd.title !== cell.title) changes.title = cmd.title;
  if (cmd.description !== undefined && cmd.description !== cell.description) changes.description = cmd.description;
  if (cmd.type !== undefined && cmd.type !== cell.type) changes.type = cmd.type;
  if (cmd.priority !== undefined && cmd.priority !== cell.priority) changes.priority = cmd.priority;
  if (cmd.assignee !== undefined && cmd.assignee !== cell.assignee) changes.assignee = cmd.assignee;

  if (cmd.labels !== undefined || cmd.addLabels !== undefined || cmd.removeLabels !== undefined) {
    const next = new Set(cmd.labels ?? cell.labels);
    for (const l of cmd.addLabels ?? []) next.add(l);
    for (const l of cmd.removeLabels ?? []) next.delete(l);
    const labels = sortedLabels(next);
    if (!sameJson(labels, sortedLabels(cell.labels))) changes.labels = labels;
  }
  if (cmd.files !== undefined) {
    const files = [...new Set(cmd.files)].sort();
    if (!sameJson(files, [...cell.files].sort())) changes.files = files;
  }
  if (cmd.metadata !== undefined) {
    const metadata: Record<string, unknown> = { ...cell.metadata };
    for (const [key, value] of Object.entries(cmd.metadata)) {
      if (value === null) delete metadata[key];
      else metadata[key] = value;
    }
    if (!sameJson(metadata, cell.metadata)) changes.metadata = metadata;
  }

  const events: HiveNewEvent[] = [];
  if (Object.keys(changes).length > 0) events.push({ type: 'hive.cell.updated', data: { id: cell.id, changes, at } });
  if (cmd.parent !== undefined) events.push(...parentEvents(cell, cmd.parent, view, ctx, at));
  return events;
}

export function decideClose(cmd: HiveCloseCommand, view: HiveView, ctx: DecideContext): Decision {
  const cell = existingCell(view, cmd.id);
  assertTransition(cell.id, cell.status, 'closed');
  assertNotClaimedByOther(cell, ctx, cmd.force, 'close');
  return [{ type: 'hive.cell.closed', data: { id: cell.id, reason: cmd.reason ?? null, at: iso(ctx.now) } }];
}

export function decideReopen(cmd: HiveReopenCommand, view: HiveView, ctx: DecideContext): Decision {
  const cell = existingCell(view, cmd.id);
  if (cell.status !== 'closed') {
    throw conflict(`${cell.id} is ${cell.status}, not closed`, 'only closed cells are reopened; use update to change the status of open work', {
      id: cell.id,
      status: cell.status,
    });
  }
  return [{ type: 'hive.cell.reopened', data: { id: cell.id, reason: cmd.reason ?? null, at: iso(ctx.now) } }];
}

/** Deleting leaves a tombstone, so a merge with a teammate's copy cannot bring the cell back. */
export function decideDelete(cmd: HiveDeleteCommand, view: HiveView, ctx: DecideContext): Decision {
  const cell = existingCell(view, cmd.id);
  assertTransition(cell.id, cell.status, 'deleted');
  assertNotClaimedByOther(cell, ctx, cmd.force, 'delete');
  return [{ type: 'hive.cell.deleted', data: { id: cell.id, reason: cmd.reason ?? null, at: iso(ctx.now) } }];
}
