// Reservations inside the editor: a gutter icon on the first line of a reserved file, a hover
// there with the facts and actions (Request release, Override, Open cell), and a warning the
// moment the human starts editing a file another agent holds exclusively.
import * as vscode from 'vscode';
import type { PathCheck } from '../../shared/coordination';
import type { PathChecker } from './checker';
import { relativePath } from './paths';
import { decorationFor, holdingFacts, hoverMarkdown } from './view';

export const ReservationCommands = {
  requestRelease: 'apiary.reservations.requestRelease',
  override: 'apiary.reservations.override',
  openCell: 'apiary.reservations.openCell',
} as const;

export class ReservationEditorSupport implements vscode.Disposable, vscode.HoverProvider {
  private readonly other: vscode.TextEditorDecorationType;
  private readonly mine: vscode.TextEditorDecorationType;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Paths (with the reservations seen) the human was already warned about, so a warning comes once. */
  private readonly warned = new Map<string, string>();

  constructor(
    private readonly workspace: string | undefined,
    private readonly checker: PathChecker,
    extensionUri: vscode.Uri,
  ) {
    const gutter = (file: string, ruler: string): vscode.TextEditorDecorationType =>
      vscode.window.createTextEditorDecorationType({
        gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', file),
        gutterIconSize: 'contain',
        overviewRulerColor: new vscode.ThemeColor(ruler),
        overviewRulerLane: vscode.OverviewRulerLane.Left,
      });
    this.other = gutter('reserved-other.svg', 'apiary.reservedByOther');
    this.mine = gutter('reserved-mine.svg', 'apiary.reservedByMe');
    this.subscriptions.push(
      this.other,
      this.mine,
      vscode.languages.registerHoverProvider({ scheme: 'file' }, this),
      vscode.window.onDidChangeVisibleTextEditors(() => void this.refresh()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) void this.edited(e.document);
      }),
    );
  }

  /** Redraws the gutter icons of the visible editors. */
  async refresh(): Promise<void> {
    await Promise.all(
      vscode.window.visibleTextEditors.map(async (editor) => {
        const rel = relativePath(this.workspace, editor.document.uri);
        const check = rel === undefined ? undefined : await this.checker.check(rel);
        const view = check && decorationFor(check, Date.now());
        const firstLine = [new vscode.Range(0, 0, 0, 0)];
        editor.setDecorations(this.other, view?.kind === 'other' ? firstLine : []);
        editor.setDecorations(this.mine, view?.kind === 'mine' ? firstLine : []);
      }),
    );
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (position.line !== 0) return undefined;
    const rel = relativePath(this.workspace, document.uri);
    const check = rel === undefined ? undefined : await this.checker.check(rel);
    const text = check && hoverMarkdown(check, Date.now(), ReservationCommands);
    if (!text) return undefined;
    const md = new vscode.MarkdownString(text);
    md.isTrusted = { enabledCommands: Object.values(ReservationCommands) };
    return new vscode.Hover(md, document.lineAt(0).range);
  }

  private async edited(document: vscode.TextDocument): Promise<void> {
    const rel = relativePath(this.workspace, document.uri);
    if (rel === undefined) return;
    const check = await this.checker.check(rel);
    if (!check?.blocked) return;
    const blocking = check.holders.filter((h) => !h.mine && h.mode === 'exclusive');
    const key = blocking.map((h) => h.reservationId).sort().join(',');
    if (this.warned.get(rel) === key) return;
    this.warned.set(rel, key);
    await this.warn(check, blocking);
  }

  private async warn(check: PathCheck, blocking: PathCheck['holders']): Promise<void> {
    const first = blocking[0]!;
    const facts = blocking.map((h) => `${h.holder} (${holdingFacts(h, Date.now())})`).join(', ');
    const pick = await vscode.window.showWarningMessage(
      `${check.path} is reserved by ${facts}. Your edits may collide with theirs.`,
      'Request release',
      'Override',
    );
    if (pick === 'Request release') {
      await vscode.commands.executeCommand(ReservationCommands.requestRelease, { holder: first.holder, pattern: first.pattern, path: check.path });
    } else if (pick === 'Override') {
      await vscode.commands.executeCommand(ReservationCommands.override, { path: check.path, confirmed: true });
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
