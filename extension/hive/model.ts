// The Hive view's shape, computed from what the host answered (apiary/hive/tree): no VS Code
// here, so the grouping rules read on their own. Cells are grouped by epic (parents with their
// children), by state, or by who holds them; the Ready filter keeps the ready queue (and, by
// epic, the ancestors that give it context).
import type { CellSummary } from '../../shared/hive';
import type { HiveTreeResult } from '../../shared/hiveViews';

export const GROUP_BYS = ['epic', 'status', 'assignee'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface HiveViewOptions {
  groupBy: GroupBy;
  readyOnly: boolean;
}

/** What a cell's row says about it at a glance (icon and colour follow this). */
export type CellState = 'in_progress' | 'claimed' | 'ready' | 'blocked' | 'open' | 'closed';

export interface CellNode {
  kind: 'cell';
  cell: CellSummary;
  state: CellState;
  /** Open cells it waits for. */
  blockedBy: string[];
  /** Live claim holder, if any. */
  holder: string | null;
  /** Shown only as the ancestor of a ready cell (Ready filter, by epic). */
  context: boolean;
  children: CellNode[];
  parent: HiveNode | null;
}

export interface GroupNode {
  kind: 'group';
  key: string;
  label: string;
  state: CellState | null;
  children: CellNode[];
  parent: null;
}

export type HiveNode = CellNode | GroupNode;

const STATE_ORDER: CellState[] = ['in_progress', 'claimed', 'ready', 'blocked', 'open', 'closed'];
export const STATE_LABELS: Record<CellState, string> = {
  in_progress: 'In progress',
  claimed: 'Claimed',
  ready: 'Ready',
  blocked: 'Blocked',
  open: 'Open',
  closed: 'Closed',
};
export const UNASSIGNED = 'Unassigned';

export function liveHolder(cell: CellSummary, now: number): string | null {
  return cell.claim && Date.parse(cell.claim.expiresAt) > now ? cell.claim.holder : null;
}

export function stateOf(cell: CellSummary, ready: ReadonlySet<string>, now: number): CellState {
  if (cell.status === 'closed' || cell.status === 'deleted') return 'closed';
  if (cell.status === 'in_progress') return 'in_progress';
  if (cell.status === 'blocked' || cell.blocked) return 'blocked';
  if (liveHolder(cell, now)) return 'claimed';
  return ready.has(cell.id) ? 'ready' : 'open';
}

/** Child ids sort by their numbers (`.2` before `.10`); other ids as text. */
export function compareIds(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (i > 0 && /^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Work first (most urgent, then oldest — the host's order), closed cells last. */
function byUrgency(order: ReadonlyMap<string, number>) {
  return (a: CellNode, b: CellNode): number =>
    Number(a.state === 'closed') - Number(b.state === 'closed') || (order.get(a.cell.id) ?? 0) - (order.get(b.cell.id) ?? 0);
}

export function buildTree(data: HiveTreeResult, opts: HiveViewOptions, now: number): HiveNode[] {
  const ready = new Set(data.ready);
  const order = new Map(data.cells.map((c, i) => [c.id, i]));
  const nodes = new Map<string, CellNode>();
  for (const cell of data.cells) {
    nodes.set(cell.id, {
      kind: 'cell',
      cell,
      state: stateOf(cell, ready, now),
      blockedBy: data.blockedBy[cell.id] ?? [],
      holder: liveHolder(cell, now),
      context: false,
      children: [],
      parent: null,
    });
  }
  let shown = [...nodes.values()];
  if (opts.readyOnly) shown = shown.filter((n) => ready.has(n.cell.id));

  if (opts.groupBy === 'epic') {
    const visible = new Set(shown.map((n) => n.cell.id));
    if (opts.readyOnly) {
      // Ancestors stay, greyed, so a ready subtask still shows which epic it belongs to.
      for (const n of shown) {
        for (let p = n.cell.parent; p && nodes.has(p) && !visible.has(p); p = nodes.get(p)!.cell.parent) {
          visible.add(p);
          nodes.get(p)!.context = true;
        }
      }
    }
    const roots: CellNode[] = [];
    for (const id of visible) {
      const n = nodes.get(id)!;
      const parent = n.cell.parent ? nodes.get(n.cell.parent) : undefined;
      if (parent && visible.has(parent.cell.id)) {
        parent.children.push(n);
        n.parent = parent;
      } else {
        roots.push(n);
      }
    }
    for (const n of nodes.values()) n.children.sort((a, b) => compareIds(a.cell.id, b.cell.id));
    return roots.sort(byUrgency(order));
  }

  const groups = new Map<string, GroupNode>();
  for (const n of shown) {
    const key = opts.groupBy === 'status' ? n.state : (n.holder ?? n.cell.assignee ?? UNASSIGNED);
    let group = groups.get(key);
    if (!group) {
      group =
        opts.groupBy === 'status'
          ? { kind: 'group', key, label: STATE_LABELS[n.state], state: n.state, children: [], parent: null }
          : { kind: 'group', key, label: key, state: null, children: [], parent: null };
      groups.set(key, group);
    }
    group.children.push(n);
    n.parent = group;
  }
  for (const g of groups.values()) g.children.sort(byUrgency(order));
  const list = [...groups.values()];
  if (opts.groupBy === 'status') return list.sort((a, b) => STATE_ORDER.indexOf(a.state!) - STATE_ORDER.indexOf(b.state!));
  return list.sort((a, b) => Number(a.key === UNASSIGNED) - Number(b.key === UNASSIGNED) || a.key.localeCompare(b.key));
}

/** Every cell node of a tree, depth first. */
export function* cellNodes(nodes: readonly HiveNode[]): Generator<CellNode> {
  for (const n of nodes) {
    if (n.kind === 'cell') yield n;
    yield* cellNodes(n.children);
  }
}

/** The row's description: priority, id, who holds it, what it waits for. */
export function describeCell(n: CellNode): string {
  const parts = [`P${n.cell.priority}`, n.cell.id];
  const who = n.holder ?? n.cell.assignee;
  if (who) parts.push(`@${who}`);
  if (n.blockedBy.length) parts.push(`blocked by ${n.blockedBy.join(', ')}`);
  else if (n.cell.status === 'blocked') parts.push('blocked');
  return parts.join(' · ');
}

/** Which context actions a cell offers (the `viewItem` the menus test). */
export function contextValue(n: CellNode): string {
  const flags = ['cell'];
  if (n.cell.type === 'epic') flags.push('epic');
  const open = n.state !== 'closed';
  if (n.cell.status === 'open' && !n.cell.blocked) flags.push('canStart');
  if (open && !n.holder && n.state !== 'blocked') flags.push('canClaim');
  if (open) flags.push('canClose', 'canLink');
  else flags.push('canReopen');
  return flags.join(' ');
}
