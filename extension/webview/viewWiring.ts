// What every Apiary webview view does once VS Code resolves it: load its page, hand the page's
// "ready" the current state, run its commands as VS Code commands, and let the view's visibility
// drive when its refresh scheduler fetches.
import * as vscode from 'vscode';
import type { RefreshScheduler } from './refresh';

export interface ViewWiring<C extends string> {
  extensionUri: vscode.Uri;
  html: (webview: vscode.Webview, extensionUri: vscode.Uri) => string;
  refresher: RefreshScheduler;
  /** The view's message guard (typed message unions: anything else is ignored). */
  accept: (message: unknown) => message is { type: 'ready' } | { type: 'command'; command: C };
  commands: Record<C, string>;
  /** Posts the current state to the page. */
  post: () => void;
}

/** Resolves `view` for `owner`, which keeps it in `owner.view` until it is disposed. */
export function resolveView<C extends string>(owner: { view: vscode.WebviewView | undefined }, view: vscode.WebviewView, w: ViewWiring<C>): void {
  owner.view = view;
  view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(w.extensionUri, 'dist')] };
  view.webview.html = w.html(view.webview, w.extensionUri);
  view.webview.onDidReceiveMessage((message: unknown) => {
    if (!w.accept(message)) return;
    if (message.type === 'ready') {
      w.post();
      w.refresher.setVisible(view.visible);
    } else void vscode.commands.executeCommand(w.commands[message.command]);
  });
  view.onDidChangeVisibility(() => w.refresher.setVisible(view.visible));
  view.onDidDispose(() => {
    if (owner.view !== view) return; // already replaced by a newer view
    owner.view = undefined;
    // Without a view, fetch in the background again so the owner's state stays current.
    w.refresher.setVisible(true);
  });
  w.refresher.setVisible(view.visible);
}
