// Which status changes are allowed. Closed cells can only be reopened; deleted cells are
// tombstones and never change again.
import type { CellStatus } from '../../../shared/hive';
import { conflict } from './refusals';

const ALLOWED: Record<CellStatus, readonly CellStatus[]> = {
  open: ['in_progress', 'blocked', 'closed', 'deleted'],
  in_progress: ['open', 'blocked', 'closed', 'deleted'],
  blocked: ['open', 'in_progress', 'closed', 'deleted'],
  closed: ['open'],
  deleted: [],
};

export function canTransition(from: CellStatus, to: CellStatus): boolean {
  return ALLOWED[from].includes(to);
}

function hintFor(from: CellStatus, to: CellStatus): string {
  if (from === to) return `it is already ${to}`;
  if (from === 'closed') return 'a closed cell can only be reopened: reopen it first';
  if (from === 'deleted') return 'deleted cells are tombstones; create a new cell instead';
  if (to === 'closed') return 'close it with the close command';
  return `allowed from ${from}: ${ALLOWED[from].join(', ')}`;
}

/** Throws a conflict naming the cell, both statuses and what is allowed instead. */
export function assertTransition(id: string, from: CellStatus, to: CellStatus): void {
  if (canTransition(from, to)) return;
  throw conflict(`${id} cannot go from ${from} to ${to}`, hintFor(from, to), { id, from, to, allowed: [...ALLOWED[from]] });
}
