// The page every Apiary webview loads: a strict Content-Security-Policy (nothing but our bundled
// script, with a nonce, and our stylesheet and the codicon font from the extension's own files).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** `name` is the webview bundle: dist/webview/<name>.js and dist/webview/<name>.css. */
export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, name: string, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', ...parts)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicons', 'codicon.css')}">
<link rel="stylesheet" href="${asset('webview', `${name}.css`)}">
<title>${title}</title>
</head>
<body>
<main id="root" aria-busy="true" aria-live="polite"><p>Loading…</p></main>
<script nonce="${nonce}" src="${asset('webview', `${name}.js`)}"></script>
</body>
</html>`;
}
