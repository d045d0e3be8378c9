import type * as vscode from 'vscode';
import { webviewPage } from '../webview/page';

export function costViewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewPage(webview, extensionUri, 'cost', 'Apiary Cost');
}
