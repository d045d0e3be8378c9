// Reserved files in the explorer and on editor tabs: a badge and colour for "another agent holds
// it" (the holder's initials) and another for "I hold it" (a check mark), with a tooltip naming
// holder, reason, cell and expiry. Redrawn whenever the host reports a reservation change.
import * as vscode from 'vscode';
import type { PathChecker } from './checker';
import { relativePath } from './paths';
import { decorationFor, type DecorationKind } from './view';

export const RESERVED_BY_OTHER_COLOR = 'apiary.reservedByOther';
export const RESERVED_BY_ME_COLOR = 'apiary.reservedByMe';

const COLORS: Record<DecorationKind, string | undefined> = {
  other: RESERVED_BY_OTHER_COLOR,
  mine: RESERVED_BY_ME_COLOR,
  // Others only read it: a badge, no alarm.
  shared: undefined,
};

export class ReservationDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.emitter.event;

  constructor(
    private readonly workspace: string | undefined,
    private readonly checker: PathChecker,
  ) {}

  async provideFileDecoration(uri: vscode.Uri): Promise<vscode.FileDecoration | undefined> {
    const rel = relativePath(this.workspace, uri);
    if (rel === undefined) return undefined;
    const check = await this.checker.check(rel);
    const view = check && decorationFor(check, Date.now());
    if (!view) return undefined;
    const color = COLORS[view.kind];
    const decoration = new vscode.FileDecoration(view.badge, view.tooltip, color ? new vscode.ThemeColor(color) : undefined);
    decoration.propagate = false;
    return decoration;
  }

  /** Every decoration is asked for again (the checker was invalidated first). */
  refresh(): void {
    this.emitter.fire(undefined);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
