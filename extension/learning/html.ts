// The Learning view's page: a strict Content-Security-Policy (our script with a nonce, our
// stylesheet and the codicon font from the extension's own files, nothing else).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function learningViewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', ...parts)).toString();
  const csp = ["default-src 'none'", `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicons', 'codicon.css')}">
<link rel="stylesheet" href="${asset('webview', 'learning.css')}">
<title>Apiary Learning</title>
</head>
<body>
<main id="root" aria-busy="true" aria-live="polite"><p>Loading…</p></main>
<script nonce="${nonce}" src="${asset('webview', 'learning.js')}"></script>
</body>
</html>`;
}
