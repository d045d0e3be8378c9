// Dependencies and comments.
import { ApiaryError } from '../../../shared/errors';
import type { Cell, HiveNewEvent } from '../../../shared/hive';
import type { HiveCommentCommand, HiveDepAddCommand, HiveDepRemoveCommand } from '../../../shared/hiveSchemas';
import { findCycle, formatCycle } from './cycles';
import { existingCell } from './lifecycle';
import { cellNotFound, conflict, invalid } from './refusals';
import { iso, type DecideContext, type Decision, type HiveView } from './view';

function describeDeps(cell: Cell): string {
  const deps = cell.dependencies.map((d) => `${d.type} ${d.dependsOn}`);
  if (cell.parent) deps.push(`parent-child ${cell.parent}`);
  return deps.length ? deps.join(', ') : 'none';
}

export function decideDepAdd(cmd: HiveDepAddCommand, view: HiveView, ctx: DecideContext): Decision {
  if (cmd.id === cmd.dependsOn) {
    throw invalid(`${cmd.id} cannot depend on itself`, 'name two different cells', { id: cmd.id });
  }
  const cell = existingCell(view, cmd.id);
  existingCell(view, cmd.dependsOn);
  const at = iso(ctx.now);
  const events: HiveNewEvent[] = [];

  if (cmd.type === 'parent-child') {
    if (cell.parent === cmd.dependsOn) return [];
  } else if (cell.dependencies.some((d) => d.dependsOn === cmd.dependsOn && d.type === cmd.type)) {
    return [];
  }

  if (cmd.type === 'blocks' || cmd.type === 'parent-child') {
    const cycle = findCycle(cmd.id, cmd.dependsOn, (id) => view.blockingTargets(id));
    if (cycle) {
      throw conflict(`adding ${cmd.id} ${cmd.type} ${cmd.dependsOn} would close a cycle: ${formatCycle(cycle)}`, 'remove a dependency in the cycle first, or link them as related', {
        cycle,
      });
    }
  }
  if (cmd.type === 'parent-child' && cell.parent !== null) {
    events.push({ type: 'hive.dep.removed', data: { id: cell.id, dependsOn: cell.parent, type: 'parent-child', by: ctx.actor, at } });
  }
  events.push({ type: 'hive.dep.added', data: { id: cell.id, dependsOn: cmd.dependsOn, type: cmd.type, by: ctx.actor, at } });
  return events;
}

export function decideDepRemove(cmd: HiveDepRemoveCommand, view: HiveView, ctx: DecideContext): Decision {
  const cell = view.getCell(cmd.id);
  if (!cell) throw cellNotFound(cmd.id);
  const at = iso(ctx.now);
  const events: HiveNewEvent[] = [];
  for (const d of cell.dependencies) {
    if (d.dependsOn === cmd.dependsOn && (cmd.type === undefined || cmd.type === d.type)) {
      events.push({ type: 'hive.dep.removed', data: { id: cell.id, dependsOn: d.dependsOn, type: d.type, by: ctx.actor, at } });
    }
  }
  if (cell.parent === cmd.dependsOn && (cmd.type === undefined || cmd.type === 'parent-child')) {
    events.push({ type: 'hive.dep.removed', data: { id: cell.id, dependsOn: cmd.dependsOn, type: 'parent-child', by: ctx.actor, at } });
  }
  if (events.length === 0) {
    throw new ApiaryError('not_found', `${cmd.id} has no ${cmd.type ?? ''}${cmd.type ? ' ' : ''}dependency on ${cmd.dependsOn}`, `its dependencies: ${describeDeps(cell)}`, {
      id: cmd.id,
      dependsOn: cmd.dependsOn,
    });
  }
  return events;
}

export function decideComment(cmd: HiveCommentCommand, view: HiveView, ctx: DecideContext): Decision {
  const cell = existingCell(view, cmd.id);
  const id = cell.comments.reduce((max, c) => Math.max(max, c.id), 0) + 1;
  return [{ type: 'hive.comment.added', data: { id: cell.id, comment: { id, author: ctx.actor, text: cmd.text, createdAt: iso(ctx.now) } } }];
}
