import type * as vscode from 'vscode';
import { webviewPage } from '../webview/page';

export function learningViewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewPage(webview, extensionUri, 'learning', 'Apiary Learning');
}
