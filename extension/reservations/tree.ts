// The Reservations section of the Apiary side bar: active reservations grouped by agent (this
// window's agent first), each with its mode and an expiry countdown; Release on one's own,
// Force release on others' (the host decides whether the holder has been silent long enough).
import * as vscode from 'vscode';
import type { Reservation } from '../../shared/coordination';
import type { CoordinationModel } from '../agents/model';
import { RESERVED_BY_ME_COLOR, RESERVED_BY_OTHER_COLOR } from './decorations';
import { countdown, describeHolding, groupByHolder, type HolderGroup, reservationDescription } from './view';

export const RESERVATIONS_VIEW_ID = 'apiary.reservations';
/** Countdowns in the descriptions are redrawn this often. */
const TICK_MS = 30_000;

export type ReservationNode = { kind: 'holder'; group: HolderGroup } | { kind: 'reservation'; reservation: Reservation; mine: boolean };

export class ReservationsTree implements vscode.TreeDataProvider<ReservationNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ReservationNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly timer: NodeJS.Timeout;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly model: CoordinationModel,
    private readonly me: () => string,
    private readonly workspace: string | undefined,
  ) {
    this.subscription = model.onDidChangeReservations(() => this.refresh());
    this.timer = setInterval(() => this.refresh(), TICK_MS);
    this.timer.unref?.();
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getChildren(node?: ReservationNode): ReservationNode[] {
    if (!node) return groupByHolder(this.model.reservations, this.me(), Date.now()).map((group) => ({ kind: 'holder', group }));
    if (node.kind === 'holder') return node.group.reservations.map((reservation) => ({ kind: 'reservation', reservation, mine: node.group.mine }));
    return [];
  }

  getTreeItem(node: ReservationNode): vscode.TreeItem {
    const now = Date.now();
    if (node.kind === 'holder') {
      const { group } = node;
      const item = new vscode.TreeItem(group.mine ? `${group.holder} (this window)` : group.holder, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `holder:${group.holder}`;
      item.description = `${group.reservations.length} reservation${group.reservations.length === 1 ? '' : 's'}`;
      item.iconPath = new vscode.ThemeIcon(group.mine ? 'account' : 'person');
      item.contextValue = group.mine ? 'apiary.holder.mine' : 'apiary.holder.other';
      return item;
    }
    const r = node.reservation;
    const item = new vscode.TreeItem(r.except.length ? `${r.pattern} (except ${r.except.join(', ')})` : r.pattern, vscode.TreeItemCollapsibleState.None);
    item.id = `reservation:${r.id}`;
    item.description = reservationDescription(r, now);
    const tooltip = new vscode.MarkdownString(
      [`**${r.pattern}**`, '', describeHolding(r, now, this.me()), '', `Reserved ${new Date(r.createdAt).toLocaleString()} · id \`${r.id}\``].join('\n'),
    );
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(r.mode === 'shared' ? 'eye' : 'lock', new vscode.ThemeColor(node.mine ? RESERVED_BY_ME_COLOR : RESERVED_BY_OTHER_COLOR));
    item.contextValue = node.mine ? 'apiary.reservation.mine' : 'apiary.reservation.other';
    item.accessibilityInformation = { label: `${r.pattern}, reserved by ${r.holder}, ${r.mode}, ${countdown(r.expiresAt, now)}` };
    // A plain path opens on click; globs have nothing single to open.
    if (this.workspace && !/[*?[\]{}()!]/.test(r.pattern)) {
      item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.joinPath(vscode.Uri.file(this.workspace), r.pattern)] };
    }
    return item;
  }

  dispose(): void {
    clearInterval(this.timer);
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
