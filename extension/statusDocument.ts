// "Apiary: Show Host Status" opens a read-only markdown document (a virtual document, so closing
// it never asks to save) that is regenerated from a fresh apiary/status each time it is shown.
import * as vscode from 'vscode';

export const STATUS_SCHEME = 'apiary-status';
const STATUS_URI = vscode.Uri.from({ scheme: STATUS_SCHEME, path: '/Apiary Host Status.md' });

export class StatusDocument implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private content = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(STATUS_SCHEME, this);
  }

  provideTextDocumentContent(): string {
    return this.content;
  }

  async show(content: string): Promise<vscode.TextEditor> {
    this.content = content;
    this.changed.fire(STATUS_URI);
    const doc = await vscode.workspace.openTextDocument(STATUS_URI);
    if (doc.languageId !== 'markdown') await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
